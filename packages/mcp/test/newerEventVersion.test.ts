/**
 * `factory-mcp` over a factory folder into whose log a newer SDK appended an
 * event stored at a newer version of its type than this code defines: a
 * floor-plan or work-item event stops the server at start (exit 1, the
 * operation failed, as `factory mcp` and every `factory` command exit; the
 * reason on stderr, no stack trace, nothing written); a knowledge event, which the
 * server folds only when a tool first reads the knowledge base, is the
 * `E_EVENT_VERSION` error of that tool's answer.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appendNewerEvent,
  logHead,
  NEWER_LINE,
  NEWER_NOTE,
  NEWER_WORK_ITEM,
} from "../../core/test/fixtures/newerEvent.js";
import { callTool, connectToServer, repoRoot, serverArgs } from "./fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-newer-event-"));
  const factory = await openFactory({ dir });
  try {
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
    });
  } finally {
    await factory.close();
  }
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const db = () => join(dir, "factory.db");

/** Starts the built server over the folder with no client and gives how it ended. */
function start(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      serverArgs(["--dir", dir]),
      { cwd: repoRoot },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
    // Stdin closed at once: a server that did start stops, so the test never hangs on it.
    child.stdin?.end();
  });
}

describe("factory-mcp over a log holding an event a newer SDK wrote", () => {
  for (const event of [NEWER_LINE, NEWER_WORK_ITEM]) {
    const { type, subject } = event;
    it(`refuses to start over a newer ${type} with exit code 1, naming it, writing nothing`, async () => {
      await appendNewerEvent(db(), event);
      const before = await logHead(db());
      const { code, stdout, stderr } = await start();
      expect({ code, stdout }).toEqual({ code: 1, stdout: "" });
      expect(stderr).toMatch(
        new RegExp(
          `^factory-mcp: cannot open the factory at .*: event "${type}" at position \\d+ \\(id evt_newer_${subject}\\) is stored at version 9, but this code knows "${type}" up to version 1: .*; upgrade to read it\\n$`,
        ),
      );
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(await logHead(db())).toBe(before);
    });
  }

  it("answers a knowledge tool over a newer knowledge event with the E_EVENT_VERSION error", async () => {
    await appendNewerEvent(db(), NEWER_NOTE);
    const client = await connectToServer("newer-event", ["--dir", dir, "--actor", "agent"]);
    try {
      const answer = await callTool(client, "search_knowledge", { query: "refunds" });
      expect(answer.isError).toBe(true);
      expect(answer.content[0]?.text).toMatch(/E_EVENT_VERSION.*"knowledge\.document\.captured".*version 9/);
    } finally {
      await client.close();
    }
  });
});
