/**
 * `factory --version` with `--json` prints `{"version": ...}`, wherever
 * `--json` stands (commander acts on `--version` as soon as it reads it);
 * without `--json`, or with it after `--`, the plain version. In process, and
 * once through the built bin.
 */
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { CLI_VERSION } from "../src/program.js";
import { runFactory, runFactoryProcess } from "./runFactory.js";

const cwd = tmpdir();

describe("factory --version", () => {
  it.each([
    [["--version", "--json"]],
    [["--json", "--version"]],
    [["-V", "--json"]],
    [["work", "list", "--version", "--json"]],
  ])("%j prints the version as JSON and exits 0", async (args) => {
    const run = await runFactory(args, { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ version: CLI_VERSION });
  });

  it.each([[["--version"]], [["--version", "--", "--json"]]])("%j prints the plain version", async (args) => {
    const run = await runFactory(args, { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${CLI_VERSION}\n`);
  });

  it("prints it as JSON from the built bin", async () => {
    const run = await runFactoryProcess(["--version", "--json"], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ version: CLI_VERSION });
  });
});
