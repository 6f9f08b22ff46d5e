/**
 * Import of JSON and JSON Lines records with a field mapping.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import {
  anObject,
  checkArguments,
  decodeText,
  firstSafeLine,
  formatIssues,
  NotFoundError,
  strictInput,
  ValidationError,
} from "@software-factory/core";
import { z } from "zod";
import { aKnowledgeBase, Text } from "../internal/arguments.js";
import { parseInput } from "../internal/parse.js";
import type { KnowledgeBase } from "../KnowledgeBase.js";
import { DocumentKindSchema } from "../schemas.js";
import type { ImportProblem, ImportProgress, ImportReport } from "./progress.js";
import { recordsAt, recordsOfJson } from "./recordsAt.js";

/**
 * Where each document field is found in a record: dotted paths
 * (`fields.summary`); no other key, so a typo (`tag` for `tags`) is refused
 * naming it rather than a field left out of every document.
 */
export const RecordMappingSchema = strictInput({
  /** Stable id of the record at its source: re-importing a record with the same id revises it. */
  id: z.string().min(1),
  /** Path of the document's title; a record without it is a problem. */
  title: z.string().min(1),
  /** Path of the document's markdown body; a record without it is a problem. */
  body: z.string().min(1),
  /** Path of the document kind; a missing or unknown value falls back to the `kind` option. */
  kind: z.string().min(1).optional(),
  /** Path of the tags: an array, or a comma-separated string. */
  tags: z.string().min(1).optional(),
  /** Path of the floor-plan line ids: an array, or a comma-separated string. */
  lines: z.string().min(1).optional(),
  /** Path of the source author. */
  author: z.string().min(1).optional(),
  /**
   * Path of when the record was captured at its source: a date string, or an
   * epoch time in seconds or milliseconds (a number, or digits as Slack's
   * `ts`), told apart by size (below 1e11, seconds).
   */
  capturedAt: z.string().min(1).optional(),
  /** Path of the record's address at its source; defaults to the record's id. */
  uri: z.string().min(1).optional(),
});
/** Where each document field is found in a record. */
export type RecordMapping = z.infer<typeof RecordMappingSchema>;

/**
 * Options of {@link importRecords}; no other key, so a misspelt one
 * (`record` for `records`) is refused naming the keys it takes.
 */
export const ImportRecordsOptionsSchema = strictInput({
  /** Source system recorded on the documents (`zendesk`, `gong`). */
  system: z.string().min(1),
  /** Which record field holds each document field. */
  mapping: RecordMappingSchema,
  /**
   * Dotted path of the array of records in the file (read as the mapping's
   * paths are): `issues` for Jira's search API, `data.issues.nodes` for
   * Linear's GraphQL. Without it a `.json` file must hold an array; in a
   * `.jsonl` file each line is a page holding its records there.
   */
  records: z.string().min(1).optional(),
  /** Kind when the mapping names no kind field or the record has none (default `note`). */
  kind: DocumentKindSchema.optional(),
  /** Called after each record with the count handled so far. */
  onProgress: z
    .custom<(progress: ImportProgress) => void>((value) => typeof value === "function", "must be a function")
    .optional(),
  /** Actor recorded on the events; defaults to the log's actor. */
  actor: z.string().min(1).optional(),
});
/** Options of {@link importRecords}, as {@link ImportRecordsOptionsSchema} takes them. */
export type ImportRecordsOptions = z.input<typeof ImportRecordsOptionsSchema>;

/**
 * Imports records from a `.jsonl` file (one JSON object per line) or a `.json`
 * file holding an array, or, with `records` (a dotted path such as
 * `data.issues.nodes`), the array at that path of a `.json` file or of each
 * line of a `.jsonl` one (a paged export, one response a line; a line
 * without it is a problem at its line). Each record becomes a document keyed by its mapped id:
 * new ids (and ids whose document was retracted) are captured, known ones
 * revised when they changed, one document per id even when several processes
 * import at once ({@link KnowledgeBase.captureOrRevise}). A title is made one
 * line (`toSafeLine`: a tab or newline becomes a space, a bidi override is
 * dropped; `<system> <id>` when nothing is left), as a capture refuses
 * anything else. A record that
 * lacks a mapped field, holds an object or a list where a mapped field takes
 * text (a Jira description in Atlassian's document format, `fields.reporter`
 * rather than `fields.reporter.displayName`), or whose mapped date is not
 * one, is reported with its
 * line (in a JSON array, the line its element starts on) and skipped. When
 * the file gives one id in several records, only the last is imported (an
 * export of changes lists the latest last) and each earlier one is skipped
 * with a warning naming the line of the last, so importing the same file
 * again writes nothing.
 *
 * @throws ValidationError when the file is not UTF-8 text (a byte order mark
 * is dropped), naming the line and column of the first bad byte, when a
 * `.json` file is not valid JSON, holds no array (naming the paths of the
 * arrays it has and the `records` to pass) or nothing at `records` (naming
 * the first missing key and what is there), or the options or mapping lack
 * a key (`id`, `title`, `body`) or have one they do not take (`tag` for
 * `tags`), naming it (nothing is imported then).
 * @throws NotFoundError when the file does not exist.
 */
