/**
 * The decisions of work item moves: which events creating, advancing, sending
 * back, blocking, unblocking, dropping, completing or assigning a work item
 * produces, after checking its state, the evidence its stage needs, the line's
 * WIP limit and the gates of the stage it enters. Nothing here appends: the
 * assembly line writes what these functions decide against the latest state,
 * and decides again when other writes land meanwhile.
 *
 * @module
 */
import type { z } from "zod";
import type { NewEvent } from "../../EventLog.js";
import { type GateFailure, NotFoundError } from "../../errors.js";
import type { Gate } from "../Gate.js";
import type {
  AssignInputSchema,
  CreateWorkItemInputSchema,
  MoveOptionsSchema,
  ReasonInputSchema,
  SendBackInputSchema,
} from "../inputs.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { WorkItem } from "../WorkItem.js";
import type { AssemblyState } from "./AssemblyState.js";
import { checkEvidence, checkWip, expectState, gatesFor, illegal, invalid, runGates } from "./checks.js";
import { resolutionEvents } from "./signalAttachments.js";
import { addItemNodes } from "./traceQueries.js";

/** Parsed move options. */
export type MoveOpts = z.output<typeof MoveOptionsSchema>;

/** Events of a move, which carry the move's idempotency key so a retry returns the first result. */
const MOVE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "work.advanced",
  "work.sent.back",
  "work.blocked",
  "work.unblocked",
  "work.dropped",
  "work.completed",
  "work.assigned",
]);

/** What the move decisions read: the pipeline, the folded state, lines, gates, and how a gate refusal is recorded. */
export interface MoveContext {
  readonly pipeline: PipelineConfig;
  readonly state: AssemblyState;
  readonly lines: LineDirectory | undefined;
  /** The registered gates (the live list: gates registered later are seen). */
  readonly gates: readonly Gate[];
  /** The line's default actor. */
  readonly actor: string | undefined;
  /** A line's WIP limit. */
  wipLimitOf(line: string): number | undefined;
  /** Records a gate refusal and throws the gate error. */
  failGate(item: WorkItem, to: string, findings: GateFailure[], actor: string | undefined): Promise<never>;
}

/** A copy of a work item that callers may keep. */
export function snapshot(item: WorkItem): WorkItem {
  return { ...item, contributors: [...item.contributors], signals: [...item.signals] };
}

/**
 * The flow a new work item follows and its stages.
 *
 * @throws ValidationError when the flow is unknown.
 */
export function flowOf(
  pipeline: PipelineConfig,
  requested: string | undefined,
): { flow: string; stages: readonly string[] } {
  const flow = requested ?? pipeline.defaultFlow;
  const stages = pipeline.flows[flow];
  if (stages === undefined) {
    throw invalid(
      "work item",
      "flow",
      `unknown flow "${flow}"; flows: ${Object.keys(pipeline.flows).join(", ")}`,
    );
  }
  return { flow, stages };
}

/**
 * The events creating a work item in the first stage of its flow; the
 * creation carries the call's idempotency key, so a retry is recognised.
 *
 * @throws NotFoundError (entity `signal`, field `signals[i]`) when a signal does not exist.
 * @throws WipLimitError when the first stage counts toward WIP and the line is full.
 */
export function createEvents(
  ctx: MoveContext,
  id: string,
  data: z.output<typeof CreateWorkItemInputSchema>,
  flow: string,
  stages: readonly string[],
  opts: MoveOpts,
): NewEvent[] {
  for (const [index, signal] of data.signals.entries()) {
    if (!ctx.state.signals.has(signal)) {
      throw new NotFoundError({
        message: `work item: signals[${index}] names an unknown signal "${signal}"; capture it first`,
        entity: "signal",
        id: signal,
        field: `signals[${index}]`,
      });
    }
  }
  const first = stages[0] as string;
  const owner = data.owner ?? ctx.lines?.ownerOf(data.line);
  // The creation comes first: a WIP override recorded with it is about the item.
  const events: NewEvent[] = [];
  events.push({
    type: "work.created",
    subject: id,
    data: {
      line: data.line,
      title: data.title,
      kind: data.kind,
      flow,
      stages,
      ...(owner === undefined ? {} : { owner }),
      contributors: data.contributors,
      signals: data.signals,
      ...(opts.idempotencyKey === undefined ? {} : { request: opts.idempotencyKey }),
    },
  });
  events.push(...wipCheck(ctx, { id, line: data.line }, "(new)", first, opts));
  return events;
}

/** The events moving an item to the next stage of its flow; gates of that stage run first. */
export async function advanceEvents(ctx: MoveContext, item: WorkItem, opts: MoveOpts): Promise<NewEvent[]> {
  expectState(item, "advance", ["active"]);
  const index = item.stages.indexOf(item.stage);
  const to = item.stages[index + 1];
  if (to === undefined) {
    throw illegal(item, "advance", `it is at the last stage of flow "${item.flow}"; complete it instead`);
  }
  checkEvidence(ctx.pipeline, ctx.state.artifactsOf(item.id), item, "advance");
  const events = [...wipCheck(ctx, item, item.stage, to, opts)];
  await passGates(ctx, item, to, opts.actor);
  events.push({ type: "work.advanced", subject: item.id, data: { from: item.stage, to } });
  if (to === ctx.pipeline.deliveryStage && item.deliveredAt === undefined)
    events.push(...resolutionEvents(ctx.state, item.id, item.signals));
  return events;
}

