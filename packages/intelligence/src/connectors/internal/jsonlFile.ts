/**
 * The records of a JSONL import's file, each with the line it starts on: a
 * record a line (or, with `records`, those of each line's page at that
 * path), or, for a file that is one JSON document (pretty-printed, or an
 * array), its array or the one at `records`, as knowledge's `importRecords`
 * reads a `.json` file. A CSV or TSV file is refused once, not line by line.
 * What the records hold is checked by the caller.
 *
 * @module
 */
import type { ValidationIssue } from "@software-factory/core";
import { recordsOfJson } from "@software-factory/knowledge";

/** The records of a file, each with the line it starts on, and the problems of what holds none. */
export interface FileRecords {
  readonly records: { readonly value: unknown; readonly lineNumber: number }[];
  readonly issues: ValidationIssue[];
  /** What holds one record, for the problem of one that is no object: `each line`, `each element of the array`. */
  readonly each: string;
  /** The first line that parsed, for the hint of a JSON Lines file whose lines hold their records under a key. */
  readonly first?: { readonly raw: string; readonly value: unknown; readonly lineNumber: number };
}

/** A line of nothing but opening brackets (`{`, `[`, `[{`): how a pretty-printed JSON document starts, never a JSON Lines record. */
const OPENING_LINE = /^\s*[[{]\s*[[{]?\s*$/;

/** 1-based line of a character offset of `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index += 1) if (text[index] === "\n") line += 1;
  return line;
}

/**
 * A file that is one JSON document rather than JSON Lines (a pretty-printed
 * export, `jq .`, a browser download, or an array): its records at `records`
 * (or the array it is), with the line each starts on, or one problem saying
 * so; `undefined` for a JSON Lines file (one value a line, or one line).
 */
function wholeDocument(file: string, text: string, records: string | undefined): FileRecords | undefined {
  const lines = text.split(/\r?\n/).filter((raw) => raw.trim() !== "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (cause) {
    if (!OPENING_LINE.test(lines[0] ?? "")) return undefined;
    const position = /at position (\d+)/.exec((cause as Error).message)?.[1];
    const line = position === undefined ? 1 : lineAt(text, Number(position));
    const message = `is one JSON document over several lines (its first line is "${lines[0]?.trim()}"), not JSON Lines, and it is not valid JSON: ${(cause as Error).message}`;
    return { records: [], issues: [{ path: "(root)", message, file, line }], each: "each record" };
  }
  if (lines.length < 2 && !Array.isArray(parsed)) return undefined;
  const found = recordsOfJson(text, parsed, records);
  if (!("records" in found))
    return {
      records: [],
      issues: [{ path: found.path || "(root)", message: found.message, file, line: 1 }],
      each: "each record",
    };
  return {
    records: found.records.map(({ value, line }) => ({ value, lineNumber: line ?? 1 })),
    issues: [],
    each: records === undefined ? "each element of the array" : `each record at ${records}`,
  };
}

/** The records of a JSON Lines file: each line's (or, with `records`, those of each line's page at that path). */
function recordsOfLines(file: string, text: string, records: string | undefined): FileRecords {
  const issues: ValidationIssue[] = [];
  const found: { value: unknown; lineNumber: number }[] = [];
  let first: FileRecords["first"];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (raw.trim() === "") continue;
    const lineNumber = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw) as unknown;
    } catch (cause) {
      issues.push({
        path: "(root)",
        message: `not valid JSON: ${(cause as Error).message}`,
        file,
        line: lineNumber,
      });
      continue;
    }
    first ??= { raw, value: parsed, lineNumber };
    const page =
      records === undefined ? { records: [{ value: parsed }] } : recordsOfJson(raw, parsed, records);
    if (!("records" in page)) {
      issues.push({ path: page.path, message: page.message, file, line: lineNumber });
      continue;
    }
    for (const { value } of page.records) found.push({ value, lineNumber });
  }
  return {
    records: found,
    issues,
    each: records === undefined ? "each line" : `each record at ${records}`,
    ...(first === undefined ? {} : { first }),
  };
}

/**
 * The records of `text` (the file `file`), each with its line, and the
 * problems of what holds none: one for a file that is one JSON document and
 * does not parse or has no array at `records`; one a line, in a JSON Lines
 * file, that is not JSON or has no page at `records`.
 */
export function fileRecords(file: string, text: string, records: string | undefined): FileRecords {
  return (
    delimitedText(file, text) ?? wholeDocument(file, text, records) ?? recordsOfLines(file, text, records)
  );
}

/**
 * A `.csv` or `.tsv` file whose first line is no JSON: one problem saying it
 * is not read, rather than one "not valid JSON" a line; `undefined` for any
 * other file.
 */
function delimitedText(file: string, text: string): FileRecords | undefined {
  const kind = /\.(csv|tsv)$/i.exec(file)?.[1]?.toUpperCase();
  if (kind === undefined) return undefined;
  const first = text.split(/\r?\n/).findIndex((raw) => raw.trim() !== "");
  try {
    JSON.parse(text.split(/\r?\n/)[first] ?? "");
    return undefined;
  } catch {
    const message = `is a ${kind} file, which is not read: convert it to JSON Lines (one JSON object a line) first`;
    return { records: [], issues: [{ path: "(root)", message, file, line: first + 1 }], each: "each line" };
  }
}
