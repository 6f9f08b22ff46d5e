/**
 * Idempotency keys of skill runs. A run given a key claims it with a
 * `skill.started` event before its handler starts, appended only if nothing
 * landed in the log since the key was checked, so of two runs racing for one
 * key (in one process or two) exactly one claims it and runs its handler. The
 * claim names its holder (host name, process id, a random id of the process).
 * The run's `skill.ran` record carries the key, the claim's position and, when
 * the run succeeded, its output: a retry with the key finds that record and
 * returns the output without running the handler again, from any process and
 * after a reopen. A record of a failed run releases the key.
 *
 * While its handler runs, the run renews its claim every third of the lease
 * (a `skill.renewed` event). A claim without a record is abandoned when its
 * process has ended (seen from the same host: the process id is gone) or when
 * neither it nor its last renewal is younger than the lease (from any host):
 * a retry then takes the key over with a claim of its own, appended the same
 * way, so of two retries racing for it one runs.
 *
 * @module
 */
import {
  type EventLog,
  IdempotencyConflictError,
  retryOnConflict,
  type StoredEvent,
} from "@software-factory/core";
import { z } from "zod";
import { renewWhileHeld } from "../internal/claimRenewal.js";
import { errorText } from "../internal/errorText.js";
import { type Holder, processEnded, THIS_PROCESS } from "../internal/processHolder.js";
import { SkillRan, SkillRenewed, SkillStarted } from "./skillEvents.js";

/** How long a claim without a recorded outcome or renewal holds its key by default: 15 minutes. */
const DEFAULT_CLAIM_LEASE_MS = 15 * 60 * 1000;

/** A claim lease as the options take it: a whole number of milliseconds, more than 0 and at most a year. */
export const ClaimLeaseMsSchema = z
  .number({ error: "must be a number of milliseconds" })
  .int("must be a whole number of milliseconds")
  .positive("must be more than 0 milliseconds")
  .max(365 * 24 * 60 * 60 * 1000, "must be at most a year (31536000000 milliseconds)");

/** Code of the process warning a run emits when the renewal of its claim fails. */
const RENEWAL_FAILED_WARNING = "FACTORY_SKILL_CLAIM_RENEWAL_FAILED";

/** What a retry with a key needs to know of the run that took it. */
export interface KeyedRequest {
  /** Name of the skill run with the key. */
  readonly skill: string;
  /** Hash of the input it was run on. */
  readonly inputHash: string;
}

/** A run that took a key, as the log tells it. */
interface KeyedRun extends KeyedRequest {
  /** When the run started (its `skill.started` event). */
  readonly at: string;
  /** Who started it. */
  readonly actor: string;
  /** Position of its `skill.started` event. */
  readonly claim: number;
  /** When the run last renewed its claim (its last `skill.renewed` event); absent before its first renewal. */
  readonly renewedAt?: string;
  /** The process that claimed the key, when the claim names it. */
  readonly holder?: Holder;
  /**
   * Position of the `skill.ran` event of its successful outcome, read again
   * on a retry (outputs are not kept in memory); absent while the run has not
   * recorded one.
   */
  readonly recordedAt?: number;
}

/** How {@link SkillRunKeys.once} runs a call with a key. */
export interface KeyedCall<T> {
  /** Who runs it (`undefined`: the log's actor), as its claim records. */
  readonly actor: string | undefined;
  /** The call's signal: the run it starts is cancelled by it, and a call waiting on a run under way stops waiting. */
  readonly signal: AbortSignal;
  /** The call's result from what an earlier successful run with the key recorded. */
  readonly replay: (recorded: RecordedRun) => T;
  /** Runs the call with the position of the claim it made, recording its outcome. */
  readonly execute: (claim: number) => Promise<T>;
  /** Ends a call whose signal aborted while it waited on a run under way: records it as cancelled and rejects with the reason. */
  readonly cancelled: () => Promise<T>;
}

/** A keyed run under way in this process. */
interface UnderWay extends KeyedRequest {
  /** What the run comes to. */
  readonly result: Promise<unknown>;
  /** The signal that cancels it. */
  readonly signal: AbortSignal;
}

/** What claiming a key came to: the claim's position, or what an earlier run with the key recorded. */
type Claimed = { readonly claim: number } | { readonly recorded: RecordedRun };

/** What a successful keyed run recorded, that a retry returns. */
export interface RecordedRun {
  /** The output, as the log keeps it (JSON). */
  readonly output: unknown;
  /** How long the first run took. */
  readonly durationMs: number;
}

/**
 * Longest pause between two attempts to claim a key, in milliseconds: as
 * core's writers, longer than one attempt on a database server, so claims
 * racing on PostgreSQL do not use up their attempts in a burst.
 */
const MAX_BACKOFF_MS = 500;

/**
 * The keys of a registry's skill runs, folded from the log's `skill.started`
 * and `skill.ran` events, and the keyed runs this process has under way.
 */
export class SkillRunKeys {
  readonly #log: EventLog;
  readonly #leaseMs: number;
  readonly #runs = new Map<string, KeyedRun>();
  readonly #underWay = new Map<string, UnderWay>();
  #position = 0;
  #folded: Promise<number> = Promise.resolve(0);

