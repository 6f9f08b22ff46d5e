/**
 * What the CLI writes: plain text, JSON, colour on a terminal only, and a
 * one-line progress indicator.
 *
 * @module
 */

/** Where the CLI writes, and whether it may use colour and progress. */
export interface Output {
  /** Writes a line to standard output. */
  line(text?: string): void;
  /** Writes a value as indented JSON to standard output. */
  json(value: unknown): void;
  /** Writes a line to standard error. */
  error(text: string): void;
  /** Shows progress of long work on one line (on a terminal; nothing otherwise). */
  progress(done: number, total: number, item: string): void;
  /** Clears the progress line. */
  endProgress(): void;
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
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Makes an {@link Output} over two streams. Colour is used only when standard
 * output is a terminal and `NO_COLOR` is unset (or `FORCE_COLOR` is set);
 * progress only when standard error is a terminal.
 */
export function createOutput(streams: OutputStreams = process, options: { color?: boolean } = {}): Output {
  const env = streams.env ?? process.env;
  const colour =
    options.color ??
    (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0"
      ? true
      : streams.stdout.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === ""));
  const progressOn = streams.stderr.isTTY === true;
  let progressShown = false;
  return {
    line: (text = "") => {
      streams.stdout.write(`${text}\n`);
    },
    json: (value) => {
      streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    error: (text) => {
      streams.stderr.write(`${text}\n`);
    },
    progress: (done, total, item) => {
      if (!progressOn) return;
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const bar = `${"#".repeat(filled)}${" ".repeat(width - filled)}`;
      const columns = streams.stderr.columns || 80;
      const text = `[${bar}] ${done}/${total} ${item}`.slice(0, Math.max(10, columns - 1));
      streams.stderr.write(`\r\x1b[2K${text}`);
      progressShown = true;
    },
    endProgress: () => {
      if (progressShown) streams.stderr.write("\r\x1b[2K");
      progressShown = false;
    },
    style: (name, text) => {
      if (!colour) return text;
      const [open, close] = CODES[name];
      return `\x1b[${open}m${text}\x1b[${close}m`;
    },
  };
}
