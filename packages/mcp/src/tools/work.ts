/**
 * The work item tools of the `work` group: work items and their moves, trace
 * links and delivery measures (signals are in `signals.ts`, inboxes in
 * `inbox.ts`).
 *
 * @module
 */
import {
  CreateWorkItemInputSchema,
  formatIssues,
  INPUT_LIMITS,
  instantOf,
  LineIdSchema,
  LinkInputSchema,
  LinkTypeSchema,
  MoveOptionsSchema,
  NotFoundError,
  ReworkCauseSchema,
  SendBackInputSchema,
  ValidationError,
} from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { withEvidenceHint } from "./evidenceHints.js";
import { requireSignal, requireTraceEnd, requireWorkItem } from "./knownRecords.js";
import { filteredOnLine, requireLine, requireOperator, requireStage } from "./knownValues.js";
import {
  Cursor,
  filledText,
  given,
  ID_MAX,
  IdempotencyKey,
  keyed,
  keyedWrite,
  Operator,
  PointInTime,
  page,
  Retried,
  retriedText,
} from "./shared.js";
import { MeasuresOutput, TraceLinkOutput, WorkItemOutput } from "./workOutputs.js";

/** `list_work`: work items filtered by line, state, stage or owner, newest first, paged. */
export const listWork = defineTool({
  name: "list_work",
  title: "List work items",
  description: "Work items, newest first, filtered by line, state, stage or owner, one page at a time.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    line: z
      .string()
      .min(1)
      .max(ID_MAX)
      .optional()
      .describe("Only items of this line (factory://floorplan lists them)"),
    state: z
      .enum(["active", "blocked", "done", "dropped"])
      .optional()
      .describe("Only items in this state: active, blocked, done or dropped"),
    stage: z
      .string()
      .min(1)
      .max(ID_MAX)
      .optional()
      .describe(
        "Only items in this stage of the pipeline (by default intake, requirements, design, architecture, implementation, testing, release, operate)",
      ),
    owner: Operator.optional().describe(
      "Only items this operator owns: an operator id of the floor plan (factory://floorplan lists them)",
    ),
    limit: z.number().int().min(1).max(100).default(20).describe("Items per page"),
    cursor: Cursor,
  }),
  output: z.object({
    items: z.array(WorkItemOutput).describe("The page's work items, newest first"),
    nextCursor: z.string().optional().describe("Pass as cursor for the next page; absent on the last page"),
  }),
  run: async (factory, { limit, cursor, ...filter }) => {
    await factory.work.refresh();
    if (filter.stage !== undefined) requireStage(factory, filter.stage, "stage");
    if (filter.owner !== undefined) await requireOperator(factory, filter.owner, "owner");
    // The SDK refuses a line it does not know (a retired one answers its work), told in this server's words.
    const listed = await filteredOnLine(factory, filter.line, "line", () => factory.work.list(given(filter)));
    const items = listed.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return page("list_work", items, cursor, limit);
  },
});

/** `create_work_item`: starts a work item on a line; idempotent with a key. */
export const createWorkItem = defineTool({
  name: "create_work_item",
  title: "Create a work item",
  description:
    "Start a feature, bug, improvement or chore on a line. Its owner is the line's owner unless given. Choose a flow (tiny for a one-line fix) to scale the ceremony.",
  group: "work",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    line: LineIdSchema.describe("Id of the line it belongs to (factory://floorplan lists them)"),
    title: CreateWorkItemInputSchema.shape.title.describe("What the work is, in a line"),
    kind: z
      .enum(["feature", "bug", "improvement", "chore"])
      .default("feature")
      .describe("feature (default), bug, improvement or chore"),
    flow: CreateWorkItemInputSchema.shape.flow.describe(
      "The stages it goes through: a flow of the factory's pipeline, its default flow when omitted. The default pipeline has tiny (intake, implementation, testing, release: a one-line fix), standard (the default: adds requirements and operate) and full (every stage)",
    ),
    owner: Operator.optional().describe(
      "The operator accountable for it, an operator id of the floor plan (factory://floorplan lists them); the line's owner when omitted",
    ),
    signals: CreateWorkItemInputSchema.shape.signals.describe(
      "Ids of the signals it comes from (sig_...; capture_signal gives them); each must exist",
    ),
    idempotencyKey: IdempotencyKey,
  }),
  output: WorkItemOutput.extend({ alreadyCreated: Retried }),
  run: async (factory, { idempotencyKey, ...input }) => {
    await requireLine(factory, input.line, "line");
    if (input.owner !== undefined) await requireOperator(factory, input.owner, "owner");
    for (const [index, signal] of input.signals.entries())
      await requireSignal(factory, signal, `signals[${index}]`);
    const { result, retried } = await keyedWrite(idempotencyKey, () =>
      factory.work.createWorkItem(input, keyed(idempotencyKey)),
    );
    return { ...result, alreadyCreated: retried };
  },
  text: (item) => retriedText(item.alreadyCreated, `created ${item.id} on ${item.line}`, item),
});

