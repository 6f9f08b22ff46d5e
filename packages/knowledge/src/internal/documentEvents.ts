/**
 * The events a write appends for a document: its capture (with the documents
 * it supersedes), and a revision of it unless the revision changes nothing.
 * A decision's body is written from the decision when a revision gives the
 * decision without a body.
 *
 * @module
 */
import { formatIssues, hashJson, type NewEvent, ValidationError } from "@software-factory/core";
import type { z } from "zod";
import type { KnowledgeDocument } from "../DocumentStore.js";
import { decisionMarkdown } from "../decisionMarkdown.js";
import { DocumentCaptured, DocumentRevised, DocumentSuperseded } from "../events.js";
import {
  type CaptureInputSchema,
  type Decision,
  decisionTextTotalIssue,
  type ReviseInputSchema,
} from "../schemas.js";
import { aKind } from "./aKind.js";
import { utcInstant } from "./instant.js";

/**
 * The events that capture `parsed` as document `id` (with the idempotency
 * `key` it was captured with, if any, and the `sourceHash` of what its source
 * gave, for `captureOrRevise`) and mark what it supersedes. A document
 * given neither `validFrom` nor `source.capturedAt` is valid from `now`, the
 * time of the log's clock.
 *
 * @throws ValidationError at `validTo` when it is not after that start: the
 * document would never be in force.
 */
export function captureEvents(
  id: string,
  parsed: z.output<typeof CaptureInputSchema>,
  key: string | undefined,
  now: Date,
  sourceHash?: string,
): NewEvent[] {
  const validFrom = parsed.validFrom ?? parsed.source.capturedAt ?? now.toISOString();
  if (parsed.validTo !== undefined && utcInstant(parsed.validTo) <= utcInstant(validFrom)) {
    const start =
      parsed.validFrom !== undefined
        ? ""
        : parsed.source.capturedAt !== undefined
          ? " (its source.capturedAt; give validFrom)"
          : " (the time it is captured; give validFrom)";
    throw validityError("document", "validTo", `${validFrom}${start}`, parsed.validTo);
  }
  return [
    {
      type: DocumentCaptured.type,
      subject: id,
      data: {
        kind: parsed.kind,
        source: parsed.source,
        links: parsed.links,
        supersedes: parsed.supersedes,
        ...(key === undefined ? {} : { key }),
        title: parsed.title,
        body: parsed.body,
        contentHash: contentHash(parsed.title, parsed.body, parsed.decision),
        tags: parsed.tags,
        lines: parsed.lines,
        validFrom,
        ...(parsed.validTo === undefined ? {} : { validTo: parsed.validTo }),
        ...(parsed.decision === undefined ? {} : { decision: parsed.decision }),
        ...(sourceHash === undefined ? {} : { sourceHash }),
      },
    },
    ...parsed.supersedes.map((old) => ({ type: DocumentSuperseded.type, subject: old, data: { by: id } })),
  ];
}

/**
 * The event that revises `current` with `parsed` (fields not given stay as
 * they are, a decision's fields too; `validTo: null` clears it), recording
 * the `sourceHash` of what a source gave (`captureOrRevise`), or
 * `undefined` when it would change neither the content nor the tags, lines
 * or validity.
 *
 * @throws ValidationError at `validTo` (or `validFrom` when only it was given)
 * when the revision's validity would end before it starts; at `decision` as
 * {@link revisedDecision} says.
 */
export function revisionEvent(
  current: KnowledgeDocument,
  parsed: z.output<typeof ReviseInputSchema>,
  sourceHash?: string,
): NewEvent | undefined {
  const title = parsed.title ?? current.title;
  const revised = parsed.decision === undefined ? undefined : revisedDecision(current, parsed.decision);
  const decision = revised ?? current.decision;
  const body = parsed.body ?? (revised === undefined ? current.body : decisionMarkdown(revised));
  const validTo = parsed.validTo === null ? undefined : (parsed.validTo ?? current.validTo);
  const data = {
    title,
    body,
    contentHash: contentHash(title, body, decision),
    tags: parsed.tags ?? [...current.tags],
    lines: parsed.lines ?? [...current.lines],
    validFrom: parsed.validFrom ?? current.validFrom,
    ...(validTo === undefined ? {} : { validTo }),
    ...(decision === undefined ? {} : { decision }),
  };
  if (data.validTo !== undefined && utcInstant(data.validTo) <= utcInstant(data.validFrom)) {
    const field = parsed.validTo === undefined ? "validFrom" : "validTo";
    throw validityError(`revision of ${current.id}`, field, data.validFrom, data.validTo);
  }
  const unchanged =
    data.contentHash === current.contentHash &&
    hashJson([data.tags, data.lines, data.validFrom, data.validTo ?? null]) ===
      hashJson([current.tags, current.lines, current.validFrom, current.validTo ?? null]);
  if (unchanged) return undefined;
  return {
    type: DocumentRevised.type,
    subject: current.id,
    data: {
      ...data,
      ...(parsed.reason === undefined ? {} : { reason: parsed.reason }),
      ...(sourceHash === undefined ? {} : { sourceHash }),
    },
  };
}

/**
 * The decision of `current` with the fields `given` replaced (`options`
 * replaces the list), read from the document as the write finds it, so a
 * revision of other fields landing first is kept.
 *
 * @throws ValidationError at `decision` when `current` is not a decision, or
 * at the longest of the merged decision's text fields when together they
 * pass `DECISION_TEXT_MAX` characters.
 */
function revisedDecision(
  current: KnowledgeDocument,
  given: NonNullable<z.output<typeof ReviseInputSchema>["decision"]>,
): Decision {
  const refused = (path: string, message: string) => {
    const issues = [{ path, message }];
    return new ValidationError({ message: formatIssues(`revision of ${current.id}`, issues), issues });
  };
  const old = current.decision;
  if (current.kind !== "decision" || old === undefined)
    throw refused(
      "decision",
      `${current.id} is ${aKind(current.kind)}, not a decision: only a decision has decision fields`,
    );
  const decision: Decision = {
    status: given.status ?? old.status,
    context: given.context ?? old.context,
    options: given.options ?? old.options,
    decision: given.decision ?? old.decision,
    consequences: given.consequences ?? old.consequences,
  };
  const total = decisionTextTotalIssue(decision);
  if (total !== undefined) throw refused(`decision.${total.path}`, total.message);
  return decision;
}

/**
 * The error of a capture or revision whose validity would end before it
 * starts (a document never in force), at the field that ends it so.
 */
function validityError(subject: string, field: "validFrom" | "validTo", from: string, to: string) {
  const issues = [
    { path: field, message: `validTo must be after validFrom: it would be valid from ${from} to ${to}` },
  ];
  return new ValidationError({ message: formatIssues(subject, issues), issues });
}

/** SHA-256 (hex) of a title, body and decision: what a revision's `contentHash` holds. */
export function contentHash(title: string, body: string, decision: Decision | undefined): string {
  return hashJson({ title, body, decision: decision ?? null });
}
