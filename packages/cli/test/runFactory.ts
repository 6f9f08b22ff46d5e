/**
 * Runs `factory <args>` as a shell or CI would: in this process by default
 * ({@link runFactory}, through `runCli` with the working folder and environment
 * of the run), or as a subprocess of the built bin ({@link runFactoryProcess})
 * where the process itself is under test: its exit, signals, two runs at once.
 *
 * In process, a run skips the ~0.75 s of module loading a subprocess pays,
 * which was most of the CLI tests' time. bin.test.ts and the subprocess tests
 * keep the built bin itself under test. What an in-process run cannot show by
 * itself, a command leaving open a timer, socket, watcher or child that would
 * keep the bin from exiting, {@link failingOnLeftOpen} makes every run fail on.
 */
import { createHook } from "node:async_hooks";
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
 * which serves on standard input and output, runs as a subprocess. A run that
 * leaves something open rejects ({@link failingOnLeftOpen}).
 */
export function runFactory(args: readonly string[], options: RunOptions): Promise<RunResult> {
  if (args.includes("mcp")) return runFactoryProcess(args, options);
  const run = turn.then(() =>
    failingOnLeftOpen(`factory ${args.join(" ")}`, () => runInProcess(args, options)),
  );
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

/**
 * How long, in milliseconds, what a run is closing gets to finish once it
 * returns; a run that leaves nothing waits for none of it. Measured over the
 * CLI tests' 865 in-process runs (on a loaded 2-core machine): 861 had left
 * nothing by the time they returned, 4 had a git child (its process and
 * pipe) still ending, gone 1 turn of the event loop and at most 26 ms later.
 */
const SETTLE_MS = 1000;

/**
 * What may keep the event loop alive: a timer or immediate, or a handle (a
 * socket, a server, a watcher, a child process). `_destroyed` is Node's own
 * mark on a timer or immediate that has run or was cleared.
 */
interface Holder {
  readonly type: string;
  readonly resource: { hasRef(): boolean; _destroyed?: boolean };
}

/** What of `opened` still keeps the event loop alive, as `1 Timeout, 2 TCPWRAP`; empty when nothing does. */
function stillOpen(opened: readonly Holder[]): string {
  const counts = new Map<string, number>();
  for (const { type, resource } of opened)
    if (resource.hasRef() && resource._destroyed !== true) counts.set(type, (counts.get(type) ?? 0) + 1);
  return [...counts].map(([type, count]) => `${count} ${type}`).join(", ");
}

/**
 * Runs `run` and rejects, naming `what` and the kinds of what it left, when it
 * leaves open something that keeps the event loop alive (a timer, a socket, a
 * server, a watcher, a child process, a worker), as would keep the `factory`
 * bin from exiting after it. Counts only what `run` opened (known by identity,
 * through an async hook) that is still open and referenced {@link SETTLE_MS}
 * after it returns: not what was open before (vitest's, the test's own), even
 * if that closes meanwhile, which would hide the run's from a count of
 * `process.getActiveResourcesInfo()` before and after; not an unreferenced
 * timer or handle, which lets the bin exit; not a request under way (a write,
 * a file's close), which finishes by itself.
 */
export async function failingOnLeftOpen<T>(what: string, run: () => Promise<T>): Promise<T> {
  // Only a hook on creation: one on destruction too would make Node track every promise's collection.
  const opened: Holder[] = [];
  const hook = createHook({
    init: (_id, type, _trigger, resource: Partial<Holder["resource"]>) => {
      if (typeof resource.hasRef === "function")
        opened.push({ type, resource: resource as Holder["resource"] });
    },
  });
  hook.enable();
  let result: T;
  try {
    result = await run();
  } finally {
    hook.disable();
  }
  const settled = performance.now() + SETTLE_MS;
  let left = stillOpen(opened);
  while (left !== "" && performance.now() < settled) {
    await new Promise((next) => setTimeout(next, 1));
    left = stillOpen(opened);
  }
  if (left !== "") throw new Error(`${what} left ${left} open: the bin would not exit after it`);
  return result;
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