  /**
   * Keys folded from `log`, which is taught the `skill.started` and
   * `skill.renewed` events; a claim without a recorded outcome, neither made
   * nor renewed within `leaseMs` (by the log's clock), is taken over by a
   * retry. A run renews its claim every third of `leaseMs`.
   */
  constructor(log: EventLog, leaseMs: number = DEFAULT_CLAIM_LEASE_MS) {
    this.#log = log;
    this.#leaseMs = leaseMs;
    log.registry.register(SkillStarted, SkillRenewed);
  }

  /**
   * Runs a call once for a key: joins this process's run under way with the
   * key, else returns the recorded output of an earlier successful run with
   * it (`call.replay`), else claims the key (taking over an abandoned claim)
   * and runs `call.execute` with the claim's position (it records the outcome
   * with the key and that position, releasing the key when the run failed),
   * renewing the claim until it ends. A renewal that fails is a process
   * warning (code `FACTORY_SKILL_CLAIM_RENEWAL_FAILED`), once per reason; the run goes on.
   *
   * A call that joined a run under way gets that run's result, except when
   * that run is cancelled (its own signal aborted: it released the key), then
   * the call starts over as if it came after it (and runs, or joins the run
   * another such call started); when the call's own `signal` aborts while it
   * waits, it stops waiting (`call.cancelled`), leaving that run to its caller.
   *
   * @throws IdempotencyConflictError when the key was used to run another
   * skill or on another input, or another run holds it, has not recorded its
   * outcome and its claim is not abandoned (the message says when it will be stale).
   */
  once<T>(key: string, request: KeyedRequest, call: KeyedCall<T>): Promise<T> {
    const underWay = this.#underWay.get(key);
    if (underWay !== undefined) {
      const conflict = differs(key, underWay, request);
      return conflict === undefined ? this.#join(key, request, underWay, call) : Promise.reject(conflict);
    }
    const result = (async () => {
      const claimed = await this.#claim(key, request, call.actor);
      if ("recorded" in claimed) return call.replay(claimed.recorded);
      const stopRenewing = this.#renew(key, request.skill, claimed.claim, call.actor);
      try {
        return await call.execute(claimed.claim);
      } finally {
        await stopRenewing();
      }
    })();
    const entry = { ...request, result, signal: call.signal };
    this.#underWay.set(key, entry);
    const done = () => {
      if (this.#underWay.get(key) === entry) this.#underWay.delete(key);
    };
    result.then(done, done);
    return result;
  }

  /** Waits for a run under way with the key (see {@link SkillRunKeys.once}). */
  async #join<T>(key: string, request: KeyedRequest, underWay: UnderWay, call: KeyedCall<T>): Promise<T> {
    const ended = await settledUnlessAborted(underWay.result, call.signal);
    if (ended === undefined) return call.cancelled();
    if (ended.status === "fulfilled") return ended.value as T;
    // A cancelled run rejects with its signal's reason: the key is released, and that reason is not this call's.
    if (underWay.signal.aborted && ended.reason === underWay.signal.reason)
      return this.once(key, request, call);
    throw ended.reason;
  }

