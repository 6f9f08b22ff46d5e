/**
 * The `knowledge` group of tools: searching, listing and reading the
 * knowledge base, capturing, revising and retracting documents, and recording
 * decisions (context packs are in `context.ts`).
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import {
  checkDecisionTextTotal,
  DECISION_LIST_MAX,
  DECISION_TEXT_MAX,
  DocumentKindSchema,
  decisionOptionInputShape,
  decisionTextSchema,
  type KnowledgeDocument,
  LinkSchema,
} from "@software-factory/knowledge";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { DocumentOutput, DocumentSummaryOutput, SearchHitOutput } from "./knowledgeOutputs.js";
import { requireLinkTarget } from "./knownRecords.js";
import { requireLines } from "./knownValues.js";
import { hitsWithinBudget } from "./searchBudget.js";
import {
  Cursor,
  cursorUpTo,
  filledText,
  ID_MAX,
  IdempotencyKey,
  Instant,
  KNOWLEDGE_BODY_MAX,
  keyed,
  offsetOf,
  pastTheLastPage,
  SEARCH_QUERY_MAX,
} from "./shared.js";

/**
 * A filter of documents by a list of values: optional, and when given, not
 * empty, since an empty list would match no document and answer nothing where
 * the caller most likely meant no filter.
 */
const filterList = <Item extends z.ZodType>(item: Item, what: string) =>
  z
    .array(item)
    .min(
      1,
      `give at least one ${what}, or leave the filter out for every document (an empty list matches none)`,
    )
    .optional();

/** `search_knowledge`: hybrid search over the knowledge base, paged and within a token budget. */
export const searchKnowledge = defineTool({
  name: "search_knowledge",
  title: "Search the knowledge base",
  description:
    "Hybrid search (BM25 + vectors) over the factory's knowledge (conversations, decisions, research, runbooks, requirements...): the best snippets with their sources, as many as fit budgetTokens. Filter by kind, line or tag; asOf asks what was true then; nextCursor starts at the first hit left out.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    query: filledText(SEARCH_QUERY_MAX).describe("What you want to know, in words or identifiers"),
    kinds: filterList(DocumentKindSchema, "kind").describe("Only documents of these kinds"),
    lines: filterList(z.string().min(1).max(ID_MAX), "line").describe(
      "Only documents linked to these lines (factory://floorplan lists them)",
    ),
    tags: filterList(z.string().min(1), "tag").describe("Only documents with at least one of these tags"),
    asOf: Instant()
      .optional()
      .describe("Only what was in force at this ISO 8601 instant, with its offset (2026-03-01T09:00:00Z)"),
    limit: z.number().int().min(1).max(50).default(10).describe("Hits per page"),
    // The knowledge base's search pages through its first 10,000 hits.
    cursor: cursorUpTo(10_000),
    budgetTokens: z
      .number()
      .int()
      .min(50)
      .max(20_000)
      .default(2000)
      .describe(
        "Tokens the whole answer may take (estimated at about 4 characters each); a budget too small for the best hit is refused, naming what it needs",
      ),
  }),
  output: z.object({
    hits: z
      .array(SearchHitOutput)
      .describe("The best hits, best first: the first of the page that fit budgetTokens"),
    nextCursor: z
      .string()
      .optional()
      .describe(
        "Pass as cursor for the next page, which starts at the first hit this one left out; absent on the last page",
      ),
    tokens: z.number().describe("Tokens the hits take in the answer, as budgetTokens counts them"),
    warning: z
      .string()
      .optional()
      .describe(
        "Set when part of the search could not answer (an embedder unreachable): the hits are lexical only",
      ),
  }),
  run: async (factory, input) => {
    await requireLines(factory, input.lines ?? [], "lines");
    const offset = offsetOf(input.cursor);
    const result = await factory.knowledge.search(input.query, {
      limit: input.limit,
      offset,
      ...(input.kinds === undefined ? {} : { kinds: input.kinds }),
      ...(input.lines === undefined ? {} : { lines: input.lines }),
      ...(input.tags === undefined ? {} : { tags: input.tags }),
      ...(input.asOf === undefined ? {} : { asOf: input.asOf }),
    });
    if (input.cursor !== undefined && offset > 0 && result.hits.length === 0)
      throw pastTheLastPage("search_knowledge", input.cursor);
    const warning = result.warning === undefined ? {} : { warning: result.warning };
    const page = result.hits.map((hit) => ({
      id: hit.document.id,
      kind: hit.document.kind,
      title: hit.document.title,
      lines: hit.document.lines,
      source: hit.document.source,
      headingPath: hit.chunk.headingPath,
      snippet: hit.snippet,
      score: hit.score,
    }));
    // The answer around the hits, its numbers at their longest.
    const envelope = {
      hits: [],
      tokens: input.budgetTokens,
      nextCursor: String(offset + input.limit),
      ...warning,
    };
    const kept = hitsWithinBudget(page, offset, input.budgetTokens, envelope);
    const nextOffset = kept.nextOffset ?? result.nextOffset;
    return {
      hits: kept.hits,
      tokens: kept.tokens,
      ...(nextOffset === undefined ? {} : { nextCursor: String(nextOffset) }),
      ...warning,
    };
  },
});

