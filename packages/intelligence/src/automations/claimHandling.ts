/**
 * Exclusive handlings (an automation's `exclusive` option): of the processes
 * serving a factory, the one whose claim on an event lands runs the handler;
 * the others wait for its mark, or take the event over once its claim is
 * abandoned.
 *
 * A claim is an `automation.claimed` event appended under an idempotency key
 * made of the automation, the event, the re-run and the claim's generation,
 * so of the processes claiming one generation exactly one lands it. It names
 * its holder: the host, the process id and a random id of the process, and a
 * random id of the automation's worker in it. A claim is abandoned when its
 * holder released it (an `automation.released`: its handling ended unmarked,
 * its worker closing or its record failing), when it is older than the
 * automation's lease (by the log's clock), when its process has ended (seen
 * from the same host), or when its worker in this very process has closed
 * after its handling (a release that did not land).
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { IdempotencyConflictError, type StoredEvent } from "@software-factory/core";
import type { z } from "zod";
import { processEnded, processWide, THIS_PROCESS } from "../internal/processHolder.js";
import type { Decided } from "./decideHandling.js";
import { AutomationClaimed, AutomationHandled, AutomationReleased } from "./events.js";
import type { HandlingScope } from "./runHandler.js";

/** How often a process that waits on another's claim reads the log for its mark, in ms. */
const POLL_MS = 100;

/**
 * The ids of this process's automation workers that are open: a claim of one
 * closed since is abandoned. One set per process, however many copies of this
 * package it loads (they name one holder, `THIS_PROCESS`), so a copy does not
 * take another's open workers for closed ones.
 */
const openWorkers = processWide("openWorkers", () => new Set<string>());

/** A new worker id, open until {@link closeWorker}. */
export function openWorker(): string {
  const id = randomUUID();
  openWorkers.add(id);
  return id;
}

/** Closes a worker id, once its handling in progress ended: the claims it holds are abandoned, to any worker of this process. */
export function closeWorker(id: string): void {
  openWorkers.delete(id);
}

/** A claim as the log holds it, with when it landed. */
type Claim = z.infer<typeof AutomationClaimed.schema> & { readonly at: string };

/** What waiting on another's claim came to: its holder's mark, or a claim to make. */
type Waited =
  | { readonly mark: z.infer<typeof AutomationHandled.schema> }
  | { readonly generation: number; readonly mine: boolean };

/**
 * Runs `decide` (the handling) once this worker's claim on `event` lands,
 * taking over abandoned claims; when another process's handling is marked
 * first, returns that mark as a handling whose record did not land (`landed:
 * false`). `retry` is how many marks the event had before, as for
 * `decideHandling`. Undefined when the worker closed while waiting. A claim
 * whose handling ends unmarked (undefined: the worker closed; or thrown: its
 * record failed) is released, so that the processes waiting on it take the
 * event over at once.
 */
export async function handleExclusively<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  leaseMs: number,
  decide: () => Promise<Decided | undefined>,
): Promise<Decided | undefined> {
  for (let generation = 1; ; ) {
    if (await claim(scope, event, retry, generation)) {
      // A takeover: the holder may have marked its handling after this worker last read the log, just before it
      // was seen to end (its process, its worker, its lease); its mark, in the log before this claim, is the handling.
      const mark = generation === 1 ? undefined : await markOf(scope, event, retry);
      return mark === undefined ? held(scope, event, retry, generation, decide) : observed(mark);
    }
    const waited = await awaitHolder(scope, event, retry, leaseMs);
    if (waited === undefined) return undefined;
    if ("mark" in waited) return observed(waited.mark);
    // This worker holds the claim (its record failed, so did its release, and the event came again): it runs the handling.
    if (waited.mine) return held(scope, event, retry, waited.generation, decide);
    generation = waited.generation;
  }
}

/** Runs `decide` under this worker's claim of `generation`, releasing the claim when the handling ends unmarked. */
async function held<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  generation: number,
  decide: () => Promise<Decided | undefined>,
): Promise<Decided | undefined> {
  let decided: Decided | undefined;
  try {
    decided = await decide();
  } finally {
    if (decided === undefined) await release(scope, event, retry, generation);
  }
  return decided;
}

/** What a claim of `generation` on the event and its release both say: the automation, the event, the re-run and this worker. */
function claimOf<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  generation: number,
) {
  return {
    automation: scope.automation.name,
    event: event.id,
    eventSeq: event.seq,
    generation,
    ...(retry === 0 ? {} : { retry }),
    worker: scope.worker,
  };
}

/**
 * Appends the release of this worker's claim of `generation`. Best effort: a
 * release that fails (the store is closed or failing, as the record was)
 * leaves the claim to its lease, or to its process's end.
 */
