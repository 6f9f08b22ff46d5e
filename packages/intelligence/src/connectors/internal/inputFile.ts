/**
 * Reading the files connectors import: they must be UTF-8 text (core's
 * `decodeText`, which drops a leading byte order mark), a missing file is a
 * NotFoundError, a JSON file that does not parse a ValidationError with the
 * line and column.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import {
  decodeText,
  formatIssues,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
  validationErrorFromZod,
} from "@software-factory/core";
import { recordsOfJson } from "@software-factory/knowledge";
import type { z } from "zod";

/**
 * The text of an input file, read as UTF-8 without NUL bytes and without the
 * byte order mark that editors on Windows (Notepad, Excel's "CSV UTF-8") put
 * at the start of UTF-8 files. Other bytes (a Latin-1 export) would otherwise
 * become U+FFFD without a word.
 *
 * @throws ValidationError naming `subject`, the file, and the line and column of the first byte that is not text.
 * @throws NotFoundError when the file does not exist.
 */
export async function readInputFile(subject: string, file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT")
      throw new NotFoundError({ message: `no file "${file}"`, entity: "file", id: file });
    throw cause;
  }
  const read = decodeText(bytes);
  if ("text" in read) return read.text;
  const { message, line, column } = read.notText;
  throw fileError(subject, file, message, { line, column });
}

/** 1-based line and column of an offset in a text. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** A ValidationError about one place of a file. */
export function fileError(
  subject: string,
  file: string,
  message: string,
  place: { readonly path?: string; readonly line?: number; readonly column?: number } = {},
): ValidationError {
  const issue: ValidationIssue = {
    path: place.path ?? "",
    message,
    file,
    ...(place.line === undefined ? {} : { line: place.line }),
    ...(place.column === undefined ? {} : { column: place.column }),
  };
  return new ValidationError({ message: formatIssues(subject, [issue]), issues: [issue] });
}

/** Parses a JSON file, naming the line and column of a syntax error. */
export function parseJsonFile(subject: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const offset = /position (\d+)/.exec((cause as Error).message)?.[1];
    const place = offset === undefined ? {} : positionOf(text, Number(offset));
    throw fileError(subject, file, `not valid JSON: ${(cause as Error).message}`, place);
  }
}

/** An element of a JSON array file, validated, with where it is. */
export interface ParsedElement<T> {
  readonly value: T;
  /** 0-based index in the array. */
  readonly index: number;
  /** 1-based line where the element starts, when known. */
  readonly line?: number;
}

/**
 * Parses a JSON file holding an array (or holding it at the dotted path
 * `records`, knowledge's `recordsOfJson`) and validates every element with a
 * schema, all before anything is written. Each problem is said in the SDK's
 * words at a path with its list indexes in brackets (`[4].labels[0].name:
 * must be a string, not a number`; core's `validationErrorFromZod`), one a value.
 *
 * @throws ValidationError with every bad element's index, field and line, or naming what the file holds where no array is.
 */
export function parseJsonArray<Schema extends z.ZodType>(
  subject: string,
  file: string,
  text: string,
  schema: Schema,
  records?: string,
): ParsedElement<z.output<Schema>>[] {
  const found = recordsOfJson(text, parseJsonFile(subject, file, text), records);
  if (!("records" in found)) throw fileError(subject, file, found.message, { path: found.path, line: 1 });
  const issues: ValidationIssue[] = [];
  const parsed: ParsedElement<z.output<Schema>>[] = [];
  for (const [index, { value: element, line }] of found.records.entries()) {
    const result = schema.safeParse(element);
    if (result.success) {
      parsed.push({ value: result.data, index, ...(line === undefined ? {} : { line }) });
      continue;
    }
    // One problem a value: a list where a login's text belongs is not also "too short".
    const told = new Set<string>();
    const found = validationErrorFromZod(result.error.issues, { subject, pathPrefix: `[${index}]`, file });
    for (const issue of found.issues) {
      if (told.has(issue.path)) continue;
      told.add(issue.path);
      issues.push(line === undefined ? issue : { ...issue, line });
    }
  }
  if (issues.length > 0) throw new ValidationError({ message: formatIssues(subject, issues), issues });
  return parsed;
}
