/**
 * The generic JSONL connector: each line of a JSON Lines file becomes a
 * knowledge document, a signal or an artifact, through a mapping of dotted
 * field paths. Every line is validated before anything is written.
 *
 * @module
 */
import { basename } from "node:path";
import {
  ArtifactKindSchema,
  formatIssues,
  INPUT_LIMITS,
  SeveritySchema,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { DocumentKindSchema } from "@software-factory/knowledge";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import { countRecording, newCounter, type SummaryCounter, summaryOf } from "./internal/counter.js";
import { readInputFile } from "./internal/inputFile.js";
import type { ConnectorSummary } from "./summary.js";

const path = z.string().trim().min(1, "a field path must not be empty");

const common = {
  /** Path of the record's stable id at its source: re-importing the same id updates instead of duplicating. */
  id: path,
  /** Path of the title (the signal's first line). */
  title: path,
  /** Path of the body (markdown for documents). */
  body: path.optional(),
  /** Path of a line id (it must exist in the floor plan). */
  line: path.optional(),
  /** Path of tags: an array of strings or a comma-separated string. */
  tags: path.optional(),
  /** Source system written on what is created (`zendesk`); the file's name when omitted. */
  system: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,59}$/, "system must be a short lowercase name such as zendesk")
    .optional(),
};

/** Where each field of what a line becomes is found in it: dotted paths (`fields.summary`). */
export const JsonlMappingSchema = z.discriminatedUnion("target", [
  z.object({
    target: z.literal("document"),
    ...common,
    /** Document kind for every line (default `note`). */
    kind: DocumentKindSchema.default("note"),
    /** Path of the author. */
    author: path.optional(),
  }),
  z.object({
    target: z.literal("signal"),
    ...common,
    /** Path of the severity (`low`, `medium`, `high`, `critical`; default medium). */
    severity: path.optional(),
    /** Path of the customer. */
    customer: path.optional(),
  }),
  z.object({
    target: z.literal("artifact"),
    ...common,
    /** Artifact kind for every line (`feedback`, `incident`...). */
    kind: ArtifactKindSchema,
    /** Further fields of the artifact: name to path. */
    fields: z.record(z.string().min(1), path).default({}),
  }),
]);
/** A JSONL mapping. */
export type JsonlMapping = z.input<typeof JsonlMappingSchema>;

/** Options of {@link importJsonl}. */
export const JsonlImportOptionsSchema = z.object({
  /** The JSON Lines file (one JSON object per line; blank lines ignored). */
  file: z.string().min(1, "file must name a JSON Lines file"),
  mapping: JsonlMappingSchema,
});
/** Options of {@link importJsonl}. */
export type JsonlImportOptions = z.input<typeof JsonlImportOptionsSchema>;

type Mapping = z.output<typeof JsonlMappingSchema>;

/** A line read and checked: the values its mapping found. */
interface JsonlRecord {
  readonly lineNumber: number;
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly line?: string;
  readonly tags: readonly string[];
  readonly value: unknown;
}

/** A tag the knowledge base accepts. */
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_:./-]{0,79}$/u;

/** The value at a dotted path (`a.b.0.c`), if any. */
function at(value: unknown, dotted: string): unknown {
  let current = value;
  for (const key of dotted.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const scalar = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : undefined;

/** Reads and checks every line, collecting every issue; nothing is written here. */
function readRecords(factory: Factory, file: string, text: string, mapping: Mapping): JsonlRecord[] {
  const issues: ValidationIssue[] = [];
  const records: JsonlRecord[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (raw.trim() === "") continue;
    const lineNumber = index + 1;
    const problem = (field: string, message: string) =>
      issues.push({ path: field, message, file, line: lineNumber });
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch (cause) {
      problem("(root)", `not valid JSON: ${(cause as Error).message}`);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problem("(root)", "each line must be a JSON object");
      continue;
    }
    const before = issues.length;
    const required = (name: "id" | "title", dotted: string) => {
      const found = scalar(at(value, dotted))?.trim();
      if (found === undefined || found === "") problem(dotted, `missing (mapped to ${name})`);
      return found ?? "";
    };
    const id = required("id", mapping.id);
    const title = required("title", mapping.title);
    const bodyValue = mapping.body === undefined ? undefined : at(value, mapping.body);
    if (
      mapping.body !== undefined &&
      bodyValue !== undefined &&
      bodyValue !== null &&
      scalar(bodyValue) === undefined
    )
      problem(mapping.body, "must be text (mapped to body)");
    const tagsValue = mapping.tags === undefined ? undefined : at(value, mapping.tags);
    const tags = Array.isArray(tagsValue)
      ? tagsValue.map(scalar)
      : (scalar(tagsValue)
          ?.split(",")
          .map((tag) => tag.trim())
          .filter((tag) => tag !== "") ?? []);
    if (mapping.tags !== undefined && tags.some((tag) => tag === undefined || !TAG.test(tag)))
      problem(mapping.tags, "tags must be words without spaces, up to 80 characters");
    const line = mapping.line === undefined ? undefined : scalar(at(value, mapping.line));
    if (line !== undefined && factory.floorplan.line(line) === undefined)
      problem(mapping.line ?? "", `the floor plan has no line "${line}"`);
    if (mapping.target === "signal" && mapping.severity !== undefined) {
      const severity = at(value, mapping.severity);
      if (severity !== undefined && !SeveritySchema.safeParse(severity).success)
        problem(
          mapping.severity,
          `severity must be low, medium, high or critical, not ${JSON.stringify(severity)}`,
        );
    }
    if (id !== "" && seen.has(id)) problem(mapping.id, `id "${id}" was already used on line ${seen.get(id)}`);
    if (issues.length > before) continue;
    seen.set(id, lineNumber);
    records.push({
      lineNumber,
      id,
      title,
      body: scalar(bodyValue) ?? "",
      ...(line === undefined ? {} : { line }),
      tags: tags as string[],
      value,
    });
  }
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues(`JSONL file ${file}`, issues), issues });
  return records;
}

