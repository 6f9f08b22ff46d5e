/**
 * `factory-mcp` over stdio logs `stopped` once it has closed the factory,
 * whether a signal stopped it or the client closed stdin, as it does over
 * HTTP. The built bin, run as a subprocess, on a real SQLite folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, seededFactory, serverArgs } from "./fixtures.js";

/** Each test runs the bin, a few seconds on a loaded machine. */
const SLOW = { timeout: 120_000 };
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const seeded = await seededFactory(mkdtempSync(join(tmpdir(), "mcp-stdio-stopped-")));
  await seeded.factory.close();
  dir = seeded.dir;
}, SLOW.timeout);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts factory-mcp over stdio on the folder, stops it the given way once it
 * logs that it serves, and resolves with its stderr lines and exit code.
 */
async function serveThenStop(how: "SIGINT" | "stdin end"): Promise<{ lines: string[]; code: number | null }> {
  const child = spawn(process.execPath, serverArgs(["--dir", dir]), {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await expect.poll(() => stderr, { timeout: 60_000, interval: 50 }).toMatch(/serving .* over stdio\n/);
  if (how === "SIGINT") child.kill("SIGINT");
  else child.stdin?.end();
  const code = await exited;
  return { lines: stderr.trimEnd().split("\n"), code };
}

describe("factory-mcp over stdio", () => {
  it("logs stopped after SIGINT: stopping", SLOW, async () => {
    const { lines, code } = await serveThenStop("SIGINT");
    expect(code).toBe(0);
    expect(lines.slice(-2)).toEqual(["factory-mcp: SIGINT: stopping", "factory-mcp: stopped"]);
  });

  it("logs stopped when the client closes stdin", SLOW, async () => {
    const { lines, code } = await serveThenStop("stdin end");
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe("factory-mcp: stopped");
  });
});