/** The moves of `advance_work_item`. */
const MOVES = ["advance", "back", "block", "unblock", "drop", "complete"] as const;

/**
 * The moves that use each optional argument of `advance_work_item`, as the
 * SDK's moves take them: another move refuses the argument rather than
 * ignore it (`to` with `advance` would move to the next stage, not to `to`).
 */
const MOVES_TAKING: {
  readonly [argument in "to" | "cause" | "reason" | "overrideWipReason"]: readonly (typeof MOVES)[number][];
} = {
  to: ["back"],
  cause: ["back"],
  reason: ["back", "block", "unblock", "drop"],
  overrideWipReason: ["advance", "back"],
};

/** Which moves take an argument, for a refusal: `only back does`, `advance and back do`. */
const takenBy = (moves: readonly string[]) =>
  moves.length === 1 ? `only ${moves[0]} does` : `${moves.slice(0, -1).join(", ")} and ${moves.at(-1)} do`;

/** `advance_work_item`: moves a work item (advance, back, block, unblock, drop, complete). */
export const advanceWorkItem = defineTool({
  name: "advance_work_item",
  title: "Move a work item",
  description:
    "Move a work item: advance (to the next stage; gates run and their findings come back when they block), back (rework, reason required), block/unblock (reason), drop (reason) or complete.",
  group: "work",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z
    .object({
      id: z
        .string()
        .min(1)
        .max(ID_MAX)
        .describe("Id of the work item (wi_...; list_work and create_work_item give them)"),
      move: z
        .enum(MOVES)
        .default("advance")
        .describe(
          "advance (default: to the next stage of its flow; gates run), back (rework to an earlier stage), block, unblock, drop or complete",
        ),
      reason: filledText(INPUT_LIMITS.reason).optional().describe("Why: required to go back, block or drop"),
      to: SendBackInputSchema.shape.to.describe(
        "Stage to send back to (back only): an earlier stage of the item's stages (list_work answers them); default the previous one",
      ),
      cause: ReworkCauseSchema.optional().describe(
        "Why the rework (back only), counted in the line's measures: defect (default), upstream, incident or other",
      ),
      overrideWipReason: filledText(INPUT_LIMITS.reason)
        .optional()
        .describe("Enter past the line's WIP limit on purpose"),
      expectedVersion: MoveOptionsSchema.shape.expectedVersion.describe(
        "The item's version as you read it (list_work and its writes answer it): refused if the item has moved on since",
      ),
      idempotencyKey: IdempotencyKey,
    })
    .refine((input) => !["back", "block", "drop"].includes(input.move) || input.reason !== undefined, {
      message: "back, block and drop need a reason",
      path: ["reason"],
    })
    .superRefine((input, context) => {
      for (const [argument, moves] of Object.entries(MOVES_TAKING)) {
        if (input[argument as keyof typeof MOVES_TAKING] === undefined || moves.includes(input.move))
          continue;
        context.addIssue({
          code: "custom",
          message: `move "${input.move}" does not take ${argument} (${takenBy(moves)})`,
          path: [argument],
        });
      }
    }),
  output: WorkItemOutput,
  run: async (factory, input) => {
    const options = {
      ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
      ...(input.overrideWipReason === undefined ? {} : { overrideWip: { reason: input.overrideWipReason } }),
      ...(input.expectedVersion === undefined ? {} : { expectedVersion: input.expectedVersion }),
    };
    const reason = input.reason as string;
    // A move decides on the item as this server last read it: read what other processes wrote first.
    await requireWorkItem(factory, input.id, "id");
    switch (input.move) {
      case "advance":
        return factory.work.advance(input.id, options).catch((error: unknown) => {
          throw withEvidenceHint(error);
        });
      case "back":
        return factory.work.sendBack(
          input.id,
          {
            reason,
            ...(input.to === undefined ? {} : { to: input.to }),
            ...(input.cause === undefined ? {} : { cause: input.cause }),
          },
          options,
        );
      case "block":
        return factory.work.block(input.id, { reason }, options);
      case "unblock":
        return factory.work.unblock(input.id, input.reason === undefined ? {} : { reason }, options);
      case "drop":
        return factory.work.drop(input.id, { reason }, options);
      case "complete":
        return factory.work.complete(input.id, options).catch((error: unknown) => {
          throw withEvidenceHint(error);
        });
    }
  },
});

