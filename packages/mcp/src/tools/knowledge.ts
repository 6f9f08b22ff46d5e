/**
 * The `knowledge` group of tools: searching and reading the knowledge base,
 * capturing documents and decisions, and context packs.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import { contextPackMarkdown } from "@software-factory/intelligence";
import {
  checkDecisionTextTotal,
  DECISION_LIST_MAX,
  DECISION_OPTION_LIMITS,
  DECISION_TEXT_MAX,
  DocumentKindSchema,
  LinkSchema,
} from "@software-factory/knowledge";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { requireLines } from "./knownValues.js";
import {
  Cursor,
  IdempotencyKey,
  KNOWLEDGE_BODY_MAX,
  keyed,
  offsetOf,
  Record,
  SEARCH_QUERY_MAX,
} from "./shared.js";

/** `search_knowledge`: hybrid search over the knowledge base, paged and within a token budget. */
export const searchKnowledge = defineTool({
  name: "search_knowledge",
  title: "Search the knowledge base",
  description:
    "Hybrid search (BM25 + vectors) over the factory's knowledge: customer conversations, discovery, strategy, decisions, research, runbooks, requirements. Returns the best snippets with provenance, within a token budget. Filter by kind, line or tag; ask what was true at a date with asOf.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    query: z
      .string()
      .trim()
      .min(1)
      .max(SEARCH_QUERY_MAX)
      .describe("What you want to know, in words or identifiers"),
    kinds: z.array(DocumentKindSchema).optional(),
    lines: z.array(z.string().min(1)).optional().describe("Only documents linked to these lines"),
    tags: z.array(z.string().min(1)).optional(),
    asOf: z.iso.datetime({ offset: true }).optional().describe("Only what was in force at this instant"),
    limit: z.number().int().min(1).max(50).default(10),
    cursor: Cursor,
    budgetTokens: z.number().int().min(50).max(20_000).default(2000).describe("Tokens the answer may take"),
  }),
  output: z.object({
    hits: z.array(Record),
    nextCursor: z.string().optional(),
    tokens: z.number(),
    warning: z.string().optional(),
  }),
  run: async (factory, input) => {
    await requireLines(factory, input.lines ?? [], "lines");
    const result = await factory.knowledge.search(input.query, {
      limit: input.limit,
      offset: offsetOf(input.cursor),
      budgetTokens: input.budgetTokens,
      ...(input.kinds === undefined ? {} : { kinds: input.kinds }),
      ...(input.lines === undefined ? {} : { lines: input.lines }),
      ...(input.tags === undefined ? {} : { tags: input.tags }),
      ...(input.asOf === undefined ? {} : { asOf: input.asOf }),
    });
    return {
      hits: result.hits.map((hit) => ({
        id: hit.document.id,
        kind: hit.document.kind,
        title: hit.document.title,
        lines: hit.document.lines,
        source: hit.document.source,
        headingPath: hit.chunk.headingPath,
        snippet: hit.snippet,
        score: hit.score,
      })),
      tokens: result.tokens,
      ...(result.nextOffset === undefined ? {} : { nextCursor: String(result.nextOffset) }),
      ...(result.warning === undefined ? {} : { warning: result.warning }),
    };
  },
});

/** `get_document`: one knowledge document (optionally as it read at an instant), its body cut to a token budget. */
export const getDocument = defineTool({
  name: "get_document",
  title: "Read a knowledge document",
  description:
    "The full document (or as it read at asOf) with its source, lines, links, revisions and supersession. Long bodies are cut to maxTokens; ask again with a larger budget if needed.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    id: z.string().min(1),
    asOf: z.iso.datetime({ offset: true }).optional(),
    maxTokens: z.number().int().min(100).max(50_000).default(4000),
  }),
  output: z.looseObject({ id: z.string(), title: z.string(), body: z.string(), truncated: z.boolean() }),
  run: async (factory, input) => {
    const document = await factory.knowledge.get(
      input.id,
      input.asOf === undefined ? {} : { asOf: input.asOf },
    );
    if (document === undefined) {
      throw new NotFoundError({
        message: `no document "${input.id}"${input.asOf === undefined ? "" : ` at ${input.asOf}`}; search_knowledge gives ids`,
        entity: "document",
        id: input.id,
        field: "id",
      });
    }
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

const Stored = z.object({ id: z.string(), seq: z.number(), revision: z.number().optional() });
const stored = (document: { id: string; seq: number; revisions: readonly unknown[] }) => ({
  id: document.id,
  seq: document.seq,
  revision: document.revisions.length,
});

/** `capture_knowledge`: stores a knowledge document with its source and links; idempotent with a key. */
export const captureKnowledge = defineTool({
  name: "capture_knowledge",
  title: "Capture knowledge",
  description:
    "Store something worth remembering (a finding, a customer statement, a runbook step, a design note) with its source, linked to the lines it concerns. Use supersedes to replace an outdated document instead of adding a contradicting one.",
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    kind: DocumentKindSchema.exclude(["decision"]),
    title: z.string().trim().min(1).max(500),
    body: z.string().min(1).max(KNOWLEDGE_BODY_MAX).describe("Markdown"),
    source: z
      .strictObject({
        system: z.string().min(1).default("mcp"),
        uri: z.string().optional(),
        author: z.string().optional(),
      })
      .prefault({}),
    tags: z.array(z.string()).default([]),
    lines: z.array(z.string()).default([]),
    links: z.array(LinkSchema.strict()).default([]),
    supersedes: z.array(z.string()).default([]),
    idempotencyKey: IdempotencyKey,
  }),
  output: Stored,
  run: async (factory, { idempotencyKey, ...input }) => {
    return stored(await factory.knowledge.capture(input, keyed(idempotencyKey)));
  },
});