/** The events sending an item back to an earlier stage of its flow. */
export function sendBackEvents(
  ctx: MoveContext,
  item: WorkItem,
  data: z.output<typeof SendBackInputSchema>,
  opts: MoveOpts,
): NewEvent[] {
  expectState(item, "sendBack", ["active"]);
  const index = item.stages.indexOf(item.stage);
  if (index <= 0) {
    throw illegal(
      item,
      "sendBack",
      `it is at the first stage of flow "${item.flow}", so no stage comes before it`,
    );
  }
  const to = data.to ?? (item.stages[index - 1] as string);
  const target = item.stages.indexOf(to);
  if (target === -1 || target >= index) {
    const where = target === -1 ? "a stage of" : `before "${item.stage}" in`;
    throw invalid(
      "send back",
      "to",
      `stage "${to}" is not ${where} flow "${item.flow}" (${item.stages.join(", ")})`,
    );
  }
  const events = [...wipCheck(ctx, item, item.stage, to, opts)];
  events.push({
    type: "work.sent.back",
    subject: item.id,
    data: { from: item.stage, to, reason: data.reason, cause: data.cause },
  });
  return events;
}

/** The event blocking an active item. */
export function blockEvents(item: WorkItem, data: z.output<typeof ReasonInputSchema>): NewEvent[] {
  expectState(item, "block", ["active"]);
  return [{ type: "work.blocked", subject: item.id, data: { stage: item.stage, reason: data.reason } }];
}

/** The event unblocking a blocked item. */
export function unblockEvents(item: WorkItem, input: { readonly reason?: string | undefined }): NewEvent[] {
  expectState(item, "unblock", ["blocked"]);
  const reason = input.reason?.trim();
  return [
    {
      type: "work.unblocked",
      subject: item.id,
      data: { stage: item.stage, ...(reason ? { reason } : {}) },
    },
  ];
}

/** The event dropping an active or blocked item. */
export function dropEvents(item: WorkItem, data: z.output<typeof ReasonInputSchema>): NewEvent[] {
  expectState(item, "drop", ["active", "blocked"]);
  return [{ type: "work.dropped", subject: item.id, data: { stage: item.stage, reason: data.reason } }];
}

/** The events completing an item at the last stage of its flow. */
export function completeEvents(ctx: MoveContext, item: WorkItem): NewEvent[] {
  expectState(item, "complete", ["active"]);
  const last = item.stages[item.stages.length - 1];
  if (item.stage !== last) {
    throw illegal(item, "complete", `it is not at the last stage of flow "${item.flow}" (${last})`);
  }
  checkEvidence(ctx.pipeline, ctx.state.artifactsOf(item.id), item, "complete");
  const events: NewEvent[] = [{ type: "work.completed", subject: item.id, data: { stage: item.stage } }];
  if (item.deliveredAt === undefined) events.push(...resolutionEvents(ctx.state, item.id, item.signals));
  return events;
}

/** The event changing an item's owner or contributors. */
export function assignEvents(item: WorkItem, data: z.output<typeof AssignInputSchema>): NewEvent[] {
  expectState(item, "assign", ["active", "blocked"]);
  return [{ type: "work.assigned", subject: item.id, data }];
}

/**
 * Whether an assignment would change nothing: the item can be assigned, has
 * the owner asked for (or none is asked) and every contributor already. A
 * done or dropped item is not unchanged, so assigning it still fails.
 */
export function assignChangesNothing(item: WorkItem, data: z.output<typeof AssignInputSchema>): boolean {
  return (
    (item.state === "active" || item.state === "blocked") &&
    (data.owner === undefined || data.owner === item.owner) &&
    data.contributors.every((operator) => item.contributors.includes(operator))
  );
}

/** Adds the move's idempotency key to the item's move events, so a retry is recognised. */
export function withRequest(events: readonly NewEvent[], id: string, key: string | undefined): NewEvent[] {
  return events.map((event) =>
    key !== undefined && event.subject === id && MOVE_EVENT_TYPES.has(event.type)
      ? { ...event, data: { ...(event.data as object), request: key } }
      : event,
  );
}

async function passGates(
  ctx: MoveContext,
  item: WorkItem,
  to: string,
  actor: string | undefined,
): Promise<void> {
  const gates = gatesFor(ctx.gates, to);
  if (gates.length === 0) return;
  const nodes = new Set<string>();
  addItemNodes(ctx.state, nodes, item.id);
  const findings = await runGates(gates, item, {
    from: item.stage,
    to,
    actor: actor ?? ctx.actor ?? "system",
    artifacts: ctx.state.artifactsOf(item.id),
    suspectLinks: ctx.state.trace.suspectLinks(nodes),
  });
  if (findings.length === 0) return;
  await ctx.failGate(item, to, findings, actor);
}

function wipCheck(
  ctx: MoveContext,
  item: Pick<WorkItem, "id" | "line">,
  from: string,
  to: string,
  opts: MoveOpts,
): NewEvent[] {
  return checkWip({
    pipeline: ctx.pipeline,
    item,
    from,
    to,
    limit: ctx.wipLimitOf(item.line),
    inProgress: ctx.state.wipOf(item.line),
    override: opts.overrideWip,
  });
}