/** `link_artifacts`: records a trace link between two artifacts or work items. */
export const linkArtifacts = defineTool({
  name: "link_artifacts",
  title: "Link two artifacts",
  description:
    "Record a trace link (derivesFrom, satisfies, verifies, implements...) between two artifacts or work items, so a later change upstream marks it suspect.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    from: LinkInputSchema.shape.from.describe(
      "Downstream end: an artifact, work item or signal id (the design, the test, the change set; record_artifact, list_work and capture_signal give them)",
    ),
    to: LinkInputSchema.shape.to.describe(
      "Upstream end: an artifact, work item or signal id (the requirement, the task; record_artifact, list_work and capture_signal give them)",
    ),
    type: LinkTypeSchema.describe("One of derivesFrom, satisfies, implements, verifies, addresses"),
  }),
  output: TraceLinkOutput,
  run: async (factory, input) => {
    await requireTraceEnd(factory, input.from, "from");
    await requireTraceEnd(factory, input.to, "to");
    return factory.work.link(input);
  },
});

/** `list_suspect_links`: trace links whose upstream changed since last review, paged. */
export const listSuspectLinks = defineTool({
  name: "list_suspect_links",
  title: "Suspect trace links",
  description:
    "Trace links whose upstream artifact changed since they were last reviewed, for a work item or a line.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({
      workItem: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe("Only links of this work item (wi_...; list_work gives them)"),
      line: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe("Only links of this line's work (factory://floorplan lists them)"),
      limit: z.number().int().min(1).max(200).default(50).describe("Links per page"),
      cursor: Cursor,
    })
    // Both used to answer the links of either (the factory joins the scopes), where each says "only".
    .refine((input) => input.workItem === undefined || input.line === undefined, {
      message: "give workItem or line, not both: a work item's links are among its line's",
    }),
  output: z.object({ items: z.array(TraceLinkOutput), nextCursor: z.string().optional() }),
  run: async (factory, { limit, cursor, workItem, line }) => {
    await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
    if (workItem !== undefined) await requireWorkItem(factory, workItem, "workItem");
    const links = await filteredOnLine(factory, line, "line", () =>
      factory.work.suspectLinks(given({ item: workItem, line })),
    );
    return page("list_suspect_links", links, cursor, limit);
  },
});

/**
 * The refusal of a `get_metrics` window that ends before it starts, naming
 * `since` and `until` as given (the SDK would name its own `from` and `to`).
 */
function emptyWindow(since: string, until: string | undefined): ValidationError {
  const issue =
    until === undefined
      ? { path: "since", message: `must be before now, the end of the window without until (got "${since}")` }
      : { path: "until", message: `must be after since (got since "${since}", until "${until}")` };
  return new ValidationError({ message: formatIssues("get_metrics input", [issue]), issues: [issue] });
}

/**
 * Refuses a `get_metrics` line the factory never knew, in this server's
 * words: the SDK measures one the floor plan has, and one it no longer has (a
 * retired line) that the history names, and refuses any other.
 */
async function requireMeasuredLine(factory: Factory, line: string): Promise<void> {
  await factory.work.refresh();
  try {
    factory.work.signals({ line });
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.entity !== "line" || error.id !== line) throw error;
    await requireLine(factory, line, "line");
  }
}

/** `get_metrics`: delivery measures over a window for the factory, a line or an operator. */
export const getMetrics = defineTool({
  name: "get_metrics",
  title: "Delivery measures",
  description:
    "Yield (line operators), throughput and lead time (factory operators), signal resolution (field operators) and DORA measures, computed from the event history over a window (default the last 30 days), for the factory, a line or an operator. Skills, rules and automations per author: resource factory://metrics/encoded.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    line: z
      .string()
      .min(1)
      .max(ID_MAX)
      .optional()
      .describe("Measure this line only (factory://floorplan lists them)"),
    operator: Operator.optional().describe(
      "Measure this operator's work only: an operator id of the floor plan (factory://floorplan lists them)",
    ),
    since: PointInTime.optional().describe(
      "Start of the window (default 30d): an ISO date or instant, or 30d, 12h, 2w",
    ),
    until: PointInTime.optional().describe(
      "End of the window (default now): an ISO date or instant, or a span back from now (7d, 12h, 1w)",
    ),
  }),
  output: MeasuresOutput,
  run: async (factory, input) => {
    if (input.line !== undefined) await requireMeasuredLine(factory, input.line);
    if (input.operator !== undefined) await requireOperator(factory, input.operator, "operator");
    // One reading of the clock: the call's instant. The end of a window is
    // exclusive, so the default one ends a millisecond after that instant, and
    // what was recorded at it is inside.
    const now = factory.log.clock.now().getTime();
    const to =
      input.until === undefined
        ? new Date(now + 1).toISOString()
        : (instantOf(input.until, now) as Date).toISOString();
    const from =
      input.since === undefined
        ? new Date(Date.parse(to) - 30 * 86_400_000).toISOString()
        : (instantOf(input.since, now) as Date).toISOString();
    if (Date.parse(from) >= Date.parse(to)) throw emptyWindow(input.since as string, input.until);
    return factory.work.measures({
      from,
      to,
      ...(input.line === undefined ? {} : { line: input.line }),
      ...(input.operator === undefined ? {} : { operator: input.operator }),
    });
  },
});
