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
 * random id of the automation's worker in it. While its handling runs, its
 * holder renews it every third of the lease (an `automation.renewed`). A
 * claim is abandoned when its holder released it (an `automation.released`:
 * its handling ended unmarked, its worker closing or its record failing),
 * when neither it nor its last renewal is younger than the automation's
 * lease (by the log's clock), when its process has ended (seen from the same
 * host), or when its worker in this very process has closed after its
 * handling (a release that did not land).
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { IdempotencyConflictError, type StoredEvent } from "@software-factory/core";
import type { z } from "zod";
import { renewalIntervalMs, renewWhileHeld } from "../internal/claimRenewal.js";
import { errorText } from "../internal/errorText.js";
import { processEnded, processWide, THIS_PROCESS } from "../internal/processHolder.js";
import { ClaimRenewalError } from "./ClaimRenewalError.js";
import type { Decided } from "./decideHandling.js";
import { AutomationClaimed, AutomationHandled, AutomationReleased, AutomationRenewed } from "./events.js";
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

/** A claim as the log holds it, with when it landed or was last renewed, in ms by the log's clock. */
type Claim = z.infer<typeof AutomationClaimed.schema> & { readonly since: number };

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
 * event over at once. While the handling runs, the claim is renewed every
 * third of `leaseMs`.
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
      return mark === undefined ? held(scope, event, retry, generation, leaseMs, decide) : observed(mark);
    }
    const waited = await awaitHolder(scope, event, retry, leaseMs);
    if (waited === undefined) return undefined;
    if ("mark" in waited) return observed(waited.mark);
    // This worker holds the claim (its record failed, so did its release, and the event came again): it runs the handling.
    if (waited.mine) return held(scope, event, retry, waited.generation, leaseMs, decide);
    generation = waited.generation;
  }
}

/**
 * Runs `decide` under this worker's claim of `generation`, renewing the claim
 * every third of `leaseMs` until the handling ends, then releasing it when
 * the handling ended unmarked.
 */
async function held<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  generation: number,
  leaseMs: number,
  decide: () => Promise<Decided | undefined>,
): Promise<Decided | undefined> {
  const { name } = scope.automation;
  const stopRenewing = renewWhileHeld(
    leaseMs,
    (id) => renew(scope, event, retry, generation, id),
    (cause) =>
      scope.onError?.(
        new ClaimRenewalError({
          message: `automation "${name}" could not renew its claim on event ${event.id} (generation ${generation}) while its handler runs: ${errorText(cause)}; the handler goes on, and the renewal is tried again in ${renewalIntervalMs(leaseMs)} ms`,
          automation: name,
          event: event.id,
          cause,
        }),
        name,
        event,
      ),
  );
  let decided: Decided | undefined;
  try {
    decided = await decide();
  } finally {
    await stopRenewing();
    if (decided === undefined) await release(scope, event, retry, generation);
  }
  return decided;
}

/** Appends a renewal of this worker's claim of `generation`, under a key made of the claim's and `id`. */
async function renew<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  generation: number,
  id: string,
): Promise<void> {
  const { name } = scope.automation;
  await scope.log.append(
    {
      type: AutomationRenewed.type,
      subject: `automation:${name}`,
      causedBy: event.id,
      data: claimOf(scope, event, retry, generation),
    },
    {
      idempotencyKey: `${claimKey(name, event, retry, generation)}:renewal:${id}`,
      actor: `automation:${name}`,
    },
  );
}

/** The idempotency key of a claim of `generation` on the event. */
function claimKey(name: string, event: StoredEvent, retry: number, generation: number): string {
  return `automation:${name}:${event.id}${retry === 0 ? "" : `:retry:${retry}`}:claim:${generation}`;
}

/** What a claim of `generation` on the event, its renewals and its release say: the automation, the event, the re-run and this worker. */
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
  try {
    await scope.log.append(
      {
        type: AutomationClaimed.type,
        subject: `automation:${name}`,
        causedBy: event.id,
        data: { ...claimOf(scope, event, retry, generation), ...THIS_PROCESS },
      },
      {
        idempotencyKey: claimKey(name, event, retry, generation),
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
  const renewed = new Map<number, number>();
  for (let after = event.seq; ; ) {
    for await (const stored of scope.log.readAll({
      after,
      types: [
        AutomationClaimed.type,
        AutomationHandled.type,
        AutomationRenewed.type,
        AutomationReleased.type,
      ],
      subjects: [`automation:${name}`],
    })) {
      after = stored.seq;
      if (AutomationHandled.is(stored) && ofThisHandling(stored.data)) return { mark: stored.data };
      if (AutomationReleased.is(stored) && ofThisHandling(stored.data)) released.add(stored.data.generation);
      if (AutomationRenewed.is(stored) && ofThisHandling(stored.data))
        renewed.set(stored.data.generation, Date.parse(stored.at));
      if (
        AutomationClaimed.is(stored) &&
        ofThisHandling(stored.data) &&
        stored.data.generation > (latest?.generation ?? 0)
      )
        latest = { ...stored.data, since: Date.parse(stored.at) };
    }
    if (latest !== undefined) {
      if (released.has(latest.generation)) return { generation: latest.generation + 1, mine: false };
      if (latest.worker === scope.worker) return { generation: latest.generation, mine: true };
      const since = Math.max(latest.since, renewed.get(latest.generation) ?? 0);
      if (abandoned({ ...latest, since }, leaseMs, scope.log.clock.now().getTime()))
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

/** Whether a claim no longer holds its event: neither made nor renewed within the lease, or its process or worker ended. */
function abandoned(claim: Claim, leaseMs: number, now: number): boolean {
  if (now >= claim.since + leaseMs) return true;
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
