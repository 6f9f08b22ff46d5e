/**
 * Retrying a write that lost a race: a write decides against the latest state
 * and appends only if the log is still where it read it (the log's optimistic
 * concurrency); when another writer landed first, it waits a little and
 * decides again, a bounded number of times. A write that keeps losing (a slow
 * one beside a stream of small ones) takes a write turn on the store for its
 * later attempts, so it cannot lose again.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { ConcurrencyConflictError, formatIssues, ValidationError, type ValidationIssue } from "./errors.js";

/**
 * How many attempts {@link retryOnConflict} makes when its options name none:
 * enough that writers busy on one factory (a CI apply beside imports, edits
 * and moves) all land.
 */
const DEFAULT_ATTEMPTS = 50;

/**
 * Conflicts after which each further attempt of {@link retryOnConflict} runs
 * in a write turn (the last attempt does after the first conflict): few
 * enough that a slow write beside a stream of small ones lands on its fourth
 * attempt, enough that writers that collided once or twice never take one.
 */
const TURN_AFTER_CONFLICTS = 3;

/** Options of {@link retryOnConflict}. */
export interface RetryOnConflictOptions {
  /** How many times the write is tried in all, the first included: a whole number, at least 1 (default 50). */
  readonly attempts?: number;
  /**
   * Longest pause between two attempts, in milliseconds. Each pause is random
   * up to a bound that doubles with each conflict (2, 4, 8 ms...) until it
   * reaches this one, so writers that collided do not collide again in step.
   */
  readonly maxBackoffMs: number;
  /**
   * The error to give up with, made from the conflict of the last attempt and
   * the number of attempts; without it, that conflict is thrown as it is.
   */
  readonly onGiveUp?: (last: ConcurrencyConflictError, attempts: number) => Error;
}

/**
 * Runs `attempt` (a write that reads the latest state, decides, and appends
 * with the head it read expected) and, each time it throws a
 * {@link ConcurrencyConflictError}, waits a random pause that grows with each
 * conflict up to `maxBackoffMs` and runs it again, at most `attempts` times in
 * all. Any other error is thrown at once, without another attempt.
 *
 * After 3 conflicts (and for the last attempt after one), an attempt runs in a
 * write turn on each SQLite or PostgreSQL store where the write lost: before
 * it starts, the store waits until no writer in any process is appending and
 * keeps every other append waiting (for at most half the store's lock or call
 * timeout) until this attempt appends or ends, so its read, decision and
 * append see a log nobody else moves. The append still checks the head it was
 * given; the turn only makes sure that check passes.
 *
 * Every write takes its turns in one order of the stores (by the SQLite
 * file's real path; by PostgreSQL cluster, database and schema), whatever
 * order it lost on them in, so two writes over the same stores never
 * each hold one turn while waiting for the other's. An attempt in turns that
 * appends to a store where it holds none open first ends the turns it holds on
 * stores later in that order (their appends may then conflict), and its later
 * attempts take a turn there too.
 *
 * @returns what the attempt that did not conflict returned.
 * @throws ConcurrencyConflictError (or what `onGiveUp` makes of it) when the last attempt still conflicts.
 * @throws ValidationError (path `attempts` or `maxBackoffMs`) when `attempts` is not a whole number of at least 1,
 *   or `maxBackoffMs` is not a finite number of at least 0; the attempt is not run.
 * @example
 * ```ts
 * const stored = await retryOnConflict(
 *   async () => {
 *     const head = await log.head();
 *     return log.append({ type: "note.added", subject: "n1", data: { text: `after ${head}` } }, { expectedHead: head });
 *   },
 *   { maxBackoffMs: 50, onGiveUp: (last, attempts) => new Error(`still busy after ${attempts} attempts: ${last.message}`) },
 * );
 * ```
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<T>,
  options: RetryOnConflictOptions,
): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(attempts) || attempts < 1)
    issues.push({
      path: "attempts",
      message: `retryOnConflict: attempts must be a whole number of at least 1, got ${attempts}`,
    });
  if (!Number.isFinite(options.maxBackoffMs) || options.maxBackoffMs < 0)
    issues.push({
      path: "maxBackoffMs",
      message: `retryOnConflict: maxBackoffMs must be a finite number of at least 0, got ${options.maxBackoffMs}`,
    });
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues("retryOnConflict options", issues), issues });
  const scope = new RetryScope(scopes.getStore());
  for (let tried = 1; ; tried++) {
    const inTurn = scope.lostAnywhere && (tried > TURN_AFTER_CONFLICTS || tried === attempts);
    try {
      // Only an attempt in a turn runs in the scope: the stores look its turns up there.
      if (!inTurn) return await attempt();
      return await scopes.run(scope, async () => {
        try {
          await scope.takeTurns();
          return await attempt();
        } finally {
          await scope.endTurns();
        }
      });
    } catch (error) {
      if (!isConcurrencyConflict(error)) throw error;
      const turns = lostOn.get(error);
      if (turns !== undefined) scope.lost(turns);
      if (tried >= attempts) throw options.onGiveUp?.(error, tried) ?? error;
    }
    const bound = Math.min(2 ** tried, options.maxBackoffMs);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
  }
}

/**
 * A store's side of write turns (the SQLite and PostgreSQL stores have one):
 * how a write that keeps losing the race gets the log to itself for one attempt.
 */
