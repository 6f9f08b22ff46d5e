/**
 * The generic JSONL connector: each line of a JSON Lines file becomes a
 * knowledge document, a signal or an artifact, through a mapping of dotted
 * field paths. Every line is validated before anything is written.
 *
 * @module
 */
import { basename } from "node:path";
import type { SourcedCaptureInput } from "@software-factory/knowledge";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import { countRecording, newCounter, type SummaryCounter, summaryOf } from "./internal/counter.js";
import { readInputFile } from "./internal/inputFile.js";
import { readRecords } from "./internal/jsonlRecords.js";
import { type ArtifactInput, type JsonlWrite, planWrites } from "./internal/jsonlWrites.js";
import { JsonlMappingSchema, type ParsedJsonlMapping as Mapping } from "./jsonlMapping.js";
import type { ConnectorSummary } from "./summary.js";

export { type JsonlMapping, JsonlMappingSchema } from "./jsonlMapping.js";

/** Options of {@link importJsonl}. */
export const JsonlImportOptionsSchema = z.object({
  /** The JSON Lines file (one JSON object per line; blank lines ignored). */
  file: z.string().min(1, "file must name a JSON Lines file"),
  /** What each line becomes (`target`) and the dotted paths its fields are read from. */
  mapping: JsonlMappingSchema,
  /**
   * Dotted path of the records in each line, when each line is one page of a
   * paged export (`messages` for Slack's `conversations.history`); default
   * each line is one record. A line without them fails the import, naming it.
   */
  records: z.string().min(1).optional(),
});
/** Options of {@link importJsonl}. */
export type JsonlImportOptions = z.input<typeof JsonlImportOptionsSchema>;

async function writeDocument(
  factory: Factory,
  document: SourcedCaptureInput,
  system: string,
  counter: SummaryCounter,
): Promise<void> {
  // One document per record id, even when two imports of the same file race.
  const { outcome } = await factory.knowledge.captureOrRevise(document, {
    reason: `re-imported from ${system}`,
  });
  countRecording(counter, outcome !== "captured", outcome === "revised");
}

async function writeSignal(
  factory: Factory,
  write: Extract<JsonlWrite, { target: "signal" }>,
  counter: SummaryCounter,
): Promise<void> {
  const previous = factory.work.artifact(write.ref.id);
  let target = typeof previous?.fields.target === "string" ? previous.fields.target : undefined;
  if (target === undefined) {
    target = (await factory.work.captureSignal(write.signal)).id;
    if (write.cut) counter.truncated += 1;
  }
  const { changed } = await factory.work.recordArtifact({
    ...write.ref,
    fields: { ...write.ref.fields, target },
    move: true,
  });
  countRecording(counter, previous !== undefined, changed);
}

/** Artifacts written in one append, one transaction of the event log, rather than one transaction each. */
const ARTIFACT_BATCH = 250;

/** Records artifacts (checked when planned) in one append, unchanged ones writing nothing, and counts them. */
async function writeArtifacts(
  factory: Factory,
  artifacts: readonly ArtifactInput[],
  counter: SummaryCounter,
): Promise<void> {
  const seen = new Set<string>();
  const existed = artifacts.map(({ id }) => {
    const was = seen.has(id) || factory.work.artifact(id) !== undefined;
    seen.add(id);
    return was;
  });
  // The file says where a record sits: one whose line changed there moves to it.
  const recorded = await factory.work.recordArtifacts(
    artifacts.map((artifact) => ({ ...artifact, move: true })),
  );
  for (const [index, { changed }] of recorded.entries())
    countRecording(counter, existed[index] === true, changed);
}

/** The system written on what a file creates: the mapping's, else the file's name as a short lowercase word. */
function systemOf(file: string, mapping: Mapping): string {
  return (
    mapping.system ??
    (basename(file)
      .replace(/\.[^.]*$/, "")
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[^a-z0-9]+/, "")
      .slice(0, 60) ||
      "jsonl")
  );
}

