/**
 * Idempotency keys of skill runs. A run given a key claims it with a
 * `skill.started` event before its handler starts, appended only if nothing
 * landed in the log since the key was checked, so of two runs racing for one
 * key (in one process or two) exactly one claims it and runs its handler. The
 * run's `skill.ran` record carries the key and, when the run succeeded, its
 * output: a retry with the key finds that record and returns the output
 * without running the handler again, from any process and after a reopen. A
 * record of a failed run releases the key.
 *
 * @module
 */
import {
  type EventLog,
  IdempotencyConflictError,
  retryOnConflict,
  type StoredEvent,
} from "@software-factory/core";
import { SkillRan, SkillStarted } from "./skillEvents.js";

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
  /**
   * Position of the `skill.ran` event of its successful outcome, read again
   * on a retry (outputs are not kept in memory); absent while the run has not
   * recorded one.
   */
  readonly recordedAt?: number;
}

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
  readonly #runs = new Map<string, KeyedRun>();
  readonly #underWay = new Map<string, KeyedRequest & { readonly result: Promise<unknown> }>();
  #position = 0;
  #folded: Promise<number> = Promise.resolve(0);

  /** Keys folded from `log`, which is taught the `skill.started` event. */
  constructor(log: EventLog) {
    this.#log = log;
    log.registry.register(SkillStarted);
  }

  /**
   * Runs `execute` once for a key: joins this process's run under way with
   * the key, else returns the recorded output of an earlier successful run
   * with it, else claims the key and runs `execute` (which records the
   * outcome with the key, releasing it when the run failed).
   *
   * @throws IdempotencyConflictError when the key was used to run another
   * skill or on another input, or another process's run holds it and has not
   * recorded its outcome.
   */
  once<T>(
    key: string,
    request: KeyedRequest,
    actor: string | undefined,
    replay: (recorded: RecordedRun) => T,
    execute: () => Promise<T>,
  ): Promise<T> {
    const underWay = this.#underWay.get(key);
    if (underWay !== undefined) {
      const conflict = differs(key, underWay, request);
      return conflict === undefined ? (underWay.result as Promise<T>) : Promise.reject(conflict);
    }
    const result = (async () => {
      const recorded = await this.#claim(key, request, actor);
      return recorded === undefined ? execute() : replay(recorded);
    })();
    this.#underWay.set(key, { ...request, result });
    const done = () => this.#underWay.delete(key);
    result.then(done, done);
    return result;
  }

  /** Claims the key, or returns what an earlier run with it recorded. */
  #claim(key: string, request: KeyedRequest, actor: string | undefined): Promise<RecordedRun | undefined> {
    return retryOnConflict(
      async () => {
        const head = await this.#catchUp();
        const earlier = this.#runs.get(key);
        if (earlier !== undefined) {
          const conflict = differs(key, earlier, request);
          if (conflict !== undefined) throw conflict;
          if (earlier.recordedAt !== undefined) return this.#recorded(earlier.recordedAt);
          throw new IdempotencyConflictError({
            message: `idempotency key "${key}" is held by a run of skill ${earlier.skill} that ${earlier.actor} started at ${earlier.at} and that has not recorded its outcome; retry when it has finished (if the process running it stopped first, use a new key)`,
            key,
          });
        }
        await this.#log.append(
          {
            type: SkillStarted.type,
            subject: request.skill,
            data: { idempotencyKey: key, inputHash: request.inputHash },
            ...(actor === undefined ? {} : { actor }),
          },
          { expectedHead: head },
        );
        return undefined;
      },
      { maxBackoffMs: MAX_BACKOFF_MS },
    );
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
      const types = [SkillStarted.type, SkillRan.type];
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
      const { idempotencyKey, inputHash } = event.data;
      this.#runs.set(idempotencyKey, { skill: event.subject, inputHash, at: event.at, actor: event.actor });
      return;
    }
    if (!SkillRan.is(event)) return;
    const { idempotencyKey: key, outcome } = event.data;
    const run = key === undefined ? undefined : this.#runs.get(key);
    if (key === undefined || run === undefined) return;
    if (outcome !== "ok") {
      if (run.recordedAt === undefined) this.#runs.delete(key);
    } else this.#runs.set(key, { ...run, recordedAt: event.seq });
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

function short(hash: string): string {
  return hash.slice(0, 12);
}
