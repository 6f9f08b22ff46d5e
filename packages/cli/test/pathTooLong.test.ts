/**
 * A path longer than the file system takes (a `--dir`, `--store`, `--file` or
 * file argument of 100,000 characters) is a usage error that quotes its
 * start and its length, not `E_FAILED` with Node's message holding the whole
 * path.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const LONG = "x".repeat(100_000);

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-path-too-long-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a path too long for the file system", () => {
  it.each([
    [["--dir", LONG, "work", "list"]],
    [["--store", LONG, "work", "list"]],
    [["plan", "check", LONG]],
    [["import", "junit", LONG]],
    [["knowledge", "capture", "--kind", "note", "--title", "t", "--file", LONG]],
  ])("is E_USAGE quoting its start and length (%#)", async (args) => {
    const run = await runFactory(args, { cwd });
    const [first = "", ...rest] = run.stderr.split("\n");
    expect(first).toMatch(
      /^error: E_USAGE: a path is too long for the file system \(ENAMETOOLONG\): "[^"]{1,80}"\.\.\. \(1000\d\d characters\)$/,
    );
    expect(rest).toEqual(["(run with --help for usage)", ""]);
    expect(run.code).toBe(2);
  });
});
