/**
 * What a re-import (`captureOrRevise` with `reimport: true`) compares and
 * says: the hash of what a source gave, the revision an import last wrote,
 * whether the source changed since, a supersession it keeps, and the
 * warnings about a revision made by hand that it replaces or a retracted
 * document.
 *
 * @module
 */
import { hashJson } from "@software-factory/core";
import type { z } from "zod";
import type { KnowledgeDocument, Revision } from "../DocumentStore.js";
import { decisionMarkdown } from "../decisionMarkdown.js";
import type { SourcedCaptureInputSchema } from "../schemas.js";
import { contentHash } from "./documentEvents.js";

type Sourced = z.output<typeof SourcedCaptureInputSchema>;

/**
 * SHA-256 (hex) of what a source gave: its `version` when the caller names
 * one, else the input's title, body, decision, tags, lines and validity.
 */
export function sourceHashOf(parsed: Sourced, version: string | undefined): string {
  if (version !== undefined) return hashJson({ version });
  return hashJson({
    title: parsed.title,
    body: parsed.body,
    decision: parsed.decision ?? null,
    tags: parsed.tags,
    lines: parsed.lines,
    validFrom: parsed.validFrom ?? null,
    validTo: parsed.validTo ?? null,
  });
}

/**
 * The revision the last write from the source made: the last one with a
 * `sourceHash`, or, written before those were recorded, the capture or a
 * revision given the `reason` the importer gives each time.
 */
export function lastImported(document: KnowledgeDocument, reason: string | undefined): Revision | undefined {
  return document.revisions.findLast(
    (revision) =>
      revision.sourceHash !== undefined ||
      revision.revision === 1 ||
      (reason !== undefined && revision.reason === reason),
  );
}

/**
 * Whether the source gives what it gave when it wrote `last`: the same
 * source hash, or (a revision without one) the same title, body, decision,
 * tags and lines.
 */
export function sourceUnchanged(last: Revision, parsed: Sourced, sourceHash: string): boolean {
  if (last.sourceHash !== undefined) return last.sourceHash === sourceHash;
  return (
    last.contentHash === contentHash(parsed.title, parsed.body, parsed.decision) &&
    hashJson([last.tags, last.lines]) === hashJson([parsed.tags, parsed.lines])
  );
}

/**
 * The warning of a re-import that revised `document` over revisions made
 * since its last import (`last`): `replaces revision 4 of doc_... by alice
 * ("board decision")`, and how many more there were; none when the revision
 * it replaced is the import's own.
 */
export function replacedWarnings(document: KnowledgeDocument, last: Revision | undefined): string[] {
  const replaced = document.revisions.at(-2);
  if (replaced === undefined || last === undefined || replaced.revision <= last.revision) return [];
  const why = replaced.reason === undefined ? "" : ` (${JSON.stringify(replaced.reason)})`;
  const others = replaced.revision - last.revision - 1;
  const more =
    others === 0
      ? ""
      : `, and ${others === 1 ? "1 other revision" : `${others} other revisions`} made since its last import (revision ${last.revision})`;
  return [
    `replaces revision ${replaced.revision} of ${document.id} by ${replaced.actor}${why}${more}: its source changed since its last import, and the source is what is kept`,
  ];
}

/** A retraction as a re-import names it: when, by whom, why. */
export interface Retraction {
  readonly at: string;
  readonly actor: string;
  readonly reason: string;
}

/** `doc_... ("Title") was retracted at <when> by <who> ("<why>")`. */
function retracted(document: KnowledgeDocument, retraction: Retraction): string {
  return `${document.id} (${JSON.stringify(document.title)}) was retracted at ${retraction.at} by ${retraction.actor} (${JSON.stringify(retraction.reason)})`;
}

/** The warning of a re-import that left a retracted document out: its source did not change since. */
export function skippedWarning(document: KnowledgeDocument, retraction: Retraction): string {
  return `skipped: its document ${retracted(document, retraction)}, and the source is unchanged since it was last imported: delete it, or edit it to capture it again as a new document`;
}

/** The warning of a re-import that captured a source anew after its document was retracted: it changed since. */
export function capturedAnewWarning(
  captured: KnowledgeDocument,
  document: KnowledgeDocument,
  retraction: Retraction,
): string {
  return `captured anew as ${captured.id}: its document ${retracted(document, retraction)}, and the source changed since it was last imported; retract ${captured.id} and delete the source if it should stay out`;
}

/**
 * What a re-import writes of a decision that a later one superseded: the
 * source's decision with status `superseded` (and its body, when it is the
 * decision's markdown, with it), and a warning when the source gives
 * another status; the source as it is for any other document.
 */
export function keepSupersession(
  existing: KnowledgeDocument,
  parsed: Sourced,
): { readonly parsed: Sourced; readonly warnings: string[] } {
  const given = parsed.decision;
  const by = existing.supersededBy;
  if (by === undefined || given === undefined || given.status === "superseded")
    return { parsed, warnings: [] };
  const decision = { ...given, status: "superseded" as const };
  const body = parsed.body === decisionMarkdown(given) ? decisionMarkdown(decision) : parsed.body;
  return {
    parsed: { ...parsed, decision, body },
    warnings: [
      `stays superseded by ${by.id} (since ${by.at}): the source says status: ${given.status}, which a re-import does not restore; write status: superseded in it`,
    ],
  };
}
