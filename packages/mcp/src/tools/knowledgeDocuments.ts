/**
 * The document tools of the `knowledge` group: `get_document` reads one,
 * `capture_knowledge` stores one, `revise_knowledge` corrects one and
 * `retract_knowledge` withdraws one (links are in `knowledgeLinks.ts`,
 * decisions in `decisions.ts`).
 *
 * @module
 */
import { cutText } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import {
  CaptureInputSchema,
  DocumentKindSchema,
  ReviseInputSchema,
  SourceSchema,
} from "@software-factory/knowledge";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { DecisionRevisionInput } from "./decisions.js";
import { DocumentOutput } from "./knowledgeOutputs.js";
import { DocumentLinks, requireDocument, requireSuperseded, Stored, stored } from "./knowledgeShared.js";
import { requireLinkTarget } from "./knownRecords.js";
import { requireLines } from "./knownValues.js";
import {
  filledText,
  ID_MAX,
  IdempotencyKey,
  instantAt,
  KNOWLEDGE_BODY_MAX,
  keyed,
  PointInTime,
} from "./shared.js";
import { CaptureOutcome, transcriptCapture, writeSourcedCapture } from "./sourcedCaptures.js";

/** `get_document`: one knowledge document (optionally as it read at an instant), its body cut to a token budget. */
export const getDocument = defineTool({
  name: "get_document",
  title: "Read a knowledge document",
  description:
    "A document in full (or as it read at asOf): its source, lines, links, revisions and supersession. A body longer than maxTokens is cut (truncated: true).",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    id: z
      .string()
      .min(1)
      .max(ID_MAX)
      .describe("Id of a knowledge document; search_knowledge and list_knowledge give them"),
    asOf: PointInTime.optional().describe("As it read then (date, instant or 30d)"),
    maxTokens: z
      .number()
      .int()
      .min(100)
      .max(50_000)
      .default(4000)
      .describe("Body tokens to return (about 4 characters each)"),
  }),
  output: DocumentOutput,
  run: async (factory, input) => {
    const asOf = input.asOf === undefined ? undefined : instantAt(factory, input.asOf);
    const document = await requireDocument(factory, input.id, asOf);
    const { revisions, body, ...rest } = document;
    const limit = input.maxTokens * 4;
    return {
      ...rest,
      body: cutText(body, limit),
      truncated: body.length > limit,
      revisions: revisions.map(({ body: _body, ...revision }) => revision),
    };
  },
});

/**
 * A document's markdown body: not blank, since a document of whitespace has
 * nothing to find or read; an empty one is refused once, as blank (not also
 * as too short).
 */
const Body = z
  .string()
  .min(1, { message: "body must not be blank", abort: true })
  .max(KNOWLEDGE_BODY_MAX)
  .refine((body) => body.trim() !== "", "body must not be blank");

/**
 * `capture_knowledge`: stores a knowledge document with its source (who
 * said it and when: `source.author`, `source.capturedAt`) and links, in
 * force from `validFrom`; one per `source.uri` (captured again, it revises
 * it), idempotent with a key; a transcript parsed into turns with
 * `transcript: true`.
 */
export const captureKnowledge = defineTool({
  name: "capture_knowledge",
  title: "Capture knowledge",
  description:
    "Store something worth remembering (a finding, a customer statement, a runbook step) with its source, linked to the lines it concerns. To replace an outdated document, name it in supersedes instead of contradicting it. A source.uri captured again revises its document.",
  group: "knowledge",
  // Idempotent only with an idempotencyKey or a source.uri: called twice without either, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z
    .object({
      kind: DocumentKindSchema.exclude(["decision"]).describe(
        "What it is (a decision goes through record_decision)",
      ),
      title: filledText(500).describe("Short title"),
      body: Body.describe("Markdown"),
      source: z
        .strictObject({
          system: SourceSchema.shape.system
            .default("mcp")
            .describe("The system it came from (zendesk, notes, a repository)"),
          uri: SourceSchema.shape.uri.describe("Its address in that system: a URL or a path"),
          author: SourceSchema.shape.author.describe("Who wrote or said it there (an operator id or a name)"),
          capturedAt: PointInTime.optional().describe("When it was written or said there"),
        })
        .prefault({})
        .describe("Where it came from"),
      tags: CaptureInputSchema.shape.tags.describe("Labels to filter on (pci, onboarding)"),
      lines: CaptureInputSchema.shape.lines.describe(
        "Ids of the lines it concerns (factory://floorplan lists them)",
      ),
      links: DocumentLinks.default([]).describe("Typed links to documents, work items, signals or artifacts"),
      validFrom: PointInTime.optional().describe("Since when it holds (default source.capturedAt, else now)"),
      supersedes: CaptureInputSchema.shape.supersedes.describe(
        "Ids of documents it replaces, which stop being current (list_knowledge gives them; not retracted ones)",
      ),
      transcript: z
        .boolean()
        .optional()
        .describe("body is a WebVTT, SRT, Otter, Zoom or Meet transcript: store its turns, speakers as tags"),
      idempotencyKey: IdempotencyKey,
    })
    .refine((input) => input.transcript !== true || input.kind === "conversation", {
      message: 'a transcript is stored as a conversation: give kind "conversation"',
      path: ["kind"],
    }),
  output: Stored.extend({
    outcome: CaptureOutcome,
    speakers: z.array(z.string()).optional(),
    warnings: z
      .array(z.object({ line: z.number(), message: z.string() }))
      .optional()
      .describe("Transcript lines left out as malformed"),
  }),
  run: async (factory, { idempotencyKey, transcript, ...given }) => {
    const input = atInstants(factory, given);
    const parsed = transcript === true ? transcriptCapture(input) : undefined;
    await requireLines(factory, input.lines, "lines");
    for (const [index, link] of input.links.entries())
      await requireLinkTarget(factory, link.target, `links[${index}].target`);
    await requireSuperseded(factory, input.supersedes);
    const { document, outcome } = await writeSourcedCapture(
      factory,
      parsed?.capture ?? input,
      idempotencyKey,
    );
    const read = parsed === undefined ? {} : { speakers: parsed.speakers, warnings: parsed.warnings };
    return { ...stored(document), outcome, ...read };
  },
});