export async function importRecords(
  knowledge: KnowledgeBase,
  file: string,
  options: ImportRecordsOptions,
): Promise<ImportReport> {
  checkArguments("importRecords", {
    knowledge: [aKnowledgeBase, knowledge],
    file: [Text, file],
    options: [anObject("an options object with a mapping"), options],
  });
  const parsed = parseInput(ImportRecordsOptionsSchema, options, "importRecords options");
  const { mapping } = parsed;
  if (!existsSync(file)) {
    throw new NotFoundError({
      message: `cannot import ${file}: it does not exist (give a .json or .jsonl file of records)`,
      entity: "file",
      id: file,
      field: "file",
    });
  }
  const records = readRecords(file, parsed.records);
  const counts = { captured: 0, revised: 0, unchanged: 0, retracted: 0 };
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const lasts = lastOfEachId(records, mapping.id);
  const write = parsed.actor === undefined ? {} : { actor: parsed.actor };
  for (const [done, { line, value, error }] of records.entries()) {
    const item = `${file}:${line}`;
    try {
      if (error !== undefined) throw new Error(error);
      const id = idOf(value, mapping.id);
      const last = id === undefined ? undefined : lasts.get(id);
      if (last !== undefined && last !== done) {
        warnings.push({
          item: file,
          line,
          message: `skipped: record "${id}" is given again at line ${records[last]?.line}; only the last record of an id is imported`,
        });
        parsed.onProgress?.({ done: done + 1, total: records.length, item });
        continue;
      }
      const field = (path: string | undefined): unknown => (path === undefined ? undefined : at(value, path));
      const required = (name: "id" | "title" | "body"): string => {
        const found = textAt(value, mapping[name], name);
        if (found === undefined || found.trim() === "") {
          throw new Error(`record has no "${mapping[name]}" (mapped to ${name})`);
        }
        return found;
      };
      const uri = textAt(value, mapping.uri, "uri") ?? required("id");
      const kind = DocumentKindSchema.safeParse(field(mapping.kind));
      const tags = strings(field(mapping.tags), mapping.tags, "tags");
      const lines = strings(field(mapping.lines), mapping.lines, "lines");
      const author = textAt(value, mapping.author, "author");
      const capturedAt = dateField(field(mapping.capturedAt), mapping.capturedAt);
      const { outcome } = await knowledge.captureOrRevise(
        {
          kind: kind.success ? kind.data : (parsed.kind ?? "note"),
          // One line, as a capture takes it: the record's title keeps its words, without breaks or bidi overrides.
          title: firstSafeLine(required("title"), `${parsed.system} ${required("id")}`),
          body: required("body"),
          source: {
            system: parsed.system,
            uri: required("id"),
            ...(author === undefined ? {} : { author }),
            ...(capturedAt === undefined ? {} : { capturedAt }),
          },
          tags,
          lines,
          ...(uri === required("id") ? {} : { links: [{ type: "source", target: uri }] }),
        },
        write,
      );
      counts[outcome] += 1;
    } catch (cause) {
      problems.push({ item: file, line, message: (cause as Error).message });
    }
    parsed.onProgress?.({ done: done + 1, total: records.length, item });
  }
  return { ...counts, problems, warnings };
}

/** The mapped id of a record, as the import keys it; `undefined` when it has none. */
function idOf(value: unknown, path: string): string | undefined {
  const found = at(value, path);
  if (found === undefined || found === null || typeof found === "object") return undefined;
  return String(found).trim() === "" ? undefined : String(found);
}

/**
 * A mapped field's value as text: a string, number or boolean as written;
 * `undefined` when the record has none. An object or a list is refused (its
 * text would be `[object Object]`), naming the path to map instead.
 */
function textAt(value: unknown, path: string | undefined, name: string): string | undefined {
  if (path === undefined) return undefined;
  const found = at(value, path);
  if (found === undefined || found === null) return undefined;
  if (typeof found === "object") throw notText(found, path, name);
  return String(found);
}

