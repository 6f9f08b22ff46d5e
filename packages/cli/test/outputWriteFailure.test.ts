/**
 * Standard output that cannot be written (`> out.json` on a full disk,
 * here `/dev/full`) fails the command with `E_WRITE` and the reason, not
 * with a stack trace. Through the built bin, whose standard output is the
 * one under test.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, runFactory } from "./runFactory.js";

const FULL = "/dev/full";
const cwd = mkdtempSync(join(tmpdir(), "factory-cli-full-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs the built bin with standard output written to /dev/full; `stderr` is what it printed there. */
function runIntoFull(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(FULL, "w");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: {
        ...process.env,
        NO_COLOR: "",
        FACTORY_DIR: "",
        FACTORY_DATABASE_URL: "",
        FACTORY_ACTOR: "tester",
      },
      stdio: ["ignore", fd, "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    child.on("error", fail);
    child.on("close", (code) => {
      closeSync(fd);
      done({ code, stderr });
    });
  });
}

describe.runIf(existsSync(FULL))("standard output that cannot be written", () => {
  it.each([[["--version", "--json"]], [["floorplan", "--json"]], [["work", "list"]]])(
    "%j exits 1 with E_WRITE naming standard output and the reason",
    async (args) => {
      const init = await runFactory(["init"], { cwd });
      expect(init.code, init.stderr).toBe(0);
      const run = await runIntoFull(args);
      expect(run.stderr).toBe(
        "error: E_WRITE: cannot write standard output: no space left on the device (ENOSPC)\n",
      );
      expect(run.code).toBe(1);
    },
  );
});