async function release<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  generation: number,
): Promise<void> {
  const { name } = scope.automation;
  await scope.log
    .append(
      {
        type: AutomationReleased.type,
        subject: `automation:${name}`,
        causedBy: event.id,
        data: claimOf(scope, event, retry, generation),
      },
      { actor: `automation:${name}` },
    )
    .catch(() => undefined);
}

/** Appends this worker's claim of `generation` on the event; false when another's landed first. */
async function claim<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  generation: number,
): Promise<boolean> {
  const { name } = scope.automation;
  const again = retry === 0 ? "" : `:retry:${retry}`;
  try {
    await scope.log.append(
      {
        type: AutomationClaimed.type,
        subject: `automation:${name}`,
        causedBy: event.id,
        data: { ...claimOf(scope, event, retry, generation), ...THIS_PROCESS },
      },
      {
        idempotencyKey: `automation:${name}:${event.id}${again}:claim:${generation}`,
        actor: `automation:${name}`,
      },
    );
    return true;
  } catch (thrown) {
    if (thrown instanceof IdempotencyConflictError) return false;
    throw thrown;
  }
}

/**
 * Reads the log, every {@link POLL_MS}, until the handling is marked (by its
 * holder or any process) or its last claim is released, abandoned or this
 * worker's; undefined when the worker closes first.
 */
async function awaitHolder<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  leaseMs: number,
): Promise<Waited | undefined> {
  const { name } = scope.automation;
  const ofThisHandling = (data: { automation: string; event: string; retry?: number | undefined }) =>
    isOf(data, name, event, retry);
  let latest: Claim | undefined;
  const released = new Set<number>();
  for (let after = event.seq; ; ) {
    for await (const stored of scope.log.readAll({
      after,
      types: [AutomationClaimed.type, AutomationHandled.type, AutomationReleased.type],
      subjects: [`automation:${name}`],
    })) {
      after = stored.seq;
      if (AutomationHandled.is(stored) && ofThisHandling(stored.data)) return { mark: stored.data };
      if (AutomationReleased.is(stored) && ofThisHandling(stored.data)) released.add(stored.data.generation);
      if (
        AutomationClaimed.is(stored) &&
        ofThisHandling(stored.data) &&
        stored.data.generation > (latest?.generation ?? 0)
      )
        latest = { ...stored.data, at: stored.at };
    }
    if (latest !== undefined) {
      if (released.has(latest.generation)) return { generation: latest.generation + 1, mine: false };
      if (latest.worker === scope.worker) return { generation: latest.generation, mine: true };
      if (abandoned(latest, leaseMs, scope.log.clock.now().getTime()))
        return { generation: latest.generation + 1, mine: false };
    }
    try {
      await sleep(POLL_MS, undefined, { signal: scope.signal });
    } catch {
      return undefined;
    }
  }
}

/** The mark of this handling (the event's, of re-run `retry`) that the log holds, if any. */
async function markOf<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
): Promise<z.infer<typeof AutomationHandled.schema> | undefined> {
  const { name } = scope.automation;
  for await (const stored of scope.log.readAll({
    after: event.seq,
    types: [AutomationHandled.type],
    subjects: [`automation:${name}`],
  })) {
    if (AutomationHandled.is(stored) && isOf(stored.data, name, event, retry)) return stored.data;
  }
  return undefined;
}

/** Whether a claim, release or mark is of this handling: the automation's, of the event, of re-run `retry`. */
function isOf(
  data: { automation: string; event: string; retry?: number | undefined },
  name: string,
  event: StoredEvent,
  retry: number,
): boolean {
  return data.automation === name && data.event === event.id && (data.retry ?? 0) === retry;
}

/** Whether a claim no longer holds its event: older than the lease, or its process or worker ended. */
function abandoned(claim: Claim, leaseMs: number, now: number): boolean {
  if (now >= Date.parse(claim.at) + leaseMs) return true;
  const { host, pid, instance } = claim;
  const here = host === THIS_PROCESS.host && pid === THIS_PROCESS.pid && instance === THIS_PROCESS.instance;
  return here ? !openWorkers.has(claim.worker) : processEnded({ host, pid, instance });
}

/** Another process's marked handling, as this worker's handling whose record did not land. */
function observed(mark: z.infer<typeof AutomationHandled.schema>): Decided {
  return {
    emitted: [],
    error:
      mark.outcome === "ok"
        ? undefined
        : (mark.error ?? { code: "HANDLER_FAILED", message: "unknown error" }),
    attempts: mark.attempts ?? 1,
    ...(mark.permanent === true ? { permanent: true as const } : {}),
    head: 0,
    landed: false,
  };
}
