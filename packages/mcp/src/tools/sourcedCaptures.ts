/**
 * What `capture_knowledge` does besides a plain capture: it keeps one
 * document per source address (`source.system` and `source.uri`), as the
 * importers and `factory import transcripts` do, so a page or a call
 * captured again revises its document rather than adding a second one; and
 * it stores a transcript as `factory import transcripts` does (its turns as
 * markdown, its speakers as `speaker:` tags).
 *
 * @module
 */
import { formatIssues, ValidationError, type ValidationIssue } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import {
  type CaptureInput,
  type KnowledgeDocument,
  parseTranscript,
  type TranscriptWarning,
  transcriptDocument,
} from "@software-factory/knowledge";
import { z } from "zod";

/** What a capture did: `captured` a new document, `revised` the live one of its address, or left it `unchanged`. */
export const CaptureOutcome = z.enum(["captured", "revised", "unchanged"]);

/** A capture as `capture_knowledge` writes it: a document, with its source's address when it has one. */
export type SourcedCapture = CaptureInput & {
  readonly source: { readonly system: string; readonly uri?: string | undefined };
};

/** The most tags a document keeps (the knowledge base's `tags` limit). */
const TAGS_MAX = 100;
/** Why a document captured again is revised, as its revision keeps it. */
const CAPTURED_AGAIN = "captured again from its source (capture_knowledge)";

/** A refusal of `capture_knowledge`'s arguments, naming each field. */
function refusal(issues: readonly ValidationIssue[]): ValidationError {
  return new ValidationError({ message: formatIssues("capture_knowledge input", issues), issues });
}

/**
 * A transcript's capture: its turns as markdown (`**Speaker** (time): words`),
 * its speakers as `speaker:` tags after the tags given, as
 * `factory import transcripts` stores a file; its speakers; and the lines it
 * left out as malformed (a cue timing line whose times do not parse), which
 * `factory import transcripts` prints as warnings.
 *
 * @throws ValidationError naming `body` when it holds no turn, or `tags` when the speakers' tags and those given pass 100.
 */
export function transcriptCapture(capture: SourcedCapture): {
  readonly capture: SourcedCapture;
  readonly speakers: string[];
  readonly warnings: TranscriptWarning[];
} {
  const { speakers, turns, warnings } = parseTranscript(capture.body);
  if (turns.length === 0)
    throw refusal([
      {
        path: "body",
        message:
          'holds no turns (no WebVTT or SubRip cue, "Name: words" line or speaker heading): is it a transcript? Leave transcript out to store it as markdown',
      },
    ]);
  const made = transcriptDocument(capture.body, capture);
  const tags = made.tags ?? [];
  if (tags.length > TAGS_MAX) {
    const given = capture.tags?.length ?? 0;
    const message = `its ${speakers.length} speakers' tags and the ${given} tags given make ${tags.length}, over the ${TAGS_MAX} a document keeps`;
    throw refusal([{ path: "tags", message }]);
  }
  return {
    capture: { ...capture, body: made.body, tags },
    speakers: [...speakers],
    warnings: [...warnings],
  };
}

/**
 * Refuses what a capture of a live document's address cannot do, since it
 * revises that document: change its kind, or supersede a document it does
 * not supersede yet (a supersession counts only when a document is created).
 */
function requireRevisable(existing: KnowledgeDocument, capture: SourcedCapture): void {
  const holds = `document ${existing.id} holds this source.uri, and capturing it again revises that document`;
  const issues: ValidationIssue[] = [];
  if (existing.kind !== capture.kind)
    issues.push({
      path: "kind",
      message: `${holds}, which keeps its kind: give kind "${existing.kind}", or retract ${existing.id} first to capture it anew`,
    });
  for (const [index, id] of (capture.supersedes ?? []).entries())
    if (!existing.supersedes.includes(id))
      issues.push({
        path: `supersedes[${index}]`,
        message: `${holds}, and a revision supersedes nothing: leave "${id}" out, or retract ${existing.id} first to capture it anew`,
      });
  if (issues.length > 0) throw refusal(issues);
}

/** Adds the links of `capture` that `document` has not (a revision keeps links, so a capture again adds its new ones). */
async function addLinks(
  factory: Factory,
  document: KnowledgeDocument,
  capture: SourcedCapture,
): Promise<{ document: KnowledgeDocument; added: boolean }> {
  let current = document;
  let added = false;
  for (const link of capture.links ?? []) {
    if (current.links.some((has) => has.type === link.type && has.target === link.target)) continue;
    current = await factory.knowledge.link(current.id, link);
    added = true;
  }
  return { document: current, added };
}

/**
 * Writes `capture` keeping one document per source address: without
 * `source.uri`, a capture (once per `idempotencyKey`); with it, a revision of
 * the live document of that address to this capture (title, body, tags,
 * lines; links it has not yet added), or a capture when the address has none
 * or only a retracted one. An `idempotencyKey` keeps its meaning: its first
 * write is made once, and a retry answers that write's document.
 *
 * @throws ValidationError naming `kind` or `supersedes[i]` when the address has a live document of another kind, or the capture supersedes a document that document does not.
 * @throws IdempotencyConflictError when the key was used for another write.
 */
export async function writeSourcedCapture(
  factory: Factory,
  capture: SourcedCapture,
  idempotencyKey: string | undefined,
): Promise<{ readonly document: KnowledgeDocument; readonly outcome: z.infer<typeof CaptureOutcome> }> {
  const keyed = idempotencyKey === undefined ? {} : { idempotencyKey };
  const { system, uri } = capture.source;
  const captured = async () => ({
    document: await factory.knowledge.capture(capture, keyed),
    outcome: "captured" as const,
  });
  if (uri === undefined) return captured();
  const existing = await factory.knowledge.bySource(system, uri);
  if (existing !== undefined && existing.retracted === undefined) requireRevisable(existing, capture);
  // captureOrRevise keeps one document when two writers capture the address at once, whatever their keys.
  const written = await factory.knowledge.captureOrRevise(
    { ...capture, source: { ...capture.source, uri } },
    { reason: CAPTURED_AGAIN, ...keyed },
  );
  if (written.outcome === "captured") return written;
  const linked = await addLinks(factory, written.document, capture);
  return { document: linked.document, outcome: linked.added ? "revised" : written.outcome };
}
