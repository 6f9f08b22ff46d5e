import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverArgs } from "./fixtures.js";

const folder = mkdtempSync(join(tmpdir(), "mcp-init-folder-"));
writeFileSync(join(folder, "notes"), "a file, not a folder\n");

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/**
 * Runs factory-mcp in `folder` with its stdin closed. A run spinning in a
 * synchronous loop cannot heed SIGTERM, so one still going after a minute is
 * killed outright (and reported as killed), not left behind.
 */
function start(args: readonly string[]): Promise<{ code: number; stderr: string; killed: boolean }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      serverArgs(args),
      { cwd: folder, timeout: 60_000, killSignal: "SIGKILL", env: { ...process.env, FACTORY_MCP_TOKEN: "" } },
      (error, _stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stderr, killed: error?.killed === true });
      },
    );
    child.stdin?.end();
  });
}

describe("factory-mcp --init on a folder that cannot be made", () => {
  it("exits 1 naming it where the file system refuses new folders, instead of spinning", async () => {
    // /proc refuses new entries with ENOENT, which Node's recursive mkdir retries for ever.
    const run = await start(["--dir", "/proc/no-factory-here/.factory", "--init"]);
    expect(run.killed).toBe(false);
    // The operation failed, as `factory mcp --init` (E_WRITE) and every `factory` command exit for it.
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "factory-mcp: cannot create the factory at /proc/no-factory-here/.factory: it cannot be created there (ENOENT)\n",
    );
  }, 120_000);

  it("exits 2 naming the file that stands where a folder of --dir should be", async () => {
    for (const init of [["--init"], []]) {
      const run = await start(["--dir", "notes/.factory", ...init]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `factory-mcp: --dir notes/.factory: ${join(folder, "notes")} is a file, so no folder can be there\n`,
      );
    }
    expect(readdirSync(folder)).toEqual(["notes"]);
  }, 120_000);
});