/** Why a mapped value is not text: it is an object or a list, and what to map instead. */
function notText(found: object, path: string, name: string): Error {
  const what = Array.isArray(found) ? "a list" : "an object";
  return new Error(
    `record's "${path}" (mapped to ${name}) is ${what}, not text: map a text field inside it (${path}.<key>)`,
  );
}

/**
 * The index of the last record of each id: a file that gives an id twice (an
 * export of changes, the latest last) imports only its last record, so a
 * re-import of the same file changes nothing. By index, not line: a page of
 * a `.jsonl` file holds several records on one line.
 */
function lastOfEachId(records: readonly { value: unknown }[], path: string): Map<string, number> {
  const lasts = new Map<string, number>();
  for (const [index, { value }] of records.entries()) {
    const id = idOf(value, path);
    if (id !== undefined) lasts.set(id, index);
  }
  return lasts;
}

/**
 * The records of a file with the line each starts on: a `.json` file holds an
 * array (at `records`, when given), a `.jsonl` one a record a line (or, with
 * `records`, a page a line whose records are at that path).
 */
function readRecords(
  file: string,
  records: string | undefined,
): { line: number; value: unknown; error?: string }[] {
  // UTF-8 as exports write it: a byte order mark (Windows tools, PowerShell) is dropped, other bytes refused where they are.
  const read = decodeText(readFileSync(file));
  if ("notText" in read) {
    const { message, line, column } = read.notText;
    throw invalidFile(file, `${message.replace(/^is /, "")}; records are read as UTF-8`, line, column);
  }
  const text = read.text;
  const isJson =
    file.endsWith(".json") ||
    (!file.endsWith(".jsonl") && (records !== undefined || text.trimStart().startsWith("[")));
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (cause) {
      const position = /at position (\d+)/.exec((cause as Error).message)?.[1];
      const line = position === undefined ? undefined : lineAt(text, Number(position));
      throw invalidFile(file, `not valid JSON: ${(cause as Error).message}`, line);
    }
    const found = recordsOfJson(text, parsed, records);
    if (!("records" in found)) throw invalidFile(file, found.message, 1, undefined, found.path);
    return found.records.map(({ value, line }, index) => ({ line: line ?? index + 1, value }));
  }
  return text.split(/\r?\n/).flatMap((raw, index) => {
    if (raw.trim() === "") return [];
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch (cause) {
      return [{ line, value: undefined, error: `not valid JSON: ${(cause as Error).message}` }];
    }
    if (records === undefined) return [{ line, value }];
    const found = recordsAt(value, records);
    return "records" in found
      ? found.records.map((record) => ({ line, value: record }))
      : [{ line, value: undefined, error: `${found.path}: ${found.message}` }];
  });
}

function invalidFile(
  file: string,
  message: string,
  line: number | undefined,
  column?: number,
  path = "",
): ValidationError {
  const issues = [
    {
      path,
      message,
      file,
      ...(line === undefined ? {} : { line }),
      ...(column === undefined ? {} : { column }),
    },
  ];
  return new ValidationError({ message: formatIssues("records file", issues), issues });
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index += 1) if (text[index] === "\n") line += 1;
  return line;
}

/**
 * Epoch times below this are seconds (Intercom's `created_at`, Slack's `ts`),
 * above it milliseconds: 1e11 seconds is the year 5138, 1e11 milliseconds
 * March 1973, before any export's records.
 */
const EPOCH_SECONDS_BELOW = 1e11;

/**
 * A mapped date as an ISO instant: text `new Date` reads, or an epoch time
 * (a number, or text of 9 or more digits with an optional fraction, as
 * Slack's `"1700000000.123456"`) in seconds or milliseconds by its size;
 * absent when the record has none.
 */
function dateField(value: unknown, path: string | undefined): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const epoch =
    typeof value === "number" ? value : /^\d{9,}(\.\d+)?$/.test(String(value)) ? Number(value) : undefined;
  const date =
    epoch === undefined
      ? new Date(String(value))
      : new Date(Math.abs(epoch) < EPOCH_SECONDS_BELOW ? Math.round(epoch * 1000) : epoch);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`record's "${path}" (mapped to capturedAt) is not a date: ${JSON.stringify(value)}`);
  }
  return date.toISOString();
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A mapped list (an array, or a comma-separated string) as its words; an object in it is refused, as {@link textAt} does. */
function strings(value: unknown, path: string | undefined, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "object" && !Array.isArray(value)) throw notText(value, path ?? "", name);
  if (Array.isArray(value)) {
    const item = value.find((element) => typeof element === "object" && element !== null);
    if (item !== undefined) throw notText(item as object, `${path}.${value.indexOf(item)}`, name);
    return value
      .filter((element) => element !== null && element !== undefined)
      .map(String)
      .filter((element) => element !== "");
  }
  return String(value)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
