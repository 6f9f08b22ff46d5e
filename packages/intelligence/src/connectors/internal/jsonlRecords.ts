/**
 * Reading a JSON Lines file into records: each line parsed (or a file that
 * is one JSON document, pretty-printed, read whole), and the values a
 * mapping's dotted paths find in it checked (id and title present, tags,
 * line ids, severities, dates, ids used once). Nothing is written here.
 *
 * @module
 */
import { formatIssues, SeveritySchema, ValidationError, type ValidationIssue } from "@software-factory/core";
import { recordsOfJson } from "@software-factory/knowledge";
import type { Factory } from "../../factory/openFactory.js";
import { fileRecords } from "./jsonlFile.js";
import { dateOf } from "./recordDate.js";

/** The dotted paths a record is read by (the fields every target shares, and a signal's severity). */
export interface RecordPaths {
  readonly id: string;
  readonly title: string;
  readonly body?: string | undefined;
  readonly line?: string | undefined;
  readonly tags?: string | undefined;
  readonly severity?: string | undefined;
  /** Dotted path of when the record was written at its source (a document's `source.capturedAt`). */
  readonly capturedAt?: string | undefined;
  /** Dotted path of the records in each line (a page of a paged export); default the line is the record. */
  readonly records?: string | undefined;
}

/** A line read and checked: the values its mapping found. */
export interface JsonlRecord {
  readonly lineNumber: number;
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly line?: string;
  readonly tags: readonly string[];
  /** When the record was written at its source, as an ISO instant, when the mapping reads it and the record has it. */
  readonly capturedAt?: string;
  /** The whole parsed line, for the paths only one target reads. */
  readonly value: unknown;
}

/** A tag the knowledge base accepts. */
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_:./-]{0,79}$/u;

/** The value at a dotted path (`a.b.0.c`), if any. */
export function at(value: unknown, dotted: string): unknown {
  let current = value;
  for (const key of dotted.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A string, number or boolean as text; undefined for anything else. */
export const scalar = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : undefined;

/**
 * Reads and checks every record, collecting every issue: a record a line, or
 * those of a file that is one JSON document (a pretty-printed export: its
 * array, or the one at `records`), each at the line it starts on.
 *
 * @throws ValidationError naming the file, line and field of every bad line.
 */
export function readRecords(factory: Factory, file: string, text: string, paths: RecordPaths): JsonlRecord[] {
  const read = fileRecords(file, text, paths.records);
  const issues = [...read.issues];
  const records: JsonlRecord[] = [];
  const seen = new Map<string, number>();
  for (const { value, lineNumber } of read.records) {
    const problem = (field: string, message: string) =>
      issues.push({ path: field, message, file, line: lineNumber });
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problem("(root)", `${read.each} must be a JSON object`);
      continue;
    }
    const before = issues.length;
    const required = (name: "id" | "title", dotted: string) => {
      const found = scalar(at(value, dotted))?.trim();
      if (found === undefined || found === "") problem(dotted, `missing (mapped to ${name})`);
      return found ?? "";
    };
    const id = required("id", paths.id);
    const title = required("title", paths.title);
    const bodyValue = paths.body === undefined ? undefined : at(value, paths.body);
    if (
      paths.body !== undefined &&
      bodyValue !== undefined &&
      bodyValue !== null &&
      scalar(bodyValue) === undefined
    )
      problem(paths.body, "must be text (mapped to body)");
    const tagsValue = paths.tags === undefined ? undefined : at(value, paths.tags);
    const tags = Array.isArray(tagsValue)
      ? tagsValue.map(scalar)
      : (scalar(tagsValue)
          ?.split(",")
          .map((tag) => tag.trim())
          .filter((tag) => tag !== "") ?? []);
    if (paths.tags !== undefined && tags.some((tag) => tag === undefined || !TAG.test(tag)))
      problem(paths.tags, "tags must be words without spaces, up to 80 characters");
    const line = paths.line === undefined ? undefined : scalar(at(value, paths.line));
    if (line !== undefined && factory.floorplan.line(line) === undefined)
      problem(paths.line ?? "", `the floor plan has no line "${line}"`);
    if (paths.severity !== undefined) {
      const severity = at(value, paths.severity);
      if (severity !== undefined && !SeveritySchema.safeParse(severity).success)
        problem(
          paths.severity,
          `severity must be low, medium, high or critical, not ${JSON.stringify(severity)}`,
        );
    }
    const dateValue = paths.capturedAt === undefined ? undefined : at(value, paths.capturedAt);
    const capturedAt = dateOf(dateValue);
    if (capturedAt === null)
      problem(
        paths.capturedAt ?? "",
        `must be a date (2026-02-05T09:12:00Z) or an epoch time (mapped to capturedAt), not ${JSON.stringify(dateValue)}`,
      );
    if (id !== "" && seen.has(id)) problem(paths.id, `id "${id}" was already used on line ${seen.get(id)}`);
    if (issues.length > before) continue;
    seen.set(id, lineNumber);
    records.push({
      lineNumber,
      id,
      title,
      body: scalar(bodyValue) ?? "",
      ...(line === undefined ? {} : { line }),
      tags: tags as string[],
      ...(typeof capturedAt === "string" ? { capturedAt } : {}),
      value,
    });
  }
  if (issues.length > 0) {
    const hint = paths.records === undefined ? recordsHint(issues, read.first) : undefined;
    if (hint !== undefined)
      issues.push({ path: "(root)", message: hint, file, line: read.first?.lineNumber ?? 1 });
    throw new ValidationError({ message: formatIssues(`JSONL file ${file}`, issues), issues });
  }
  return records;
}

/**
 * Where a file's lines hold their records, when every problem is a mapped
 * field missing because each line holds its records under a key (a page of
 * an API's answers a line: `{"ok": true, "messages": [...]}`): `holds its
 * records under a key: its arrays are at messages (2 records): pass records:
 * "messages"`, the `records` option to give, in the words knowledge's
 * `recordsOfJson` says it of a file; none otherwise.
 */
function recordsHint(
  issues: readonly ValidationIssue[],
  first: { readonly raw: string; readonly value: unknown } | undefined,
): string | undefined {
  if (first === undefined || !issues.every((issue) => issue.message.startsWith("missing (mapped to ")))
    return undefined;
  const { raw, value } = first;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const found = recordsOfJson(raw, value);
  const arrays = "message" in found ? /its arrays are at .*$/.exec(found.message)?.[0] : undefined;
  return arrays === undefined ? undefined : `holds its records under a key: ${arrays}`;
}
