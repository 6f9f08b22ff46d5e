/**
 * The tools of the factory's MCP server.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { contextPackMarkdown } from "@software-factory/intelligence";
import { DecisionOptionsSchema, DocumentKindSchema, LinkSchema } from "@software-factory/knowledge";
import { z } from "zod";
import { importCodebaseTool } from "./importTools.js";
import { defineTool, type FactoryTool } from "./toolKit.js";

const Cursor = z.string().regex(/^\d+$/, "cursor is the nextCursor of the previous page").optional();
const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe("Makes a retried call write once: the same key returns the first call's record");
const Operator = z.string().min(1).max(120);
const Record = z.looseObject({});
const offsetOf = (cursor: string | undefined) => (cursor === undefined ? 0 : Number(cursor));
const page = <T>(all: readonly T[], cursor: string | undefined, limit: number) => {
  const start = offsetOf(cursor);
  const items = all.slice(start, start + limit);
  return { items, ...(start + limit < all.length ? { nextCursor: String(start + limit) } : {}) };
};

const searchKnowledge = defineTool({
  name: "search_knowledge",
  title: "Search the knowledge base",
  description:
    "Hybrid search (BM25 + vectors) over the factory's knowledge: customer conversations, discovery, strategy, decisions, research, runbooks, requirements. Returns the best snippets with provenance, within a token budget. Filter by kind, line or tag; ask what was true at a date with asOf.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    query: z.string().trim().min(1).max(2000).describe("What you want to know, in words or identifiers"),
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

const getDocument = defineTool({
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
      throw new Error(
        `no document "${input.id}"${input.asOf === undefined ? "" : ` at ${input.asOf}`}; search_knowledge gives ids`,
      );
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

const captureKnowledge = defineTool({
  name: "capture_knowledge",
  title: "Capture knowledge",
  description:
    "Store something worth remembering (a finding, a customer statement, a runbook step, a design note) with its source, linked to the lines it concerns. Use supersedes to replace an outdated document instead of adding a contradicting one.",
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    kind: DocumentKindSchema.exclude(["decision"]),
    title: z.string().trim().min(1).max(500),
    body: z.string().min(1).max(200_000).describe("Markdown"),
    source: z
      .object({
        system: z.string().min(1).default("mcp"),
        uri: z.string().optional(),
        author: z.string().optional(),
      })
      .prefault({}),
    tags: z.array(z.string()).default([]),
    lines: z.array(z.string()).default([]),
    links: z.array(LinkSchema).default([]),
    supersedes: z.array(z.string()).default([]),
    idempotencyKey: IdempotencyKey,
  }),
  output: Stored,
  run: async (factory, { idempotencyKey, ...input }) => {
    const document = await factory.knowledge.capture(
      input,
      idempotencyKey === undefined ? {} : { idempotencyKey },
    );
    return { id: document.id, seq: document.seq, revision: document.revisions.length };
  },
});

const recordDecision = defineTool({
  name: "record_decision",
  title: "Record a decision",
  description:
    "Add a decision to the decision log (an ADR): context, options weighed, the decision, consequences and status, linked to lines. Use supersedes when it replaces an earlier decision.",
  group: "knowledge",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    title: z.string().trim().min(1).max(500),
    status: z.enum(["proposed", "accepted", "rejected"]).default("proposed"),
    context: z.string().min(1),
    options: DecisionOptionsSchema,
    decision: z.string().min(1),
    consequences: z.string().default(""),
    lines: z.array(z.string()).default([]),
    supersedes: z.array(z.string()).default([]),
    author: z.string().optional(),
    idempotencyKey: IdempotencyKey,
  }),
  output: Stored,
  run: async (factory, { idempotencyKey, author, ...input }) => {
    const document = await factory.knowledge.recordDecision(
      { ...input, source: { system: "mcp", ...(author === undefined ? {} : { author }) } },
      idempotencyKey === undefined ? {} : { idempotencyKey },
    );
    return { id: document.id, seq: document.seq, revision: document.revisions.length };
  },
});

const captureSignal = defineTool({
  name: "capture_signal",
  title: "Capture a signal",
  description:
    "Record what a customer said or what was observed in the field (support ticket, sales call, monitoring). Give line when you know it; otherwise call route_signal to find the line.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    text: z.string().trim().min(1).max(10_000),
    source: z.string().trim().min(1).max(100).describe("Where it came from: support, sales-call, monitoring"),
    customer: z.string().max(200).optional(),
    severity: z.enum(["low", "medium", "high", "critical"]).default("medium"),
    line: z.string().min(1).optional(),
  }),
  output: Record,
  run: async (factory, input) => factory.work.captureSignal(input),
});

const routeSignal = defineTool({
  name: "route_signal",
  title: "Route a signal to a line",
  description:
    "Without line: ranks the lines a signal (or any text) most likely belongs to, with reasons. With line: records that the signal belongs to that line (the router learns from it).",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z
    .object({
      signal: z.string().min(1).optional().describe("Id of a captured signal"),
      text: z
        .string()
        .min(1)
        .max(10_000)
        .optional()
        .describe("Text to rank lines for, when there is no signal"),
      line: z.string().min(1).optional().describe("Route the signal to this line"),
      limit: z.number().int().min(1).max(10).default(3),
    })
    .refine((input) => input.signal !== undefined || input.text !== undefined, {
      message: "give signal (an id) or text",
      path: ["signal"],
    })
    .refine((input) => input.line === undefined || input.signal !== undefined, {
      message: "routing to a line needs the signal id",
      path: ["line"],
    }),
  output: z.object({ candidates: z.array(Record), routed: Record.optional() }),
  run: async (factory, input) => {
    if (input.line !== undefined) {
      const routed = await factory.work.routeSignal(input.signal as string, input.line);
      return { candidates: [], routed };
    }
    let text = input.text;
    if (input.signal !== undefined) {
      await factory.work.refresh();
      const signal = factory.work.signal(input.signal);
      if (signal === undefined) throw new Error(`no signal "${input.signal}"`);
      text = signal.text;
    }
    return { candidates: await factory.route(text as string, { limit: input.limit }) };
  },
});

const whoOwns = defineTool({
  name: "who_owns",
  title: "Who owns these paths or this line",
  description:
    "For repository paths: the line each belongs to (CODEOWNERS semantics) and its accountable owner. For a line: its owner and contributors.",
  group: "floorplan",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({ paths: z.array(z.string().min(1)).max(500).optional(), line: z.string().min(1).optional() })
    .refine((input) => input.paths !== undefined || input.line !== undefined, {
      message: "give paths or line",
      path: ["paths"],
    }),
  output: z.object({ paths: z.array(Record), line: Record.optional() }),
  run: async (factory, input) => {
    await factory.floorplan.refresh();
    const paths = (input.paths ?? []).map(
      (path) =>
        factory.floorplan.explainPath(path) ?? {
          path,
          line: null,
          owner: null,
          note: "no line claims this path",
        },
    );
    if (input.line === undefined) return { paths };
    const line = factory.floorplan.line(input.line);
    if (line === undefined) throw new Error(`no line "${input.line}"; factory://floorplan lists them`);
    return { paths, line: { id: line.id, owner: line.owner ?? null, contributors: line.contributors } };
  },
});

const impactOfChange = defineTool({
  name: "impact_of_change",
  title: "Impact of a change",
  description:
    "Which lines a change affects, transitively through dependencies, ranked by distance and criticality, with the owners to notify. Give changed paths, a git range (main...HEAD, run in the server's working folder), or lines.",
  group: "floorplan",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    paths: z.array(z.string().min(1)).max(5000).default([]),
    lines: z.array(z.string().min(1)).max(500).default([]),
    gitRange: z
      .string()
      .regex(/^[\w./~^@{}-]+(\.\.\.?[\w./~^@{}-]+)?$/, "a git range such as main...HEAD")
      .optional(),
    depth: z.number().int().min(1).max(50).default(10),
  }),
  output: Record,
  run: async (factory, input) => {
    await factory.floorplan.refresh();
    const paths = [...input.paths];
    if (input.gitRange !== undefined) {
      const output = execFileSync("git", ["diff", "--name-only", input.gitRange], { encoding: "utf8" });
      paths.push(...output.split("\n").filter((line) => line.trim() !== ""));
    }
    return factory.floorplan.impact({ paths, lines: input.lines }, { depth: input.depth });
  },
});

const getLine = defineTool({
  name: "get_line",
  title: "A line of the floor plan",
  description:
    "A line with its owner, contributors, code paths, direct dependencies and dependents, and its work in flight.",
  group: "floorplan",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({ id: z.string().min(1) }),
  output: Record,
  run: async (factory, input) => {
    await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
    const line = factory.floorplan.line(input.id);
    if (line === undefined) throw new Error(`no line "${input.id}"; factory://floorplan lists them`);
    return {
      ...line,
      dependsOn: factory.floorplan.dependencies(input.id, { transitive: false }),
      dependents: factory.floorplan.dependents(input.id, { transitive: false }),
      activeWork: factory.work
        .list({ line: input.id, state: "active" })
        .map(({ id, title, stage }) => ({ id, title, stage })),
    };
  },
});

const getContext = defineTool({
  name: "get_context",
  title: "Context pack",
  description:
    "Everything needed to start on a piece of work, in one answer: the lines concerned with owners and dependencies, the work item, the standards that apply (rules, and instructions from Cursor rules or AGENTS.md), active work, the knowledge that matters (instructions and knowledge within budgetTokens) and suspect trace links, as JSON and as markdown. Give a work item, a line, paths, or a question.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({
      workItem: z.string().min(1).optional(),
      line: z.string().min(1).optional(),
      paths: z.array(z.string().min(1)).max(200).optional(),
      question: z.string().min(1).max(2000).optional(),
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

const listWork = defineTool({
  name: "list_work",
  title: "List work items",
  description: "Work items, filtered by line, state, stage or owner, newest first, one page at a time.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    line: z.string().min(1).optional(),
    state: z.enum(["active", "blocked", "done", "dropped"]).optional(),
    stage: z.string().min(1).optional(),
    owner: Operator.optional(),
    limit: z.number().int().min(1).max(100).default(20),
    cursor: Cursor,
  }),
  output: z.object({ items: z.array(Record), nextCursor: z.string().optional() }),
  run: async (factory, { limit, cursor, ...filter }) => {
    await factory.work.refresh();
    const items = factory.work
      .list(Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return page(items, cursor, limit);
  },
});

const createWorkItem = defineTool({
  name: "create_work_item",
  title: "Create a work item",
  description:
    "Start a feature, bug, improvement or chore on a line. Its owner is the line's owner unless given. Choose a flow (tiny for a one-line fix) to scale the ceremony.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    line: z.string().min(1),
    title: z.string().trim().min(1).max(300),
    kind: z.enum(["feature", "bug", "improvement", "chore"]).default("feature"),
    flow: z.string().min(1).optional(),
    owner: Operator.optional(),
    signals: z.array(z.string().min(1)).default([]),
    idempotencyKey: IdempotencyKey,
  }),
  output: Record,
  run: async (factory, { idempotencyKey, ...input }) =>
    factory.work.createWorkItem(input, idempotencyKey === undefined ? {} : { idempotencyKey }),
});

const advanceWorkItem = defineTool({
  name: "advance_work_item",
  title: "Move a work item",
  description:
    "advance (to the next stage; gates run and their findings come back when they block), back (rework, reason required), block/unblock (reason), drop (reason) or complete.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z
    .object({
      id: z.string().min(1),
      move: z.enum(["advance", "back", "block", "unblock", "drop", "complete"]).default("advance"),
      reason: z.string().trim().min(1).max(2000).optional(),
      to: z.string().min(1).optional().describe("Stage to send back to (back only)"),
      overrideWipReason: z
        .string()
        .trim()
        .min(1)
        .optional()
        .describe("Enter past the line's WIP limit on purpose"),
      idempotencyKey: IdempotencyKey,
    })
    .refine((input) => !["back", "block", "drop"].includes(input.move) || input.reason !== undefined, {
      message: "back, block and drop need a reason",
      path: ["reason"],
    }),
  output: Record,
  run: async (factory, input) => {
    const options = {
      ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
      ...(input.overrideWipReason === undefined ? {} : { overrideWip: { reason: input.overrideWipReason } }),
    };
    const reason = input.reason as string;
    switch (input.move) {
      case "advance":
        return factory.work.advance(input.id, options);
      case "back":
        return factory.work.sendBack(
          input.id,
          { reason, ...(input.to === undefined ? {} : { to: input.to }) },
          options,
        );
      case "block":
        return factory.work.block(input.id, { reason }, options);
      case "unblock":
        return factory.work.unblock(input.id, input.reason === undefined ? {} : { reason }, options);
      case "drop":
        return factory.work.drop(input.id, { reason }, options);
      case "complete":
        return factory.work.complete(input.id, options);
    }
  },
});

const linkArtifacts = defineTool({
  name: "link_artifacts",
  title: "Link two artifacts",
  description:
    "Record a trace link (derivesFrom, satisfies, verifies, implements...) between two artifacts or work items, so a later change upstream marks it suspect.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({ from: z.string().min(1), to: z.string().min(1), type: z.string().min(1) }),
  output: Record,
  run: async (factory, input) => factory.work.link(input as Parameters<typeof factory.work.link>[0]),
});

const listSuspectLinks = defineTool({
  name: "list_suspect_links",
  title: "Suspect trace links",
  description:
    "Trace links whose upstream artifact changed since they were last reviewed, for a work item or a line.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    item: z.string().min(1).optional(),
    line: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(200).default(50),
    cursor: Cursor,
  }),
  output: z.object({ items: z.array(Record), nextCursor: z.string().optional() }),
  run: async (factory, { limit, cursor, ...scope }) => {
    await factory.work.refresh();
    const links = factory.work.suspectLinks(
      Object.fromEntries(Object.entries(scope).filter(([, value]) => value !== undefined)),
    );
    return page(links, cursor, limit);
  },
});

const checkStandards = defineTool({
  name: "check_standards",
  title: "Check the standards",
  description:
    "Run the factory's rules over lines and work items (or one of them) and return the findings, errors first.",
  group: "standards",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    kind: z.string().min(1).optional().describe("line or workItem"),
    id: z.string().min(1).optional(),
    line: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  }),
  output: z.object({ findings: z.array(Record), total: z.number(), rules: z.number() }),
  run: async (factory, { limit, ...scope }) => {
    await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
    const order = { error: 0, warning: 1, info: 2 } as const;
    const findings = (
      await factory.standards.check(
        Object.fromEntries(Object.entries(scope).filter(([, value]) => value !== undefined)),
      )
    ).sort(
      (a, b) =>
        (order[a.severity as keyof typeof order] ?? 3) - (order[b.severity as keyof typeof order] ?? 3),
    );
    return {
      findings: findings.slice(0, limit),
      total: findings.length,
      rules: factory.standards.rules().length,
    };
  },
});

const getMetrics = defineTool({
  name: "get_metrics",
  title: "Delivery measures",
  description:
    "Yield (line operators), throughput and lead time (factory operators), signal resolution (field operators) and DORA measures, computed from the event history over a window (default the last 30 days), for the factory, a line or an operator.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    line: z.string().min(1).optional(),
    operator: Operator.optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  }),
  output: Record,
  run: async (factory, input) => {
    const to = input.until ?? new Date(Date.now() + 1000).toISOString();
    const from = input.since ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
    return factory.work.measures({
      from,
      to,
      ...(input.line === undefined ? {} : { line: input.line }),
      ...(input.operator === undefined ? {} : { operator: input.operator }),
    });
  },
});

const getInbox = defineTool({
  name: "get_inbox",
  title: "An operator's inbox",
  description:
    "Notifications routed to an operator by automations (impact of changes, signals on their lines, failing standards).",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    operator: Operator,
    unreadOnly: z.boolean().default(true),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  output: z.object({ items: z.array(Record), unread: z.number() }),
  run: async (factory, input) => ({
    items: await factory.inbox.list(input.operator, { unreadOnly: input.unreadOnly, limit: input.limit }),
    unread: await factory.inbox.unreadCount(input.operator),
  }),
});

const listSkills = defineTool({
  name: "list_skills",
  title: "List skills",
  description:
    "The factory's skills: runnable ones (run them with run_skill; their input schema is given) and instruction ones (read skill://<name>/SKILL.md or get the prompt of the same name).",
  group: "skills",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({}),
  output: z.object({ skills: z.array(Record) }),
  run: async (factory) => ({ skills: factory.skills.list() }),
});

const runSkill = defineTool({
  name: "run_skill",
  title: "Run a skill",
  description:
    "Run a runnable skill with its input (see list_skills for names and input schemas). Every run is recorded.",
  group: "skills",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({ name: z.string().min(1), input: z.record(z.string(), z.unknown()).default({}) }),
  output: z.object({ skill: z.string(), output: z.unknown(), durationMs: z.number() }),
  run: async (factory, input) => factory.skills.run(input.name, input.input),
});

/** Every tool of the server, in the order clients list them. */
export const factoryTools: readonly FactoryTool[] = [
  getContext,
  searchKnowledge,
  getDocument,
  captureKnowledge,
  recordDecision,
  whoOwns,
  impactOfChange,
  getLine,
  captureSignal,
  routeSignal,
  listWork,
  createWorkItem,
  advanceWorkItem,
  linkArtifacts,
  listSuspectLinks,
  checkStandards,
  getMetrics,
  getInbox,
  listSkills,
  runSkill,
  importCodebaseTool,
] as readonly FactoryTool[];