export interface WriteTurns<Turn extends WriteTurn = WriteTurn> {
  /**
   * The store's place in the one order in which every write, in every
   * process, takes its turns: the same text for every handle on the same log
   * (the SQLite file's real path; the PostgreSQL server, database and
   * schema), compared by UTF-16 code units.
   */
  readonly order: string;
  /**
   * Waits until no other writer, in this process or another, is appending,
   * and keeps every other append waiting until the turn ends.
   *
   * @throws StoreError when the store cannot give the turn (its lock timed out, its connection failed).
   */
  take(): Promise<Turn>;
}

/** A write turn held on one store by one attempt of a write. */
export interface WriteTurn {
  /** Whether the turn still holds the store: it ends with the attempt's append there, by `end`, or when it lapses. */
  readonly open: boolean;
  /** Lets the other writers append again; safe to call more than once, and never throws. */
  end(): Promise<void>;
}

/** Compares two stores by {@link WriteTurns.order}, the same way in every process and locale. */
function byOrder(a: WriteTurns, b: WriteTurns): number {
  return a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}

/** What one call of {@link retryOnConflict} knows of the stores it writes to. */
class RetryScope {
  /** Stores where an attempt of this write lost the race, or appended without a turn while in turns. */
  readonly #lost = new Set<WriteTurns>();
  /** The turns the running attempt holds. */
  readonly #held = new Map<WriteTurns, WriteTurn>();

  /** @param parent the scope of the write this one runs in, whose turns it shares. */
  constructor(readonly parent: RetryScope | undefined) {}

  lost(turns: WriteTurns): void {
    this.#lost.add(turns);
  }

  /** Whether an attempt lost the race on a store that gives turns. */
  get lostAnywhere(): boolean {
    return this.#lost.size > 0;
  }

  held(turns: WriteTurns): WriteTurn | undefined {
    return this.#held.get(turns) ?? this.parent?.held(turns);
  }

  /**
   * Takes a turn on every store where this write lost, in the stores' order,
   * unless this write or the one it runs in holds one. Before each, the turns
   * the write it runs in holds later in the order end, so that no write waits
   * for a turn while holding one that comes after it.
   */
  async takeTurns(): Promise<void> {
    for (const turns of [...this.#lost].sort(byOrder)) {
      if (this.held(turns) !== undefined) continue;
      await this.endAfter(turns);
      this.#held.set(turns, await turns.take());
    }
  }

  /** Ends the turns this write and the ones it runs in hold on stores after `turns` in the order. */
  async endAfter(turns: WriteTurns): Promise<void> {
    for (const [later, turn] of this.#held) if (byOrder(later, turns) > 0) await turn.end();
    await this.parent?.endAfter(turns);
  }

  async endTurns(): Promise<void> {
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const turn of held) await turn.end();
  }
}

/**
 * The scope of the write whose attempt in a turn is running, through every
 * await of the attempt. Other attempts run outside it, so a process whose
 * writes never wait for a turn never starts the context tracking it costs.
 */
const scopes = new AsyncLocalStorage<RetryScope>();

/** The store each conflict was thrown by, when that store gives turns. */
const lostOn = new WeakMap<ConcurrencyConflictError, WriteTurns>();

/**
 * Marks a conflict as thrown by a store that gives turns (its append found
 * the head moved past the one expected), so that the write it reaches in
 * {@link retryOnConflict} takes a turn on that store for its later attempts.
 * Called by the stores; returns the conflict.
 */
export function lostRace(conflict: ConcurrencyConflictError, turns: WriteTurns): ConcurrencyConflictError {
  lostOn.set(conflict, turns);
  return conflict;
}

/** The write turn the running attempt holds on a store, if any (ended or not). Called by the stores. */
export function heldTurn<Turn extends WriteTurn>(turns: WriteTurns<Turn>): Turn | undefined {
  return scopes.getStore()?.held(turns) as Turn | undefined;
}

/**
 * The write turn the running attempt holds on a store it is about to append
 * to, if any (ended or not). When the attempt runs in turns but holds none
 * open on this store (its turn there ended with an earlier append), the turns it holds on stores later in the order end first, so
 * that its wait for this store (behind another write's turn) cannot close a
 * cycle, and the write's later attempts take a turn here too. Called by the
 * stores' appends.
 */
export async function appendTurn<Turn extends WriteTurn>(turns: WriteTurns<Turn>): Promise<Turn | undefined> {
  const scope = scopes.getStore();
  const held = scope?.held(turns) as Turn | undefined;
  if (scope === undefined || held?.open === true) return held;
  scope.lost(turns);
  await scope.endAfter(turns);
  return held;
}

/**
 * Whether `error` is a conflict on the log head: a `ConcurrencyConflictError`
 * of this copy of the package, or of another copy loaded beside it (an npm
 * tree may hold two; the store's class is then not this one), told by its tag.
 */
function isConcurrencyConflict(error: unknown): error is ConcurrencyConflictError {
  return (
    error instanceof ConcurrencyConflictError ||
    (error as { _tag?: unknown } | null)?._tag === "ConcurrencyConflictError"
  );
}