/** A text field of a decision, its limit named in the error. */
const decisionText = (field: string) =>
  z.string().max(DECISION_TEXT_MAX, `${field} is at most ${DECISION_TEXT_MAX} characters`);

/** A pro or a con of an option. */
const DecisionPoint = z
  .string()
  .max(DECISION_OPTION_LIMITS.point, `at most ${DECISION_OPTION_LIMITS.point} characters`);

const DecisionOption = z.strictObject({
  title: z
    .string()
    .min(1)
    .max(
      DECISION_OPTION_LIMITS.title,
      `an option's title is at most ${DECISION_OPTION_LIMITS.title} characters`,
    ),
  pros: z.array(DecisionPoint).max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} pros`).default([]),
  cons: z.array(DecisionPoint).max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} cons`).default([]),
});

/** `record_decision`: adds a decision (an ADR) to the decision log; idempotent with a key. */
export const recordDecision = defineTool({
  name: "record_decision",
  title: "Record a decision",
  description: `Add a decision to the decision log (an ADR): context, options weighed, the decision, consequences and status, linked to lines. Use supersedes when it replaces an earlier decision. Context, options, decision and consequences together hold at most ${DECISION_TEXT_MAX} characters.`,
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z
    .object({
      title: z.string().trim().min(1).max(500),
      status: z.enum(["proposed", "accepted", "rejected"]).default("proposed"),
      context: decisionText("context").min(1),
      options: z
        .array(DecisionOption)
        .max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} options`)
        .default([]),
      decision: decisionText("decision").min(1),
      consequences: decisionText("consequences").default(""),
      lines: z.array(z.string()).default([]),
      supersedes: z.array(z.string()).default([]),
      author: z.string().optional(),
      idempotencyKey: IdempotencyKey,
    })
    .superRefine(checkDecisionTextTotal),
  output: Stored,
  run: async (factory, { idempotencyKey, author, ...input }) => {
    const document = await factory.knowledge.recordDecision(
      { ...input, source: { system: "mcp", ...(author === undefined ? {} : { author }) } },
      keyed(idempotencyKey),
    );
    return stored(document);
  },
});

/** `get_context`: the context pack for a work item, line, paths or question, as JSON and markdown. */
export const getContext = defineTool({
  name: "get_context",
  title: "Context pack",
  description:
    "Everything needed to start on a piece of work, in one answer: the lines concerned with owners, the lines they depend on and that depend on them (with the contracts), the work item, suspect trace links, active work, the standards that apply (rules, and instructions from Cursor rules or AGENTS.md) and the knowledge that matters, as JSON and as markdown. The best documents come with an excerpt (knowledge); further matching ones are named without text in relatedKnowledge (id, title, kind, score): read those you need with get_document. The whole markdown stays within budgetTokens (o200k tokens); `omitted` counts what did not fit (omitted.knowledge: documents neither excerpted nor named). Give a work item, a line, paths, or a question; an unknown work item or line is an error naming it.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({
      workItem: z.string().min(1).optional(),
      line: z.string().min(1).optional(),
      paths: z.array(z.string().min(1)).min(1).max(200).optional(),
      question: z.string().trim().min(1).max(SEARCH_QUERY_MAX).optional(),
      budgetTokens: z.number().int().min(100).max(20_000).default(1500),
    })
    .refine(
      (input) =>
        [input.workItem, input.line, input.paths, input.question].some((value) => value !== undefined),
      {
        message: "give a workItem, line, paths or question",
        path: ["question"],
      },
    ),
  output: Record,
  run: async (factory, input) => {
    const pack = await factory.context({
      ...(input.workItem === undefined ? {} : { workItem: input.workItem }),
      ...(input.line === undefined ? {} : { line: input.line }),
      ...(input.paths === undefined ? {} : { paths: input.paths }),
      ...(input.question === undefined ? {} : { question: input.question }),
      budgetTokens: input.budgetTokens,
    });
    return {
      ...pack,
      markdown: contextPackMarkdown(pack),
      knowledge: pack.knowledge.map((hit) => ({
        id: hit.document.id,
        kind: hit.document.kind,
        title: hit.document.title,
        snippet: hit.snippet,
        source: hit.document.source,
      })),
    };
  },
});
