/**
 * Runs `factory <args>` as a shell or CI would: in this process by default
 * ({@link runFactory}, through `runCli` with the working folder and environment
 * of the run), or as a subprocess of the built bin ({@link runFactoryProcess})
 * where the process itself is under test: its exit, signals, two runs at once.
 *
 * In process, a run skips the ~0.75 s of module loading a subprocess pays,
 * which was most of the CLI tests' time. bin.test.ts and the subprocess tests
 * keep the built bin itself under test.
 */
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createOutput, runCli } from "@software-factory/cli";

/** The built bin. */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../dist/cli.js");

/** What a run gave. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and with what environment a run happens. */
export interface RunOptions {
  /** The working folder of the run. */
  readonly cwd: string;
  /** Variables set (a value) or unset (`undefined`) over this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The environment every run starts from: no colour, no factory named by the environment, actor `tester`. */
function environmentOf(options: RunOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NO_COLOR: "",
    FACTORY_DATABASE_URL: "",
    FORCE_COLOR: "",
    FACTORY_DIR: "",
    FACTORY_ACTOR: "tester",
    ...options.env,
  };
}

/** Runs the built bin as a subprocess, without a terminal (so no colour and no progress). */
export function runFactoryProcess(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd, env: environmentOf(options), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** In-process runs change the working folder and environment of the process, so they take turns. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs `factory <args>` in this process, as the bin would in `options.cwd`
 * with `options.env`, without a terminal. Runs take turns; `factory mcp`,
 * which serves on standard input and output, runs as a subprocess.
 */
export function runFactory(args: readonly string[], options: RunOptions): Promise<RunResult> {
  if (args.includes("mcp")) return runFactoryProcess(args, options);
  const run = turn.then(() => runInProcess(args, options));
  turn = run.catch(() => undefined);
  return run;
}

/**
 * Runs `runCli(args)` in this process with what it prints captured, in the
 * process's working folder and environment as they are (so runs may overlap:
 * give `--dir` as an absolute path). `env` is what colour is decided from.
 */
export async function runCliCapturing(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  const printed = { stdout: "", stderr: "" };
  const into = (name: keyof typeof printed) =>
    new Writable({
      write(chunk, _encoding, done) {
        printed[name] += String(chunk);
        done();
      },
    });
  const code = await runCli(args, createOutput({ stdout: into("stdout"), stderr: into("stderr"), env }));
  return { code, ...printed };
}

async function runInProcess(args: readonly string[], options: RunOptions): Promise<RunResult> {
  // Node prints a process warning on standard error; so does this run, in Node's format, after its own lines.
  let warnings = "";
  const onWarning = (warning: Error & { code?: string }) => {
    const code = warning.code === undefined ? "" : `[${warning.code}] `;
    warnings += `(node:${process.pid}) ${code}${warning.name}: ${warning.message}\n`;
  };
  const env = environmentOf(options);
  const saved = { ...process.env };
  const savedCwd = process.cwd();
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.chdir(options.cwd);
  process.on("warning", onWarning);
  try {
    const result = await runCliCapturing(args, env);
    return { ...result, stderr: result.stderr + warnings };
  } finally {
    process.off("warning", onWarning);
    process.chdir(savedCwd);
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}
