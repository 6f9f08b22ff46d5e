/**
 * What the CLI writes: plain text, JSON, colour on a terminal only, and a
 * one-line progress indicator.
 *
 * @module
 */
import { envSwitch } from "./envSwitch.js";
import { whyNotWritten } from "./exportFiles.js";
import { printable } from "./printable.js";

/**
 * Standard output was closed by its reader (`factory search x | head -1`):
 * what the command still had to print has nowhere to go. {@link runCli} ends
 * the command quietly when it sees this, as Unix tools do on a closed pipe.
 */
export class OutputClosedError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_OUTPUT_CLOSED";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "OutputClosedError";
}

/**
 * Standard output could not be written (`factory floorplan --json > out.json`
 * on a full disk): what the command printed is incomplete, so it fails with
 * `E_WRITE` and the reason in words, not a stack trace.
 */
export class OutputWriteError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_WRITE";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "OutputWriteError";

  constructor(cause: unknown) {
    super(`cannot write standard output: ${whyNotWritten(cause)}`, { cause });
  }
}

/**
 * Where the CLI writes, and whether it may use colour and progress.
 *
 * Every human-readable line goes through {@link printable}: control characters
 * and bidi overrides in the text (a work item title, an imported issue) are
 * shown escaped; only the styles {@link Output.style} made act on the terminal.
 * {@link Output.json} writes exact JSON.
 */
export interface Output {
  /**
   * Writes a line to standard output, control characters shown escaped.
   *
   * @throws OutputClosedError once standard output was closed by its reader.
   * @throws OutputWriteError when standard output cannot be written (a full disk).
   */
  line(text?: string): void;
  /**
   * Writes a value as indented JSON to standard output.
   *
   * @throws OutputClosedError once standard output was closed by its reader.
   * @throws OutputWriteError when standard output cannot be written (a full disk).
   */
  json(value: unknown): void;
  /** Writes a line to standard error, control characters shown escaped (nothing once standard error is closed). */
  error(text: string): void;
  /** Shows progress of long work on one line (on a terminal; nothing otherwise). */
  progress(done: number, total: number, item: string): void;
  /** Clears the progress line. */
  endProgress(): void;
  /**
   * Writes a line for a person watching a terminal (a finished phase and its
   * time) to standard error, and nothing otherwise, so that what a script or
   * log reads on standard output stays the result alone.
   */
  note(text: string): void;
  /** Wraps text in an ANSI style when colour is on. */
  style(name: StyleName, text: string): string;
}

/** The styles the CLI uses. */
export type StyleName = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";

const CODES: Record<StyleName, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

