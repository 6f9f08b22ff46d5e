/**
 * A source a command reads that is not there is E_NOT_FOUND naming the path
 * (and the flag it came from), and creates no factory.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
/** The bin runs several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-missing-sources-"));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a missing source", () => {
  it.each([
    [
      ["import", "codebase", "nonexistent"],
      /^error: E_NOT_FOUND: cannot import codebase: nonexistent does not exist/,
    ],
    [
      ["import", "codeowners"],
      /^error: E_NOT_FOUND: no CODEOWNERS in .+ \(looked in \.github\/, the root, docs\/ and \.gitlab\/\); give its path: factory import codeowners <file>/,
    ],
    [["import", "workspaces", "nonexistent"], /^error: E_NOT_FOUND: no folder nonexistent\n/],
    // A folder that is no workspace's root (cwd holds no package.json): not "package.json is not valid JSON".
    [
      ["import", "workspaces", "."],
      /^error: E_NOT_FOUND: <root>: no package\.json nor pnpm-workspace\.yaml in \.: give the root folder of an npm, yarn or pnpm workspace\n/,
    ],
    [
      ["knowledge", "capture", "--kind", "note", "--title", "T", "--file", "missing.md"],
      /^error: E_NOT_FOUND: --file: no file missing\.md\n/,
    ],
    [
      ["knowledge", "revise", "doc_x", "--reason", "r", "--file", "missing.md"],
      /^error: E_NOT_FOUND: --file: no file missing\.md\n/,
    ],
    [
      ["import", "jsonl", "events.jsonl", "--mapping", "@missing.json"],
      /^error: E_NOT_FOUND: --mapping: no file missing\.json\n/,
    ],
    // What is there instead is told as it is: a folder, or a device (not "a folder").
    [
      ["import", "junit", tmpdir()],
      new RegExp(`^error: E_NOT_FOUND: no file ${tmpdir()} \\(it is a folder\\)\n`),
    ],
    [
      ["import", "junit", "/dev/null"],
      /^error: E_NOT_FOUND: no file \/dev\/null \(it is a device, pipe or socket, not a file\)\n/,
    ],
  ])("factory %j exits 1 with E_NOT_FOUND naming it, and creates no factory", SLOW, async (args, message) => {
    const run = await runFactory(["--dir", ".factory", ...args], { cwd });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
  });
});
