/**
 * `factory search` and `factory context` stopped by Ctrl-C: the first SIGINT
 * cancels the read where it waits (the embedder's request for the query is
 * closed), and the command exits 130 (128 + SIGINT, as shells report an
 * interrupted command) with one error line, having written nothing. The built
 * bin as a subprocess, its embedder (`FACTORY_EMBEDDER=openai`) a local
 * `/v1/embeddings` server that holds each request for a text with `held`
 * (the MCP package's heldEmbeddingsServer, which its cancellation tests use).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { startHeldEmbeddingsServer } from "../../mcp/test/heldEmbeddingsServer.js";
import { BIN, runFactoryProcess } from "./runFactory.js";
import { SLOW } from "./shopFactory.js";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Events in the factory's log. */
async function eventCount(cwd: string): Promise<number> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    return (await log.read()).length;
  } finally {
    await log.close();
  }
}

/**
 * Runs `factory <args>` on a factory with one note, in a folder of its own,
 * sends it `signal` once its embedder's request for the held text arrived, and
 * gives its exit code and stderr, whether the request was closed, and the
 * log's events before and after.
 */
async function interrupted(args: readonly string[], signal: NodeJS.Signals = "SIGINT") {
  const embeddings = await startHeldEmbeddingsServer();
  cleanups.push(() => embeddings.close());
  const cwd = mkdtempSync(join(tmpdir(), "factory-reads-interrupted-"));
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const env = embeddings.env;
  const init = await runFactoryProcess(["--dir", ".factory", "init"], { cwd, env });
  expect(init.code, init.stderr).toBe(0);
  const captured = await runFactoryProcess(
    [
      "--dir",
      ".factory",
      "knowledge",
      "capture",
      "--kind",
      "note",
      "--title",
      "Payment retries",
      "--body",
      "Cards are retried three times.",
    ],
    { cwd, env },
  );
  expect(captured.code, captured.stderr).toBe(0);
  const before = await eventCount(cwd);
  const child = spawn(process.execPath, [BIN, "--dir", ".factory", ...args], {
    cwd,
    env: { ...process.env, FACTORY_DIR: "", FACTORY_DATABASE_URL: "", FACTORY_ACTOR: "tester", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await embeddings.arrived;
  child.kill(signal);
  const code = await exited;
  await embeddings.closed;
  return { code, stderr, before, after: await eventCount(cwd) };
}

describe("a read stopped by Ctrl-C", () => {
  it(
    "factory search cancels the search, closes the embedder's request, exits 130 and writes nothing",
    SLOW,
    async () => {
      const run = await interrupted(["search", "a", "held", "question"]);

      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toBe(
        "error: E_INTERRUPTED: interrupted (SIGINT): the search was cancelled; nothing was written\n",
      );
      expect(run.after).toBe(run.before);
    },
  );

  it(
    "factory context cancels the pack, closes the embedder's request, exits 130 and writes nothing",
    SLOW,
    async () => {
      const run = await interrupted(["context", "--question", "a held question"]);

      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toBe(
        "error: E_INTERRUPTED: interrupted (SIGINT): the context pack was cancelled; nothing was written\n",
      );
      expect(run.after).toBe(run.before);
    },
  );
});

describe("a read stopped by SIGTERM or SIGHUP (timeout, docker stop, a closed terminal)", () => {
  it("factory search cancels as on Ctrl-C, names SIGTERM and exits 143 (128 + 15)", SLOW, async () => {
    const run = await interrupted(["search", "a", "held", "question"], "SIGTERM");

    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toBe(
      "error: E_INTERRUPTED: interrupted (SIGTERM): the search was cancelled; nothing was written\n",
    );
    expect(run.after).toBe(run.before);
  });

  it("factory context cancels as on Ctrl-C, names SIGHUP and exits 129 (128 + 1)", SLOW, async () => {
    const run = await interrupted(["context", "--question", "a held question"], "SIGHUP");

    expect(run.code, run.stderr).toBe(129);
    expect(run.stderr).toBe(
      "error: E_INTERRUPTED: interrupted (SIGHUP): the context pack was cancelled; nothing was written\n",
    );
    expect(run.after).toBe(run.before);
  });
});