/**
 * The document of `id` (as it read at `asOf`, when given).
 *
 * @throws NotFoundError naming the argument `id`, its value (and the instant),
 *   and where ids come from, as link_knowledge names it.
 */
async function requireDocument(factory: Factory, id: string, asOf?: string): Promise<KnowledgeDocument> {
  const document = await factory.knowledge.get(id, asOf === undefined ? {} : { asOf });
  if (document !== undefined) return document;
  throw new NotFoundError({
    message: `id: no document "${id}"${asOf === undefined ? "" : ` at ${asOf}`}; search_knowledge and list_knowledge give ids`,
    entity: "document",
    id,
    field: "id",
  });
}

/**
 * Refuses a `supersedes` entry that names no document, by its place
 * (`supersedes[1]`), before anything is written. A retracted document is
 * found, and refused by the knowledge base as retracted.
 *
 * @throws NotFoundError naming the entry and where ids come from.
 */
async function requireSuperseded(factory: Factory, ids: readonly string[]): Promise<void> {
  for (const [index, id] of ids.entries()) {
    if ((await factory.knowledge.get(id)) !== undefined) continue;
    const field = `supersedes[${index}]`;
    throw new NotFoundError({
      message: `${field}: no document "${id}"; search_knowledge and list_knowledge give ids`,
      entity: "document",
      id,
      field,
    });
  }
}

/** A document as `list_knowledge` answers it: what it is and where it came from, without body and revisions. */
const documentSummary = (document: KnowledgeDocument) => ({
  id: document.id,
  kind: document.kind,
  title: document.title,
  lines: document.lines,
  tags: document.tags,
  source: document.source,
  validFrom: document.validFrom,
  ...(document.validTo === undefined ? {} : { validTo: document.validTo }),
  ...(document.supersededBy === undefined ? {} : { supersededBy: document.supersededBy }),
  createdAt: document.createdAt,
  updatedAt: document.updatedAt,
  revisionCount: document.revisions.length,
});