/** An id made of a system and a source id that the assembly line accepts. */
const safeId = (prefix: string, id: string) =>
  `${prefix}-${id}`.replace(/[^A-Za-z0-9._:-]/g, "_").slice(0, 128);

async function writeDocument(
  factory: Factory,
  record: JsonlRecord,
  mapping: Extract<Mapping, { target: "document" }>,
  system: string,
  counter: SummaryCounter,
): Promise<void> {
  const lines = record.line === undefined ? [] : [record.line];
  const author = mapping.author === undefined ? undefined : scalar(at(record.value, mapping.author));
  // One document per record id, even when two imports of the same file race.
  const { outcome } = await factory.knowledge.captureOrRevise(
    {
      kind: mapping.kind,
      title: record.title.slice(0, 500),
      body: record.body,
      source: { system, uri: record.id, ...(author === undefined ? {} : { author }) },
      tags: [...record.tags],
      lines,
    },
    { reason: `re-imported from ${system}` },
  );
  countRecording(counter, outcome !== "captured", outcome === "revised");
}

async function writeSignal(
  factory: Factory,
  record: JsonlRecord,
  mapping: Extract<Mapping, { target: "signal" }>,
  system: string,
  counter: SummaryCounter,
): Promise<void> {
  const refId = safeId(`ext-${system}`, record.id);
  const previous = factory.work.artifact(refId);
  let target = typeof previous?.fields.target === "string" ? previous.fields.target : undefined;
  if (target === undefined) {
    const severity = mapping.severity === undefined ? undefined : at(record.value, mapping.severity);
    const customer = mapping.customer === undefined ? undefined : scalar(at(record.value, mapping.customer));
    target = (
      await factory.work.captureSignal({
        // A signal's text is bounded (INPUT_LIMITS.signalText); the record's full body stays in the source system.
        text: `${record.title}\n\n${record.body}`.trim().slice(0, INPUT_LIMITS.signalText),
        source: `${system}:${record.id}`,
        ...(severity === undefined ? {} : { severity: SeveritySchema.parse(severity) }),
        ...(customer === undefined ? {} : { customer }),
        ...(record.line === undefined ? {} : { line: record.line }),
      })
    ).id;
  }
  const { changed } = await factory.work.recordArtifact({
    id: refId,
    kind: "externalRef",
    title: record.title.slice(0, 500),
    fields: { system, externalId: record.id, targetKind: "signal", target, tags: record.tags },
    ...(record.line === undefined ? {} : { line: record.line }),
  });
  countRecording(counter, previous !== undefined, changed);
}

async function writeArtifact(
  factory: Factory,
  record: JsonlRecord,
  mapping: Extract<Mapping, { target: "artifact" }>,
  system: string,
  counter: SummaryCounter,
): Promise<void> {
  const id = safeId(system, record.id);
  const extra = Object.fromEntries(
    Object.entries(mapping.fields).flatMap(([name, dotted]) => {
      const value = at(record.value, dotted);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const existed = factory.work.artifact(id) !== undefined;
  const { changed } = await factory.work.recordArtifact({
    id,
    kind: mapping.kind,
    title: record.title.slice(0, 500),
    fields: { ...extra, body: record.body, tags: record.tags, source: system, externalId: record.id },
    ...(record.line === undefined ? {} : { line: record.line }),
  });
  countRecording(counter, existed, changed);
}

/**
 * Imports a JSON Lines file through a mapping of dotted paths:
 * - `document`: a knowledge document of the mapping's kind, source
 *   `{ system, uri: id }`; a known id is revised when it changed;
 * - `signal`: a signal (title and body as text, severity and customer from
 *   their paths), remembered by an `externalRef` artifact `ext-<system>-<id>`
 *   so a re-run does not capture it twice;
 * - `artifact`: an artifact `<system>-<id>` of the mapping's kind with the
 *   body, tags and mapped fields; a changed record makes a new version.
 *
 * Every line is read and checked first (JSON, required id and title, tags,
 * line ids, severities, duplicate ids); any bad line fails the whole import,
 * naming every bad line and field, and nothing is written.
 *
 * @throws ValidationError naming the file, line and field of every bad line.
 * @throws NotFoundError when the file does not exist.
 * @example
 * ```ts
 * await importJsonl(factory, {
 *   file: "tickets.jsonl",
 *   mapping: { target: "signal", id: "id", title: "subject", body: "description", severity: "priority", system: "zendesk" },
 * });
 * ```
 */
export async function importJsonl(factory: Factory, options: JsonlImportOptions): Promise<ConnectorSummary> {
  const input = parseInput(JsonlImportOptionsSchema, options, "JSONL import options");
  const text = await readInputFile(input.file);
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  const mapping = input.mapping;
  const records = readRecords(factory, input.file, text, mapping);
  const system =
    mapping.system ??
    (basename(input.file)
      .replace(/\.[^.]*$/, "")
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[^a-z0-9]+/, "")
      .slice(0, 60) ||
      "jsonl");
  const counter = newCounter();
  for (const record of records) {
    if (mapping.target === "document") await writeDocument(factory, record, mapping, system, counter);
    else if (mapping.target === "signal") await writeSignal(factory, record, mapping, system, counter);
    else await writeArtifact(factory, record, mapping, system, counter);
  }
  return summaryOf(counter);
}
