import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, type RunResult } from "./runFactory.js";

let cwd: string;
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

/**
 * Runs the built bin in `cwd`. A run spinning in a synchronous loop cannot
 * heed SIGTERM, so a run still going after a minute is killed outright
 * (and reported as killed), not left behind.
 */
function factory(...args: string[]): Promise<RunResult & { killed: boolean }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd,
        env: {
          ...process.env,
          NO_COLOR: "",
          FACTORY_DATABASE_URL: "",
          FACTORY_DIR: "",
          FACTORY_ACTOR: "tester",
        },
        timeout: 60_000,
        killSignal: "SIGKILL",
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stdout, stderr, killed: error?.killed === true });
      },
    );
  });
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-unwritable-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeFileSync(join(cwd, "notes"), "a file, not a folder\n");
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a factory folder that cannot be made", () => {
  it(
    "is E_WRITE naming it, from init, plan apply and a first import, where the file system refuses new folders",
    SLOW,
    async () => {
      // /proc refuses new entries with ENOENT, which Node's recursive mkdir retries for ever.
      for (const args of [
        ["--dir", "/proc/no-factory-here/.factory", "init"],
        ["--dir", "/proc/no-factory-here/.factory", "plan", "apply", "factory.yaml"],
        ["--dir", "/proc/no-factory-here/.factory", "import", "codeowners", "factory.yaml"],
      ]) {
        const run = await factory(...args);
        expect(run.killed, args.join(" ")).toBe(false);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr.split("\n")[0]).toBe(
          "error: E_WRITE: cannot create the factory at /proc/no-factory-here/.factory: it cannot be created there (ENOENT)",
        );
      }
      expect(readdirSync(cwd).sort()).toEqual(["factory.yaml", "notes"]);
    },
  );

  it("is a usage error naming the file in the way of --dir, for every command", SLOW, async () => {
    for (const args of [
      ["--dir", "notes/.factory", "init"],
      ["--dir", "notes/a/.factory", "work", "list"],
    ]) {
      const run = await factory(...args);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.split("\n")[0]).toBe(
        `error: E_USAGE: --dir ${args[1]}: ${join(cwd, "notes")} is a file, so no folder can be there`,
      );
    }
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
  });
});