/**
 * A capture's `source.capturedAt` and `validFrom` as ISO instants, a date or
 * a span back (`3d`) read as every tool reads a point in time.
 */
function atInstants<
  Input extends { source: { capturedAt?: string | undefined }; validFrom?: string | undefined },
>(factory: Factory, input: Input): Input {
  const { capturedAt } = input.source;
  return {
    ...input,
    source:
      capturedAt === undefined
        ? input.source
        : { ...input.source, capturedAt: instantAt(factory, capturedAt) },
    ...(input.validFrom === undefined ? {} : { validFrom: instantAt(factory, input.validFrom) }),
  };
}

/** Why a document is revised or retracted, as the knowledge base keeps it. */
const Reason = filledText(2000);

/** `revise_knowledge`: a new revision of a document (title, body, tags, lines, a decision's fields), with a reason; idempotent with a key. */
export const reviseKnowledge = defineTool({
  name: "revise_knowledge",
  title: "Revise knowledge",
  description:
    "Correct a document: a new revision with the fields given (a list replaces the document's, decision only the fields it gives) and the reason; earlier revisions stay readable with get_document asOf. To replace it, use capture_knowledge with supersedes.",
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  input: z
    .object({
      id: z
        .string()
        .min(1)
        .max(ID_MAX)
        .describe("Id of a knowledge document; search_knowledge and list_knowledge give them"),
      title: filledText(500).optional().describe("New title"),
      body: Body.optional().describe("New body (markdown)"),
      tags: ReviseInputSchema.shape.tags.describe("New tags"),
      lines: ReviseInputSchema.shape.lines.describe("New line ids (factory://floorplan lists them)"),
      decision: DecisionRevisionInput.optional().describe("A decision's fields to change"),
      reason: Reason.describe("Why it changes"),
      idempotencyKey: IdempotencyKey,
    })
    .refine(
      (input) =>
        [input.title, input.body, input.tags, input.lines, input.decision].some(
          (field) => field !== undefined,
        ),
      { message: "nothing to revise: give title, body, tags, lines or decision" },
    ),
  output: Stored.extend({ changed: z.boolean() }),
  run: async (factory, { id, idempotencyKey, ...changes }) => {
    await requireDocument(factory, id);
    await requireLines(factory, changes.lines ?? [], "lines");
    const { document, changed } = await factory.knowledge.revise(id, changes, keyed(idempotencyKey));
    return { ...stored(document), changed };
  },
});

/** `retract_knowledge`: takes a wrong document out of search, with a reason; a second call writes nothing. */
export const retractKnowledge = defineTool({
  name: "retract_knowledge",
  title: "Retract knowledge",
  description:
    "Withdraw a wrong or misplaced document: searches, lists and context packs stop returning it; its history stays readable with get_document asOf. It cannot be undone: to correct it use revise_knowledge, to replace it capture_knowledge with supersedes.",
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  input: z.object({
    id: z
      .string()
      .min(1)
      .max(ID_MAX)
      .describe("Id of a knowledge document; search_knowledge and list_knowledge give them"),
    reason: Reason.describe("Why it is withdrawn"),
    idempotencyKey: IdempotencyKey,
  }),
  output: Stored.extend({
    retracted: z.object({ at: z.string(), reason: z.string() }),
    alreadyRetracted: z.boolean(),
  }),
  run: async (factory, { id, reason, idempotencyKey }) => {
    const before = await requireDocument(factory, id);
    const document = await factory.knowledge.retract(id, reason, keyed(idempotencyKey));
    return {
      ...stored(document),
      retracted: document.retracted,
      alreadyRetracted: before.retracted !== undefined,
    };
  },
});