/**
 * Imports a JSON Lines file through a mapping of dotted paths:
 * - `document`: a knowledge document of the mapping's kind, source
 *   `{ system, uri: id, author, capturedAt }` (`capturedAt` a mapped date
 *   or epoch time, which also starts its validity); a known id is revised
 *   when it changed (its source kept);
 * - `signal`: a signal (title and body as text, severity and customer from
 *   their paths), remembered by an `externalRef` artifact `ext-<system>-<id>`
 *   so a re-run does not capture it twice;
 * - `artifact`: an artifact `<system>-<id>` of the mapping's kind with the
 *   body, tags and mapped fields; a changed record makes a new version.
 *
 * A record whose line changed moves its artifact (or signal reference) to
 * that line; a signal already captured stays where it was routed.
 *
 * A title (a document's, a signal's reference's, an `artifact` target's) is
 * the record's title made one line: a tab or other control character becomes
 * a space, a bidi override is dropped (`<system> <id>` when nothing is left);
 * a signal's text keeps the title as written.
 *
 * An id with characters an artifact id cannot hold (anything but letters,
 * digits and `._:-`), or too long for one (128 characters), is stored with
 * those characters made `_`, cut, and a hash of the id appended
 * (`zendesk-a_b-3f1c...`), so `a b` and `a/b` are two records, not versions
 * of one; two ids that would still be stored alike fail the import. A record
 * an earlier import stored without the hash (`zendesk-a_b`, holding that
 * record's id) is found and written there again, not captured twice.
 *
 * A file that is one JSON document rather than a value a line (a
 * pretty-printed export, or an array) is read whole, as knowledge's
 * `importRecords` reads a `.json` file: its array, or the one at `records`,
 * each record named by the line it starts on; one that does not parse is
 * one problem saying it is a JSON document, not JSON Lines. A mapping key
 * its target does not take (`bdoy`) is refused naming the key it is near.
 *
 * Every line is read and checked first (JSON, required id and title, tags,
 * line ids, severities, duplicate ids), then what it will write is checked
 * with the schemas of the writes themselves: a title over 500 characters, a
 * document body over 2,000,000, an id too long for a document's source or a
 * signal's source, a customer over 200 is refused, never cut. Any bad line
 * fails the whole import, naming every bad line and field, and nothing is
 * written. Only a signal's text (title and body) is cut to 10,000 characters,
 * as the body stays in the source system; the summary counts those as `truncated`.
 * Given no `records`, a file whose every line lacks the mapped fields because
 * each holds its records under a key (a page of an API's answers a line) is
 * refused saying where: `(root): holds its records under a key: its arrays
 * are at messages (2 records): pass records: "messages"`.
 *
 * @throws ValidationError naming the file, line and mapped field of every bad line, or the line and column of the first byte that is not UTF-8 text.
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
  const text = await readInputFile("JSONL file", input.file);
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  const mapping = input.mapping;
  const records = readRecords(factory, input.file, text, {
    ...mapping,
    severity: mapping.target === "signal" ? mapping.severity : undefined,
    capturedAt: mapping.target === "document" ? mapping.capturedAt : undefined,
    records: input.records,
  });
  const system = systemOf(input.file, mapping);
  const writes = planWrites(factory, input.file, records, mapping, system);
  const counter = newCounter();
  let artifacts: ArtifactInput[] = [];
  for (const write of writes) {
    if (write.target === "document") await writeDocument(factory, write.document, system, counter);
    else if (write.target === "signal") await writeSignal(factory, write, counter);
    else if (artifacts.push(write.artifact) === ARTIFACT_BATCH) {
      await writeArtifacts(factory, artifacts, counter);
      artifacts = [];
    }
  }
  if (artifacts.length > 0) await writeArtifacts(factory, artifacts, counter);
  return summaryOf(counter);
}