/** `list_knowledge`: the documents of the knowledge base, newest first, filtered and paged. */
export const listKnowledge = defineTool({
  name: "list_knowledge",
  title: "List knowledge documents",
  description:
    "What the knowledge base holds, newest first, without bodies; filter by kind, line or tag (current: false adds superseded and expired documents). Read one with get_document; search by meaning with search_knowledge.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    kinds: filterList(DocumentKindSchema, "kind").describe("Only documents of these kinds"),
    lines: filterList(z.string().min(1).max(ID_MAX), "line").describe(
      "Only documents linked to these lines (factory://floorplan lists them)",
    ),
    tags: filterList(z.string().min(1), "tag").describe("Only documents with at least one of these tags"),
    current: z
      .boolean()
      .default(true)
      .describe("Only documents in force now; false adds superseded and expired ones"),
    limit: z.number().int().min(1).max(100).default(20).describe("Documents per page"),
    cursor: Cursor,
  }),
  output: z.object({
    documents: z.array(DocumentSummaryOutput).describe("The page's documents, newest first"),
    nextCursor: z.string().optional().describe("Pass as cursor for the next page; absent on the last page"),
  }),
  run: async (factory, input) => {
    await requireLines(factory, input.lines ?? [], "lines");
    const offset = offsetOf(input.cursor);
    // One more than the page, to know whether another page follows.
    const found = await factory.knowledge.list({
      limit: input.limit + 1,
      offset,
      current: input.current,
      ...(input.kinds === undefined ? {} : { kinds: input.kinds }),
      ...(input.lines === undefined ? {} : { lines: input.lines }),
      ...(input.tags === undefined ? {} : { tags: input.tags }),
    });
    if (input.cursor !== undefined && offset > 0 && found.length === 0)
      throw pastTheLastPage("list_knowledge", input.cursor);
    return {
      documents: found.slice(0, input.limit).map(documentSummary),
      ...(found.length > input.limit ? { nextCursor: String(offset + input.limit) } : {}),
    };
  },
});

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
    asOf: Instant()
      .optional()
      .describe("Read it as it was at this ISO 8601 instant, with its offset (2026-03-01T09:00:00Z)"),
    maxTokens: z
      .number()
      .int()
      .min(100)
      .max(50_000)
      .default(4000)
      .describe(
        "Tokens of body to return (about 4 characters each); a longer body is cut and truncated is true",
      ),
  }),
  output: DocumentOutput,
  run: async (factory, input) => {
    const document = await requireDocument(factory, input.id, input.asOf);
    const { revisions, body, ...rest } = document;
    const limit = input.maxTokens * 4;
    return {
      ...rest,
      body: body.length > limit ? body.slice(0, limit) : body,
      truncated: body.length > limit,
      revisions: revisions.map(({ body: _body, ...revision }) => revision),
    };
  },
});

/** What a knowledge write answers: the document's id, the log position of its last event, and its revision count. */
export const Stored = z.object({ id: z.string(), seq: z.number(), revision: z.number().optional() });
/** The {@link Stored} answer of a written document. */
export const stored = (document: { id: string; seq: number; revisions: readonly unknown[] }) => ({
  id: document.id,
  seq: document.seq,
  revision: document.revisions.length,
});

/** A typed link of a document, as `capture_knowledge` and `link_knowledge` take it; unknown keys refused. */
export const DocumentLink = z.strictObject({
  type: LinkSchema.shape.type.describe(
    "What the link means: a lowercase-first word (relatesTo, informs, evidenceFor)",
  ),
  target: LinkSchema.shape.target.describe(
    "Id of a document (list_knowledge), work item (wi_..., list_work), signal (sig_..., capture_signal) or artifact (record_artifact)",
  ),
});

/** A document's markdown body: not blank, since a document of whitespace has nothing to find or read. */
const Body = z
  .string()
  .min(1)
  .max(KNOWLEDGE_BODY_MAX)
  .refine((body) => body.trim() !== "", "body must not be blank");

/** `capture_knowledge`: stores a knowledge document with its source and links; idempotent with a key. */
export const captureKnowledge = defineTool({
  name: "capture_knowledge",
  title: "Capture knowledge",
  description:
    "Store something worth remembering (a finding, a customer statement, a runbook step, a design note) with its source, linked to the lines it concerns. To replace an outdated document, name it in supersedes rather than adding a contradicting one.",
  group: "knowledge",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    kind: DocumentKindSchema.exclude(["decision"]).describe(
      "What it is (a decision goes through record_decision)",
    ),
    title: filledText(500).describe("Short title"),
    body: Body.describe("Markdown"),
    source: z
      .strictObject({
        system: z
          .string()
          .min(1)
          .default("mcp")
          .describe("The system it came from (zendesk, notes, a repository); mcp when omitted"),
        uri: z.string().optional().describe("Its address in that system: a URL or a path"),
        author: z.string().optional().describe("Who wrote or said it there (an operator id or a name)"),
      })
      .prefault({})
      .describe("Where it came from: system (default mcp), uri (its address there: a URL or a path), author"),
    tags: z.array(z.string()).default([]).describe("Free labels to filter on (pci, onboarding)"),
    lines: z
      .array(z.string())
      .default([])
      .describe("Ids of the lines it concerns (factory://floorplan lists them)"),
    links: z
      .array(DocumentLink)
      .default([])
      .describe(
        "Typed links ({ type, target }) to documents, work items, signals or artifacts of the factory",
      ),
    supersedes: z
      .array(z.string())
      .default([])
      .describe(
        "Ids of documents this one replaces (list_knowledge and search_knowledge give them; not retracted ones); they stop being current",
      ),
    idempotencyKey: IdempotencyKey,
  }),
  output: Stored,
  run: async (factory, { idempotencyKey, ...input }) => {
    await requireLines(factory, input.lines, "lines");
    for (const [index, link] of input.links.entries())
      await requireLinkTarget(factory, link.target, `links[${index}].target`);
    await requireSuperseded(factory, input.supersedes);
    return stored(await factory.knowledge.capture(input, keyed(idempotencyKey)));
  },
});

