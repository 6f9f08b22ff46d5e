/**
 * The vocabulary of the knowledge base: document kinds, provenance, links,
 * decisions, and the inputs that capture and revise documents.
 *
 * @module
 */
import { z } from "zod";
import { utcInstant } from "./internal/instant.js";

/**
 * An ISO 8601 instant, with `Z` or an offset, stored as UTC
 * (`2026-05-01T10:00:00+02:00` becomes `2026-05-01T08:00:00.000Z`) so that
 * instants of different offsets compare and filter correctly.
 */
export const InstantSchema = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 instant, as 2026-05-01T10:00:00Z" })
  .transform(utcInstant);

/** What a document is. */
export const DocumentKindSchema = z.enum([
  "conversation",
  "discovery",
  "strategy",
  "decision",
  "research",
  "insight",
  "signal",
  "requirement",
  "blueprint",
  "runbook",
  "note",
  "code",
]);
/** What a document is. */
export type DocumentKind = z.infer<typeof DocumentKindSchema>;

/** Where a document came from: the system, its address there, who wrote it and when. */
export const SourceSchema = z.object({
  system: z.string().min(1).max(100),
  uri: z.string().min(1).max(2000).optional(),
  author: z.string().min(1).max(200).optional(),
  capturedAt: InstantSchema.optional(),
});
/** Where a document came from. */
export type Source = z.infer<typeof SourceSchema>;

/** A typed link from a document to another document or an assembly-line artifact. */
export const LinkSchema = z.object({
  type: z
    .string()
    .regex(/^[a-z][a-zA-Z0-9-]*$/, "link types are words such as relatesTo, informs, evidenceFor")
    .max(60),
  target: z.string().min(1).max(200),
});
/** A typed link from a document to another document or artifact. */
export type Link = z.infer<typeof LinkSchema>;

/** Status of a decision in the decision log. */
export const DecisionStatusSchema = z.enum(["proposed", "accepted", "rejected", "superseded"]);
/** Status of a decision. */
export type DecisionStatus = z.infer<typeof DecisionStatusSchema>;

/**
 * Most characters of a decision's context, decision and consequences, each;
 * the MCP server's `record_decision` takes as many for all of them together.
 */
export const DECISION_TEXT_MAX = 200_000;
const DecisionText = z.string().max(DECISION_TEXT_MAX);
/** One pro or con of an option. */
const Argument = z.string().max(2000);

/** The options a decision weighed, each with its pros and cons. */
export const DecisionOptionsSchema = z
  .array(
    z.object({
      title: z.string().min(1).max(500),
      pros: z.array(Argument).max(50).default([]),
      cons: z.array(Argument).max(50).default([]),
    }),
  )
  .max(50)
  .default([]);

/** The structured part of a decision (an ADR): why, what was weighed, what was chosen, what follows. */
export const DecisionSchema = z.object({
  status: DecisionStatusSchema,
  context: DecisionText.min(1),
  options: DecisionOptionsSchema,
  decision: DecisionText.min(1),
  consequences: DecisionText.default(""),
});
/** The structured part of a decision. */
export type Decision = z.infer<typeof DecisionSchema>;

const Tag = z
  .string()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_:./-]*$/u, "tags are words without spaces")
  .max(80);
const LineId = z.string().min(1).max(120);

/** Input of `KnowledgeBase.capture` (each field is described on {@link CaptureInput}). */
export const CaptureInputSchema = z
  .object({
    kind: DocumentKindSchema,
    title: z.string().trim().min(1).max(500),
    body: z.string().max(2_000_000),
    source: SourceSchema,
    tags: z.array(Tag).max(100).default([]),
    lines: z.array(LineId).max(100).default([]),
    links: z.array(LinkSchema).max(500).default([]),
    validFrom: InstantSchema.optional(),
    validTo: InstantSchema.optional(),
    supersedes: z.array(z.string().min(1)).max(50).default([]),
    decision: DecisionSchema.optional(),
  })
  .refine(
    (input) =>
      input.validTo === undefined || input.validFrom === undefined || input.validTo > input.validFrom,
    {
      message: "validTo must be after validFrom",
      path: ["validTo"],
    },
  )
  .refine((input) => input.kind !== "decision" || input.decision !== undefined, {
    message: "a decision document needs its decision fields (use recordDecision)",
    path: ["decision"],
  });
/** Input of `KnowledgeBase.capture`, as a caller writes it (what {@link CaptureInputSchema} accepts). */
export interface CaptureInput {
  /** What the document is (`note`, `decision`, `runbook`...). */
  kind: DocumentKind;
  /** Its title (1 to 500 characters); it counts twice in lexical search. */
  title: string;
  /** Its markdown body, chunked by headings for search. */
  body: string;
  /** Where it came from: system, address (`uri`), author, and when it was captured there. */
  source: z.input<typeof SourceSchema>;
  /** Words to filter by (no spaces; `team:payments` is fine). */
  tags?: string[] | undefined;
  /** Ids of the floor-plan lines it concerns. */
  lines?: string[] | undefined;
  /** Typed links to other documents or artifacts (`{ type: "informs", target: "doc_..." }`). */
  links?: Link[] | undefined;
  /** Since when the fact holds, an ISO 8601 instant (default: `source.capturedAt`, else now). */
  validFrom?: string | undefined;
  /** Until when it holds, when that is known; `asOf` searches from then on leave it out. */
  validTo?: string | undefined;
  /** Ids of documents this one replaces: they are marked superseded in the same write. */
  supersedes?: string[] | undefined;
  /** The structured decision, required with kind `decision` (use `recordDecision`). */
  decision?: z.input<typeof DecisionSchema> | undefined;
}

/** Input of `KnowledgeBase.captureOrRevise`: a capture whose source names the document's address there. */
export const SourcedCaptureInputSchema = CaptureInputSchema.safeExtend({
  source: SourceSchema.extend({
    uri: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? "is required: the document's address at its source, which keeps one document per address"
            : undefined,
      })
      .min(1)
      .max(2000),
  }),
});
/** Input of `KnowledgeBase.captureOrRevise`, as a caller writes it. */
export type SourcedCaptureInput = z.input<typeof SourcedCaptureInputSchema>;

/** Input of `KnowledgeBase.revise`: the fields that change; the rest stays. */
export const ReviseInputSchema = z.object({
  title: z.string().trim().min(1).max(500).optional(),
  body: z.string().max(2_000_000).optional(),
  tags: z.array(Tag).max(100).optional(),
  lines: z.array(LineId).max(100).optional(),
  validFrom: InstantSchema.optional(),
  validTo: InstantSchema.nullable().optional(),
  decision: DecisionSchema.optional(),
  reason: z.string().max(2000).optional(),
});
/** Input of `KnowledgeBase.revise`, as a caller writes it. */
export type ReviseInput = z.input<typeof ReviseInputSchema>;

/** Input of `KnowledgeBase.recordDecision`. */
export const RecordDecisionInputSchema = z.object({
  title: z.string().trim().min(1).max(500),
  status: DecisionStatusSchema.default("proposed"),
  context: DecisionText.min(1),
  options: DecisionOptionsSchema,
  decision: DecisionText.min(1),
  consequences: DecisionText.default(""),
  source: SourceSchema,
  tags: z.array(Tag).max(100).default([]),
  lines: z.array(LineId).max(100).default([]),
  links: z.array(LinkSchema).max(500).default([]),
  supersedes: z.array(z.string().min(1)).max(50).default([]),
});
/** Input of `KnowledgeBase.recordDecision`, as a caller writes it. */
export type RecordDecisionInput = z.input<typeof RecordDecisionInputSchema>;
