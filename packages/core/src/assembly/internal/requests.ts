/**
 * Idempotency keys of work item writes, signal captures, deployments,
 * incidents and link reviews. The first write carrying a key records it in
 * its events (`request`); a call retried with the key finds that record and
 * returns the first result instead of writing again, from any process and
 * after a reopen. A key reused for a different write is refused with an
 * {@link IdempotencyConflictError} naming the key.
 *
 * @module
 */
import type { z } from "zod";
import type { EventData } from "../../EventRegistry.js";
import { IdempotencyConflictError } from "../../errors.js";
import type { SignalCaptured, WorkCreated } from "../assemblyEvents.js";
import type { CaptureSignalInputSchema, CreateWorkItemInputSchema } from "../inputs.js";
import type { AssemblyState, KeyedRequest } from "./AssemblyState.js";
import type { Move } from "./checks.js";
import { moveVerb } from "./moveWords.js";

const CREATED = "work.created";
const CAPTURED = "signal.captured";
const REVIEWED = "trace.reviewed";

/**
 * The work item an earlier creation with this key made, when the retry asks
 * for the same item: the same line, title, kind, flow, contributors and
 * signals, and the same owner when the retry names one.
 *
 * @returns the item id, or undefined when no write used the key yet.
 * @throws IdempotencyConflictError when the key was used to move an item or to create a different one.
 */
export function earlierCreation(
  state: AssemblyState,
  key: string | undefined,
  data: z.output<typeof CreateWorkItemInputSchema>,
  flow: string,
): string | undefined {
  const earlier = key === undefined ? undefined : state.requests.get(key);
  if (key === undefined || earlier === undefined) return undefined;
  if (earlier.type !== CREATED) throw reused(key, earlier, "create a work item");
  const created = earlier.data as EventData<typeof WorkCreated>;
  const differs = [
    created.line !== data.line && "line",
    created.title !== data.title && "title",
    created.kind !== data.kind && "kind",
    created.flow !== flow && "flow",
    data.owner !== undefined && created.owner !== data.owner && "owner",
    !sameList(created.contributors, data.contributors) && "contributors",
    !sameList(created.signals, data.signals) && "signals",
  ].filter((field) => field !== false);
  if (differs.length === 0) return earlier.subject;
  throw new IdempotencyConflictError({
    message: `idempotency key "${key}" was already used to create work item ${earlier.subject} with a different ${differs.join(", ")}; use a new key`,
    key,
  });
}

/**
 * The signal an earlier capture with this key made, when the retry asks for
 * the same signal: the same text, source, customer and severity, and the same
 * line when the retry names one.
 *
 * @returns the signal id, or undefined when no write used the key yet.
 * @throws IdempotencyConflictError when the key was used for a work item, or to capture a different signal.
 */
export function earlierCapture(
  state: AssemblyState,
  key: string | undefined,
  data: z.output<typeof CaptureSignalInputSchema>,
): string | undefined {
  const earlier = key === undefined ? undefined : state.requests.get(key);
  if (key === undefined || earlier === undefined) return undefined;
  if (earlier.type !== CAPTURED) throw reused(key, earlier, "capture a signal");
  const captured = earlier.data as EventData<typeof SignalCaptured>;
  const differs = [
    captured.text !== data.text && "text",
    captured.source !== data.source && "source",
    captured.customer !== data.customer && "customer",
    captured.severity !== data.severity && "severity",
    data.line !== undefined && earlier.routedTo !== data.line && "line",
  ].filter((field) => field !== false);
  if (differs.length === 0) return earlier.subject;
  throw new IdempotencyConflictError({
    message: `idempotency key "${key}" was already used to capture signal ${earlier.subject} with a different ${differs.join(", ")}; use a new key`,
    key,
  });
}

/** A deployment's or an incident's event, and how a call that records one says it. */
const FACTS = {
  "deployment.recorded": "record deployment",
  "incident.opened": "open incident",
} as const;

/**
 * The deployment or incident an earlier call with this key recorded, when the
 * retry asks for the same one: every field of `data` (the event's data the
 * call would write) equal to the recorded one.
 *
 * @returns the id recorded, or undefined when no write used the key yet.
 * @throws IdempotencyConflictError when the key was used for another write, or to record a different one.
 */
