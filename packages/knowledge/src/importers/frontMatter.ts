/**
 * YAML front matter of markdown files.
 *
 * @module
 */
import { LineCounter, parseDocument } from "yaml";

/** A markdown file split into its front matter and its body. */
export interface FrontMatterFile {
  readonly data: Record<string, unknown>;
  readonly body: string;
  /** 1-based line of the body's first line in the file. */
  readonly bodyLine: number;
}

/** Thrown for front matter that is not a YAML mapping; carries the 1-based line. */
export class FrontMatterError extends Error {
  /** 1-based line in the file. */
  readonly line: number;

  /** An error at a line of the file. */
  constructor(message: string, line: number) {
    super(message);
    this.name = "FrontMatterError";
    this.line = line;
  }
}

/** Splits `---`-delimited YAML front matter from a markdown text. */
export function parseFrontMatter(text: string): FrontMatterFile {
  const normalized = text.replace(/^\uFEFF/, "");
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(normalized);
  if (match === null) return { data: {}, body: normalized, bodyLine: 1 };
  const yaml = match[1] as string;
  const lineCounter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter, prettyErrors: false });
  const [error] = document.errors;
  if (error !== undefined) {
    const line = lineCounter.linePos(error.pos[0]).line + 1;
    throw new FrontMatterError(`front matter: ${error.message.split("\n")[0]}`, line);
  }
  const data: unknown = document.toJS();
  if (data !== null && (typeof data !== "object" || Array.isArray(data))) {
    throw new FrontMatterError("front matter must be a mapping of keys to values", 2);
  }
  return {
    data: (data ?? {}) as Record<string, unknown>,
    body: normalized.slice(match[0].length),
    bodyLine: match[0].split("\n").length,
  };
}
