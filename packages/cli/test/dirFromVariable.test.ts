/**
 * A factory folder named by FACTORY_DIR that cannot be one is told as the
 * variable's: a CI job that exported it wrong is not sent looking for a
 * `--dir` it never typed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-dir-variable-"));
  mkdirSync(join(cwd, "sub"));
  writeFileSync(join(cwd, "notes"), "a file\n");
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("FACTORY_DIR naming a file", () => {
  it("names the variable, not --dir", async () => {
    const file = await runFactory(["work", "list"], { cwd, env: { FACTORY_DIR: "notes" } });
    expect(file.code).toBe(2);
    expect(firstLine(file)).toBe(
      "error: E_USAGE: FACTORY_DIR (--dir) notes is a file, not a factory folder (the folder that holds factory.db; `factory init` makes one)",
    );
    const under = await runFactory(["init"], { cwd, env: { FACTORY_DIR: "notes/.factory" } });
    expect(under.code).toBe(2);
    expect(firstLine(under)).toBe(
      `error: E_USAGE: FACTORY_DIR (--dir) notes/.factory: ${join(cwd, "notes")} is a file, so no folder can be there`,
    );
  });

  it("--dir is still named --dir, and wins over the variable", async () => {
    const file = await runFactory(["work", "list", "--dir", "notes"], { cwd, env: { FACTORY_DIR: "sub" } });
    expect(file.code).toBe(2);
    expect(firstLine(file)).toMatch(/^error: E_USAGE: --dir notes is a file, not a factory folder/);
  });
});