/** Streams the CLI writes to. */
export interface OutputStreams {
  /** Where results go (standard output). */
  readonly stdout: NodeJS.WritableStream & {
    /** True when it is a terminal; colour is used only then (unless `FORCE_COLOR`). */
    readonly isTTY?: boolean;
    /** Its width in characters, when a terminal; not read today (only standard error's is). */
    readonly columns?: number;
  };
  /** Where errors, warnings and progress go (standard error). */
  readonly stderr: NodeJS.WritableStream & {
    /** True when it is a terminal; progress is shown only then. */
    readonly isTTY?: boolean;
    /** Its width in characters, when a terminal; the progress line is cut to fit (80 when unknown). */
    readonly columns?: number;
  };
  /** Environment read for `NO_COLOR` and `FORCE_COLOR`; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Makes an {@link Output} over two streams. Colour is used only when standard
 * output is a terminal and `NO_COLOR` is unset (or `FORCE_COLOR` is set);
 * progress only when standard error is a terminal.
 *
 * A stream its reader closed (`EPIPE`) is not an error of the command: the
 * failed write is absorbed, later lines to standard output throw
 * {@link OutputClosedError} so the command stops, and lines to standard error
 * are dropped. A write to standard output that fails otherwise (`ENOSPC`)
 * throws {@link OutputWriteError}; standard error's failures drop its lines.
 */
export function createOutput(streams: OutputStreams = process, options: { color?: boolean } = {}): Output {
  const stdout = watchClosed(streams.stdout);
  const stderr = watchClosed(streams.stderr);
  const write = (text: string) => {
    const failedBefore = stdout.failure();
    if (failedBefore !== undefined) throw new OutputWriteError(failedBefore);
    if (stdout.closed()) throw new OutputClosedError("standard output was closed by its reader");
    streams.stdout.write(text);
    // A file or pipe is written synchronously: its failure is known now, its `error` event a tick later.
    const failed = stdout.failure();
    if (failed !== undefined) throw new OutputWriteError(failed);
  };
  const env = streams.env ?? process.env;
  const colour = options.color ?? colourWanted(env, streams.stdout.isTTY === true);
  const progressOn = streams.stderr.isTTY === true;
  let progressShown = false;
  const styled = new Set<string>();
  const endProgress = () => {
    if (progressShown && !stderr.closed()) streams.stderr.write("\r\x1b[2K");
    progressShown = false;
  };
  return {
    line: (text = "") => write(`${printable(text, styled)}\n`),
    json: (value) => write(`${JSON.stringify(value, null, 2)}\n`),
    error: (text) => {
      if (!stderr.closed()) streams.stderr.write(`${printable(text, styled)}\n`);
    },
    progress: (done, total, item) => {
      if (!progressOn || stderr.closed()) return;
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const bar = `${"#".repeat(filled)}${" ".repeat(width - filled)}`;
      const columns = streams.stderr.columns || 80;
      const text = `[${bar}] ${done}/${total} ${printable(item)}`.slice(0, Math.max(10, columns - 1));
      streams.stderr.write(`\r\x1b[2K${text}`);
      progressShown = true;
    },
    endProgress,
    note: (text) => {
      if (!progressOn || stderr.closed()) return;
      endProgress();
      streams.stderr.write(`${printable(text, styled)}\n`);
    },
    style: (name, text) => {
      if (!colour) return text;
      const [open, close] = CODES[name];
      const result = `\x1b[${open}m${text}\x1b[${close}m`;
      rememberStyled(styled, result);
      return result;
    },
  };
}

/** How many of the latest styled strings a line may still use. */
const STYLED_KEPT = 1024;

function rememberStyled(styled: Set<string>, text: string): void {
  styled.delete(text);
  styled.add(text);
  if (styled.size > STYLED_KEPT) styled.delete(styled.values().next().value as string);
}

/** Whether a stream error says its reader went away (rather than that the write failed). */
function isClosedError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

/**
 * Listens for a stream's reader going away, or its writes failing. The first
 * write after that fails (`EPIPE`, `ENOSPC`): the stream is marked errored at
 * once, and its `error` event, which comes a tick later, is absorbed here so
 * it does not crash the process.
 */
function watchClosed(stream: NodeJS.WritableStream): { closed(): boolean; failure(): unknown } {
  let closed = false;
  let failed: unknown;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (isClosedError(error)) closed = true;
    else failed ??= error;
  });
  const state = stream as { destroyed?: boolean; errored?: unknown };
  const failure = () =>
    failed ??
    (state.errored !== undefined && state.errored !== null && !isClosedError(state.errored)
      ? state.errored
      : undefined);
  return {
    closed: () =>
      closed || state.destroyed === true || (state.errored !== undefined && state.errored !== null),
    failure,
  };
}

/**
 * Whether text output is coloured, by the common convention: `NO_COLOR` set
 * and not empty switches it off; else `FORCE_COLOR=0` or `false` switches it
 * off and `1` to `3`, `true` (or any other value, as Node reads it) on; else
 * (unset or empty) it is on for a terminal only.
 */
function colourWanted(env: NodeJS.ProcessEnv, terminal: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const forced = /^\s*[23]\s*$/.test(env.FORCE_COLOR ?? "") ? "on" : envSwitch(env.FORCE_COLOR);
  return forced === "unset" ? terminal : forced !== "off";
}