export function earlierFact(
  state: AssemblyState,
  key: string | undefined,
  type: keyof typeof FACTS,
  data: Readonly<Record<string, unknown>>,
): string | undefined {
  const earlier = key === undefined ? undefined : state.requests.get(key);
  if (key === undefined || earlier === undefined) return undefined;
  if (earlier.type !== type) throw reused(key, earlier, FACTS[type]);
  const differs = differingFields(earlier, data);
  if (differs.length === 0) return earlier.subject;
  throw new IdempotencyConflictError({
    message: `idempotency key "${key}" was already used to ${FACTS[type]} ${earlier.subject} with a different ${differs.join(", ")}; use a new key`,
    key,
  });
}

/**
 * Whether an earlier review of this link carried the key, so the retry
 * returns the link instead of reviewing it again (an `adapted` verdict would
 * count as rework twice). `asked` holds the review's verdict and note: a
 * retry asks for the same ones, and another value is another review.
 *
 * @throws IdempotencyConflictError when the key was used for another write than a review of this link, or to review it with another verdict or note.
 */
export function earlierReview(
  state: AssemblyState,
  key: string | undefined,
  linkId: string,
  asked: Readonly<Record<string, unknown>>,
): boolean {
  const earlier = key === undefined ? undefined : state.requests.get(key);
  if (key === undefined || earlier === undefined) return false;
  if (earlier.type !== REVIEWED || earlier.subject !== linkId) {
    throw reused(key, earlier, `review trace link ${linkId}`);
  }
  const differs = differingFields(earlier, asked);
  if (differs.length === 0) return true;
  throw new IdempotencyConflictError({
    message: `idempotency key "${key}" was already used to review trace link ${linkId} with a different ${differs.join(", ")}; use a new key`,
    key,
  });
}

/** The event each move writes, which records its idempotency key. */
const MOVE_EVENTS: Readonly<Record<Move, string>> = {
  advance: "work.advanced",
  sendBack: "work.sent.back",
  block: "work.blocked",
  unblock: "work.unblocked",
  drop: "work.dropped",
  complete: "work.completed",
  assign: "work.assigned",
};

/**
 * Whether an earlier call of this move on this item carried the key, so the
 * retry returns the item instead of moving it again. `asked` holds the fields
 * of the move's event that the call's input sets (a block's `reason`, an
 * assignment's `owner` and `contributors`...): a retry asks for the same
 * ones, and another value is another write.
 *
 * @throws IdempotencyConflictError when the key was used to create an item, to capture a signal, to move another item, for another move of this one, or for this move with other input.
 */
export function earlierMove(
  state: AssemblyState,
  key: string | undefined,
  id: string,
  move: Move,
  asked: Readonly<Record<string, unknown>> = {},
): boolean {
  const earlier = key === undefined ? undefined : state.requests.get(key);
  if (key === undefined || earlier === undefined) return false;
  if (earlier.type !== MOVE_EVENTS[move] || earlier.subject !== id) {
    throw reused(key, earlier, `${moveVerb(move)} work item ${id}`);
  }
  const differs = differingFields(earlier, asked);
  if (differs.length === 0) return true;
  throw new IdempotencyConflictError({
    message: `idempotency key "${key}" was already used to ${moveVerb(move)} work item ${id} with a different ${differs.join(", ")}; use a new key`,
    key,
  });
}

/** The refusal of a key reused for another write than the one it first made. */
function reused(key: string, earlier: KeyedRequest, wanted: string): IdempotencyConflictError {
  const move = Object.entries(MOVE_EVENTS).find(([, type]) => type === earlier.type)?.[0];
  const fact = FACTS[earlier.type as keyof typeof FACTS] as string | undefined;
  const done =
    fact ??
    (earlier.type === CAPTURED
      ? "capture signal"
      : earlier.type === CREATED
        ? "create work item"
        : earlier.type === REVIEWED
          ? "review trace link"
          : `${move === undefined ? "move" : moveVerb(move as Move)} work item`);
  return new IdempotencyConflictError({
    message: `idempotency key "${key}" was already used to ${done} ${earlier.subject}, not to ${wanted}; use a new key`,
    key,
  });
}

/** The fields of `asked` whose value differs from the one the keyed write recorded (absent counts as null). */
function differingFields(earlier: KeyedRequest, asked: Readonly<Record<string, unknown>>): string[] {
  const recorded = earlier.data as Readonly<Record<string, unknown>>;
  return Object.keys(asked).filter(
    (field) => JSON.stringify(recorded[field] ?? null) !== JSON.stringify(asked[field] ?? null),
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
