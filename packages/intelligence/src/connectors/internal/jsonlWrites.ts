/**
 * What each line of a JSONL import writes: the document, signal or artifact
 * input built from its record, checked with the schemas the writes parse it
 * with (every length limit included) before the first write, so that a line
 * a write would refuse fails the whole import by its file and line instead of
 * leaving it half-written.
 *
 * @module
 */
import {
  type Artifact,
  type CaptureSignalInput,
  CaptureSignalInputSchema,
  cutText,
  EVIDENCE_SCHEMAS,
  firstSafeLine,
  formatIssues,
  INPUT_LIMITS,
  type RecordArtifactInput,
  RecordArtifactInputSchema,
  type Severity,
  unstorableTextIssues,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { CaptureInputSchema, type SourcedCaptureInput } from "@software-factory/knowledge";
import type { z } from "zod";
import type { Factory } from "../../factory/openFactory.js";
import type { ParsedJsonlMapping as Mapping } from "../jsonlMapping.js";
import { resolveStoredId } from "./jsonlIds.js";
import { at, type JsonlRecord, scalar } from "./jsonlRecords.js";
import { writeIssues } from "./writeIssues.js";

/** An artifact input whose id is chosen. */
export type ArtifactInput = RecordArtifactInput & { readonly id: string };

/** What one line writes, built from its record and checked before the first write. */
export type JsonlWrite =
  | { readonly target: "document"; readonly document: SourcedCaptureInput }
  | {
      readonly target: "signal";
      readonly signal: CaptureSignalInput;
      /** Whether the record's title and body were cut to a signal's text limit. */
      readonly cut: boolean;
      /** The reference remembering the signal; the signal's id is added to its fields when written. */
      readonly ref: ArtifactInput;
    }
  | { readonly target: "artifact"; readonly artifact: ArtifactInput };

/** One input a line writes, the schema its write parses it with, and which JSONL path each written field comes from. */
interface WriteCheck {
  readonly schema: z.ZodType;
  readonly input: unknown;
  /** What is written, in words (`the document`). */
  readonly written: string;
  /** Written field (`source.uri`) to the mapping's path it is read from (`ticket.id`). */
  readonly from: Readonly<Record<string, string | undefined>>;
}

/** The write of a record, and the checks its inputs must pass. */
function planRecord(
  record: JsonlRecord,
  mapping: Mapping,
  system: string,
  find: (id: string) => Artifact | undefined,
): { write: JsonlWrite; checks: WriteCheck[] } {
  const line = record.line === undefined ? {} : { line: record.line };
  const mapped = (path: string | undefined) =>
    path === undefined ? undefined : scalar(at(record.value, path));
  // A title (an artifact's or a document's) is one line without control characters or bidi overrides (the
  // signal's text and a document's body keep the exact text); the system and id name a record whose title has
  // nothing else.
  const title = firstSafeLine(record.title, `${system} ${record.id}`);
  if (mapping.target === "document") {
    const author = mapped(mapping.author);
    const document = {
      kind: mapping.kind,
      title,
      body: record.body,
      source: {
        system,
        uri: record.id,
        ...(author === undefined ? {} : { author }),
        ...(record.capturedAt === undefined ? {} : { capturedAt: record.capturedAt }),
      },
      tags: [...record.tags],
      lines: record.line === undefined ? [] : [record.line],
    };
    const from = {
      title: mapping.title,
      body: mapping.body,
      "source.uri": mapping.id,
      "source.author": mapping.author,
      "source.capturedAt": mapping.capturedAt,
      tags: mapping.tags,
      lines: mapping.line,
    };
    // CaptureInputSchema has the limits of captureOrRevise's schema, which only makes source.uri required.
    return {
      write: { target: "document", document },
      checks: [{ schema: CaptureInputSchema, input: document, written: "the document", from }],
    };
  }
  if (mapping.target === "signal") {
    const severity = mapping.severity === undefined ? undefined : at(record.value, mapping.severity);
    const customer = mapped(mapping.customer);
    const text = `${record.title}\n\n${record.body}`.trim();
    const signal = {
      // A signal's text is bounded (INPUT_LIMITS.signalText); the record's full body stays in the source system.
      text: cutText(text, INPUT_LIMITS.signalText),
      source: `${system}:${record.id}`,
      ...(severity === undefined ? {} : { severity: severity as Severity }),
      ...(customer === undefined ? {} : { customer }),
      ...line,
    };
    const ref = {
      id: resolveStoredId(find, `ext-${system}`, { externalId: record.id, systemField: "system", system }),
      kind: "externalRef",
      title,
      fields: { system, externalId: record.id, targetKind: "signal", tags: record.tags },
      ...line,
    };
    return {
      write: { target: "signal", signal, cut: text.length > INPUT_LIMITS.signalText, ref },
      checks: [
        {
          schema: CaptureSignalInputSchema,
          input: signal,
          written: "the signal",
          from: {
            source: mapping.id,
            customer: mapping.customer,
            severity: mapping.severity,
            line: mapping.line,
          },
        },
        {
          schema: RecordArtifactInputSchema,
          input: ref,
          written: "the signal's reference artifact",
          from: { id: mapping.id, title: mapping.title, line: mapping.line },
        },
      ],
    };
  }
  const extra = Object.fromEntries(
    Object.entries(mapping.fields).flatMap(([name, dotted]) => {
      const value = at(record.value, dotted);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const artifact = {
    id: resolveStoredId(find, system, { externalId: record.id, systemField: "source", system }),
    kind: mapping.kind,
    title,
    fields: { ...extra, body: record.body, tags: record.tags, source: system, externalId: record.id },
    ...line,
  };
  const evidence = EVIDENCE_SCHEMAS[mapping.kind];
  return {
    write: { target: "artifact", artifact },
    checks: [
      {
        schema: RecordArtifactInputSchema,
        input: artifact,
        written: "the artifact",
        from: { id: mapping.id, title: mapping.title, line: mapping.line },
      },
      ...(evidence === undefined
        ? []
        : [
            {
              schema: evidence,
              input: artifact.fields,
              written: `the ${mapping.kind} artifact's fields`,
              from: mapping.fields,
            },
          ]),
    ],
  };
}

/** Every path of a line the mapping reads: all the text a line writes comes from these. */
function mappedPaths(mapping: Mapping): string[] {
  const own =
    mapping.target === "signal"
      ? [mapping.severity, mapping.customer]
      : mapping.target === "document"
        ? [mapping.author, mapping.capturedAt]
        : Object.values(mapping.fields);
  const paths = [mapping.id, mapping.title, mapping.body, mapping.line, mapping.tags, ...own];
  return [...new Set(paths.filter((path) => path !== undefined))];
}

/**
 * Builds every line's write and checks, all before anything is written: that
 * the text it reads can be stored (no NUL, no lone UTF-16 surrogate, which the
 * event log refuses); for a line whose text can, that the write passes the
 * schemas the writes use (lengths included; a line whose text cannot be stored
 * is reported once, not again by them); that an artifact it records is not one
 * of another kind already; and that no two lines' ids are stored as the same
 * artifact.
 *
 * @throws ValidationError naming the file, line and mapped field of every write that would be refused.
 */
export function planWrites(
  factory: Factory,
  file: string,
  records: readonly JsonlRecord[],
  mapping: Mapping,
  system: string,
): JsonlWrite[] {
  const issues: ValidationIssue[] = [];
  const stored = new Map<string, JsonlRecord>();
  const paths = mappedPaths(mapping);
  const writes = records.map((record) => {
    const { write, checks } = planRecord(record, mapping, system, (id) => factory.work.artifact(id));
    // Text no store can keep is named at its mapped path; the write schemas
    // refuse it too but would name it again, so they check only storable lines.
    const unstorable = paths.flatMap((path) => unstorableTextIssues(at(record.value, path), path));
    for (const issue of unstorable) issues.push({ ...issue, file, line: record.lineNumber });
    for (const { schema, input, written, from } of unstorable.length > 0 ? [] : checks) {
      issues.push(
        ...writeIssues(schema, input, (field, message) => {
          const source = Object.entries(from).find(
            ([name, path]) =>
              path !== undefined &&
              (field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`)),
          );
          return {
            path: source?.[1] ?? field,
            message: `${message} (written as ${written}'s ${field})`,
            file,
            line: record.lineNumber,
          };
        }),
      );
    }
    const artifact =
      write.target === "signal" ? write.ref : write.target === "artifact" ? write.artifact : undefined;
    const existing = artifact === undefined ? undefined : factory.work.artifact(artifact.id);
    if (artifact !== undefined && existing !== undefined && existing.kind !== artifact.kind)
      issues.push({
        path: mapping.id,
        message: `id "${record.id}" is stored as artifact "${artifact.id}", which is a ${existing.kind}, not a ${artifact.kind}`,
        file,
        line: record.lineNumber,
      });
    const other = artifact === undefined ? undefined : stored.get(artifact.id);
    if (artifact !== undefined && other !== undefined)
      issues.push({
        path: mapping.id,
        message: `id "${record.id}" would be stored as "${artifact.id}", as is id "${other.id}" on line ${other.lineNumber}`,
        file,
        line: record.lineNumber,
      });
    if (artifact !== undefined) stored.set(artifact.id, record);
    return write;
  });
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues(`JSONL file ${file}`, issues), issues });
  return writes;
}