  /** Claims the key, taking over an abandoned claim, or returns what an earlier run with it recorded. */
  #claim(key: string, request: KeyedRequest, actor: string | undefined): Promise<Claimed> {
    return retryOnConflict(
      async () => {
        const head = await this.#catchUp();
        const earlier = this.#runs.get(key);
        if (earlier !== undefined) {
          const conflict = differs(key, earlier, request);
          if (conflict !== undefined) throw conflict;
          if (earlier.recordedAt !== undefined) return { recorded: await this.#recorded(earlier.recordedAt) };
          const held = this.#held(key, earlier);
          if (held !== undefined) throw held;
        }
        const [claim] = await this.#log.append(
          {
            type: SkillStarted.type,
            subject: request.skill,
            data: { idempotencyKey: key, inputHash: request.inputHash, ...THIS_PROCESS },
            ...(actor === undefined ? {} : { actor }),
          },
          { expectedHead: head },
        );
        if (claim === undefined)
          throw new Error("the log appended no event for the claim of a skill run's key");
        return { claim: claim.seq };
      },
      { maxBackoffMs: MAX_BACKOFF_MS },
    );
  }

  /** Renews the claim at position `claim` of the key until the returned function is called (see `renewWhileHeld`). */
  #renew(key: string, skill: string, claim: number, actor: string | undefined): () => Promise<void> {
    const warned = new Set<string>();
    return renewWhileHeld(
      this.#leaseMs,
      (id) =>
        this.#log.append(
          {
            type: SkillRenewed.type,
            subject: skill,
            data: { idempotencyKey: key, claim },
            ...(actor === undefined ? {} : { actor }),
          },
          { idempotencyKey: `skill-claim:${claim}:renewal:${id}` },
        ),
      (error) => {
        const reason = errorText(error);
        if (warned.has(reason)) return;
        warned.add(reason);
        process.emitWarning(
          `a run of skill ${skill} could not renew its claim of idempotency key "${key}" while its handler runs: ${reason}; the run goes on, and the renewal is tried again`,
          { code: RENEWAL_FAILED_WARNING },
        );
      },
    );
  }

  /**
   * The refusal of a claim that still holds its key; undefined when the claim
   * is abandoned (its process ended, or neither it nor its last renewal is
   * younger than the lease), so a retry takes the key over.
   */
  #held(key: string, run: KeyedRun): IdempotencyConflictError | undefined {
    const staleAt = Date.parse(run.renewedAt ?? run.at) + this.#leaseMs;
    if (this.#log.clock.now().getTime() >= staleAt || processEnded(run.holder)) return undefined;
    const holder = run.holder === undefined ? "" : ` (process ${run.holder.pid} on host ${run.holder.host})`;
    const stale = new Date(staleAt).toISOString();
    const until =
      run.renewedAt === undefined
        ? `if it has not by ${stale}`
        : `it last renewed its claim at ${run.renewedAt}; if it does not again by ${stale}`;
    return new IdempotencyConflictError({
      message: `idempotency key "${key}" is held by a run of skill ${run.skill} that ${run.actor} started at ${run.at}${holder} and that has not recorded its outcome; retry when it has finished (${until}, its claim is stale and a retry then takes the key over)`,
      key,
    });
  }

  /** The output and duration the `skill.ran` event at `seq` recorded. */
  async #recorded(seq: number): Promise<RecordedRun> {
    const [event] = await this.#log.read({ after: seq - 1, until: seq, limit: 1 });
    if (event === undefined || !SkillRan.is(event))
      throw new Error(`the log holds no skill.ran event at ${seq}, which it held when folded`);
    return { output: event.data.output, durationMs: event.data.durationMs };
  }

  /** Folds the keyed events appended since the last call, one fold at a time; resolves with the head folded to. */
  #catchUp(): Promise<number> {
    const folded = this.#folded.then(async () => {
      const head = await this.#log.head();
      const types = [SkillStarted.type, SkillRenewed.type, SkillRan.type];
      for await (const event of this.#log.readAll({ after: this.#position, until: head, types }))
        this.#fold(event);
      this.#position = head;
      return head;
    });
    this.#folded = folded.catch(() => this.#position);
    return folded;
  }

  #fold(event: StoredEvent): void {
    if (SkillStarted.is(event)) {
      const { idempotencyKey, inputHash, host, pid, instance } = event.data;
      this.#runs.set(idempotencyKey, {
        skill: event.subject,
        inputHash,
        at: event.at,
        actor: event.actor,
        claim: event.seq,
        ...(host === undefined || pid === undefined
          ? {}
          : { holder: { host, pid, ...(instance === undefined ? {} : { instance }) } }),
      });
      return;
    }
    if (SkillRenewed.is(event)) {
      const run = this.#runs.get(event.data.idempotencyKey);
      // A renewal of a claim taken over since, or of a run that recorded its outcome, holds nothing.
      if (run !== undefined && run.claim === event.data.claim && run.recordedAt === undefined)
        this.#runs.set(event.data.idempotencyKey, { ...run, renewedAt: event.at });
      return;
    }
    if (!SkillRan.is(event)) return;
    const { idempotencyKey: key, outcome, claim } = event.data;
    const run = key === undefined ? undefined : this.#runs.get(key);
    // The first recorded output is final: a run whose claim was taken over may record after the run that took it.
    if (key === undefined || run === undefined || run.recordedAt !== undefined) return;
    if (outcome === "ok") this.#runs.set(key, { ...run, recordedAt: event.seq });
    // A failed run releases its own claim, not one a retry took over since.
    else if (claim === undefined || claim === run.claim) this.#runs.delete(key);
  }
}

/** The refusal of a key used to run another skill or on another input, naming both; undefined when the request is the same. */
function differs(
  key: string,
  earlier: KeyedRequest,
  request: KeyedRequest,
): IdempotencyConflictError | undefined {
  if (earlier.skill !== request.skill)
    return new IdempotencyConflictError({
      message: `idempotency key "${key}" was already used to run skill ${earlier.skill}, not skill ${request.skill}; use a new key`,
      key,
    });
  if (earlier.inputHash !== request.inputHash)
    return new IdempotencyConflictError({
      message: `idempotency key "${key}" was already used to run skill ${earlier.skill} on a different input (input hash ${short(earlier.inputHash)}, this call's ${short(request.inputHash)}); use a new key`,
      key,
    });
  return undefined;
}

/** How `promise` settled; undefined when `signal` aborted first. */
function settledUnlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<PromiseSettledResult<T> | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const aborted = () => resolve(undefined);
    signal.addEventListener("abort", aborted, { once: true });
    const settled = (result: PromiseSettledResult<T>) => {
      signal.removeEventListener("abort", aborted);
      resolve(result);
    };
    promise.then(
      (value) => settled({ status: "fulfilled", value }),
      (reason: unknown) => settled({ status: "rejected", reason }),
    );
  });
}

function short(hash: string): string {
  return hash.slice(0, 12);
}