/** Why a document is revised or retracted, as the knowledge base keeps it. */
const Reason = filledText(2000);

/** `revise_knowledge`: a new revision of a document (title, body, tags, lines), with a reason; idempotent with a key. */
export const reviseKnowledge = defineTool({
  name: "revise_knowledge",
  title: "Revise knowledge",
  description:
    "Correct a document: a new revision with the fields given (each list replaces the document's) and the reason; earlier revisions stay readable with get_document asOf. To replace a document by another, use capture_knowledge with supersedes.",
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
      body: Body.optional().describe("Markdown; replaces the body"),
      tags: z.array(z.string()).optional().describe("Replaces the document's tags"),
      lines: z
        .array(z.string())
        .optional()
        .describe("Replaces the document's lines (factory://floorplan lists them)"),
      reason: Reason.describe("Why it changes"),
      idempotencyKey: IdempotencyKey,
    })
    .refine(
      (input) => [input.title, input.body, input.tags, input.lines].some((field) => field !== undefined),
      { message: "nothing to revise: give title, body, tags or lines" },
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
    "Withdraw a document that is wrong or should not be there: searches, lists and context packs stop returning it; its history stays readable with get_document asOf. It cannot be undone: to correct a document use revise_knowledge, to replace it capture_knowledge with supersedes.",
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

/** An option weighed by a decision: its title, pros and cons within the knowledge base's limits; unknown keys refused. */
const DecisionOption = z.strictObject({
  title: decisionOptionInputShape.title.describe("The option's name"),
  pros: decisionOptionInputShape.pros.describe("What speaks for it"),
  cons: decisionOptionInputShape.cons.describe("What speaks against it"),
});

/** `record_decision`: adds a decision (an ADR) to the decision log; idempotent with a key. */
export const recordDecision = defineTool({
  name: "record_decision",
  title: "Record a decision",
  description: `Add a decision to the decision log (an ADR): context, options weighed, the decision, consequences and status, linked to lines; supersedes names earlier decisions it replaces. Context, options, decision and consequences together hold at most ${DECISION_TEXT_MAX} characters.`,
  group: "knowledge",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z
    .object({
      title: filledText(500).describe("The decision in a few words"),
      status: z
        .enum(["proposed", "accepted", "rejected"])
        .default("proposed")
        .describe("proposed (default), accepted or rejected"),
      context: decisionTextSchema("context")
        .min(1)
        .refine((text) => text.trim() !== "", "context must not be blank")
        .describe("Markdown: the situation and the forces that call for a decision"),
      options: z
        .array(DecisionOption)
        .max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} options`)
        .default([])
        .describe("The options weighed"),
      decision: decisionTextSchema("decision")
        .min(1)
        .refine((text) => text.trim() !== "", "decision must not be blank")
        .describe("Markdown: what was decided, and why"),
      consequences: decisionTextSchema("consequences")
        .default("")
        .describe("Markdown: what follows from it, good and bad"),
      lines: z
        .array(z.string())
        .default([])
        .describe("Ids of the lines it concerns (factory://floorplan lists them)"),
      supersedes: z
        .array(z.string())
        .default([])
        .describe(
          'Ids of earlier decisions this one replaces (list_knowledge with kinds ["decision"] gives them; not retracted ones); they become superseded',
        ),
      author: z
        .string()
        .optional()
        .describe("Who decided (an operator id or a name), recorded as the source's author"),
      idempotencyKey: IdempotencyKey,
    })
    .superRefine(checkDecisionTextTotal),
  output: Stored,
  run: async (factory, { idempotencyKey, author, ...input }) => {
    await requireLines(factory, input.lines, "lines");
    await requireSuperseded(factory, input.supersedes);
    const document = await factory.knowledge.recordDecision(
      { ...input, source: { system: "mcp", ...(author === undefined ? {} : { author }) } },
      keyed(idempotencyKey),
    );
    return stored(document);
  },
});
