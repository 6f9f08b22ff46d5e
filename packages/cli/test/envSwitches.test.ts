/**
 * The on/off environment variables as CI files write them: `FACTORY_DEBUG=0`
 * or `false` shows no stack trace, and `FORCE_COLOR=0` or `false` switches
 * colour off on a terminal (`NO_COLOR` winning over it). Colour is read on a
 * real pseudo-terminal (`script -qc`, the built bin); FACTORY_DEBUG in
 * process through `runCli`.
 */
import { execFileSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { createOutput } from "@software-factory/cli";
import { describe, expect, it } from "vitest";
import { BIN, runFactory } from "./runFactory.js";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { cwd } = useShopFactory("factory-env-switches-");

/** Whether `script` (util-linux) is here to give the bin a terminal. */
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** `factory --dir .factory floorplan`'s first line, written on a pseudo-terminal with `env` over a clean environment. */
function floorplanOnTerminal(env: NodeJS.ProcessEnv): string {
  const shell = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const command = `${shell(process.execPath)} ${shell(BIN)} --dir .factory floorplan`;
  const text = execFileSync("script", ["-qc", command, "/dev/null"], {
    cwd: cwd(),
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", FACTORY_DIR: "", FACTORY_DATABASE_URL: "", ...env },
    encoding: "utf8",
  });
  return text.split("\n")[0] ?? "";
}

/** Whether a line holds the bold escape the floor plan's title is written with in colour. */
const bold = (line: string) => line.includes("\x1b[1m");

describe("FORCE_COLOR and NO_COLOR", () => {
  it.runIf(hasScript)(
    "on a terminal: colour by default, off with FORCE_COLOR=0 or false, and NO_COLOR wins over FORCE_COLOR=1",
    SLOW,
    () => {
      expect(bold(floorplanOnTerminal({}))).toBe(true);
      expect(bold(floorplanOnTerminal({ FORCE_COLOR: "1" }))).toBe(true);
      expect(floorplanOnTerminal({ FORCE_COLOR: "0" })).not.toContain("\x1b[");
      expect(floorplanOnTerminal({ FORCE_COLOR: "false" })).not.toContain("\x1b[");
      expect(floorplanOnTerminal({ FORCE_COLOR: "1", NO_COLOR: "1" })).not.toContain("\x1b[");
    },
  );

  it("off a terminal: FORCE_COLOR=1 to 3 and true switch colour on, 0 and false leave it off", () => {
    const pipe = () => new PassThrough();
    const styled = (env: NodeJS.ProcessEnv) =>
      createOutput({ stdout: pipe(), stderr: pipe(), env }).style("bold", "x") !== "x";
    for (const on of ["1", "2", "3", "true", "TRUE"]) expect(styled({ FORCE_COLOR: on }), on).toBe(true);
    for (const off of ["0", "false", ""]) expect(styled({ FORCE_COLOR: off }), off).toBe(false);
    expect(styled({ FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
  });
});

describe("FACTORY_DEBUG", () => {
  const failing = (FACTORY_DEBUG: string) =>
    runFactory(["--dir", ".factory", "work", "show", "wi_nope"], { cwd: cwd(), env: { FACTORY_DEBUG } });

  it("shows the stack trace for 1 or true, not for 0, false or empty", SLOW, async () => {
    for (const on of ["1", "true"]) {
      const run = await failing(on);
      expect(run.code).toBe(1);
      expect(run.stderr, on).toMatch(/^error: E_NOT_FOUND: .*\n.*\n?\s+at /s);
    }
    for (const off of ["0", "false", ""]) {
      const run = await failing(off);
      expect(run.code).toBe(1);
      expect(run.stderr, off).not.toMatch(/\n\s+at /);
    }
  });

  it("names a value it does not take instead of guessing", SLOW, async () => {
    const run = await failing("maybe");
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).toContain(
      "(FACTORY_DEBUG=maybe is not one of 1, true, yes, on, 0, false, no, off: no stack trace)",
    );
  });
});
