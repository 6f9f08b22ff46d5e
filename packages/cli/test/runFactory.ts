/**
 * Runs the built `factory` bin as a subprocess, as a shell or CI would.
 */
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The built bin. */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../dist/cli.js");

/** What a run of the bin gave. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `factory <args>` in `cwd`, without a terminal (so no colour and no progress). */
export function runFactory(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd,
        env: {
          ...process.env,
          NO_COLOR: "",
          FACTORY_DATABASE_URL: "",
          FORCE_COLOR: "",
          FACTORY_DIR: "",
          FACTORY_ACTOR: "tester",
          ...options.env,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}
