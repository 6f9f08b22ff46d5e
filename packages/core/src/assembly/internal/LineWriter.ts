/**
 * How the assembly line writes: it catches up with the log, decides against
 * the latest state, and appends only if nothing landed meanwhile (the log's
 * optimistic concurrency), deciding again when something did. A work item
 * move also checks the expected version and the idempotency key, so a retried
 * request returns the first result and two writers moving the same item from
 * the same version cannot both win; a keyed write that loses its key to
 * another process decides again and finds that process's result. Writes name
 * the call's actor, else the line's.
 *
 * @module
 */
import type { AppendOptions, EventLog, NewEvent } from "../../EventLog.js";
import { ConcurrencyConflictError, type GateFailure, IdempotencyConflictError } from "../../errors.js";
import type { Projection } from "../../Projection.js";
import { retryOnConflict } from "../../retryOnConflict.js";
import type { WorkItem } from "../WorkItem.js";
import type { AssemblyState } from "./AssemblyState.js";
import { gateFailed, type Move } from "./checks.js";
import { expectItem } from "./lineQueries.js";
import { type MoveOpts, snapshot, withRequest } from "./moves.js";
import { moveClause } from "./moveWords.js";
import { earlierMove } from "./requests.js";

/**
 * The longest pause, in milliseconds, between a write's conflict and its next
 * decision. Pauses start at 2 ms and double, so a write that lost once or
 * twice retries at once; this bound only matters in a burst, where it must be
 * long next to one attempt (catching up, refreshing the line directory and
 * appending, several round trips to a database server), or writers retry
 * faster than the log can take their appends and use up their attempts.
 * Measured with 100 keyed captures of signals on a line from 4 processes on
 * PostgreSQL, attempts slowed by 100 ms: 32 % refused at 50 ms, 3 % at 250 ms,
 * none at 500 ms (and no slower without the extra 100 ms).
 */
const MAX_BACKOFF_MS = 500;

/** What a {@link LineWriter} writes to and reads from. */
export interface LineWriterOptions {
  readonly log: EventLog;
  readonly projection: Projection;
  readonly state: AssemblyState;
  /** Actor of writes when a call names none. */
  readonly actor: string | undefined;
  /** How many times a write is decided again after a concurrency conflict (so it is tried once more than this). */
  readonly maxRetries: number;
}

/** The assembly line's write plumbing: retries, moves with versions and idempotency keys, and plain appends. */
export class LineWriter {
  readonly #log: EventLog;
  readonly #projection: Projection;
  readonly #state: AssemblyState;
  readonly #actor: string | undefined;
  readonly #maxRetries: number;

  constructor(options: LineWriterOptions) {
    this.#log = options.log;
    this.#projection = options.projection;
    this.#state = options.state;
    this.#actor = options.actor;
    this.#maxRetries = options.maxRetries;
  }

  /** The most bytes one event may take serialized (the log's `maxEventBytes`). */
  get maxEventBytes(): number {
    return this.#log.maxEventBytes;
  }

  /** The append option naming the call's actor, else the line's. */
  #actorOf(actor: string | undefined): { actor?: string } {
    const chosen = actor ?? this.#actor;
    return chosen === undefined ? {} : { actor: chosen };
  }

  /**
   * Catches up, decides against the latest state, and appends only if nothing
   * landed meanwhile; otherwise waits a little (a random pause that grows with
   * each conflict, so writers that collided do not collide again in step) and
   * decides again, at most `maxRetries` times. `attempt` is given the head it
   * must append at: what it checks after this point (the state, the line
   * directory once refreshed) is protected by the append's head check.
   *
   * @throws ConcurrencyConflictError when the write still conflicts after the last retry.
   */
  async retrying(attempt: (head: number) => Promise<void>): Promise<void> {
    await retryOnConflict(
      async () => {
        await attempt(await this.#projection.catchUp());
        await this.#projection.catchUp();
      },
      { attempts: this.#maxRetries + 1, maxBackoffMs: MAX_BACKOFF_MS },
    );
  }

  /**
   * Moves a work item: checks it exists, the idempotency key and the expected
   * version, then appends what `decide` returns for the item's latest state.
   * The expected version is `opts.expectedVersion`, else `known` (the version
   * this line held when the call began), else the version first caught up to:
   * a move that another one overtook fails instead of deciding again on the
   * stage the other one reached.
   *
   * @param known - the item's version in this line's state when the call began, read before any wait.
   * @param asked - the fields of the move's event the call's input sets, which a retry with its key must repeat.
   * @param unchanged - whether the move would change nothing on the item's latest state: then nothing is
   * written and the item is returned as it is, whatever version it is at (unless `opts.expectedVersion` names
   * another). Decided at the head the append would check, so a repeat from another process writes nothing too.
   * @returns the item after the move.
   * @throws NotFoundError when there is no such item.
   * @throws IdempotencyConflictError when the key was used for another write than this move of this item with this input.
   * @throws ConcurrencyConflictError when the item is not at the expected version.
   */
  async move(
    id: string,
    move: Move,
    opts: MoveOpts,
    known: number | undefined,
    decide: (item: WorkItem) => NewEvent[] | Promise<NewEvent[]>,
    asked: Readonly<Record<string, unknown>> = {},
    unchanged?: (item: WorkItem) => boolean,
  ): Promise<WorkItem> {
    let expected = opts.expectedVersion ?? known;
    const key = opts.idempotencyKey;
    // The state is caught up to `head` here, so an item past the expected
    // version stays past it: that conflict is final, not one to retry.
    let overtaken: ConcurrencyConflictError | undefined;
    await this.retrying(async (head) => {
      const item = expectItem(this.#state, id);
      if (earlierMove(this.#state, key, id, move, asked)) return;
      const explicit = opts.expectedVersion;
      if (unchanged?.(item) && (explicit === undefined || explicit === item.version)) return;
      expected ??= item.version;
      if (item.version !== expected) {
        overtaken = new ConcurrencyConflictError({
          message: `work item ${id} changed while trying to ${moveClause(move, "it")}: expected version ${expected}, found ${item.version} (now ${item.state} in ${item.stage})`,
          expected,
          actual: item.version,
        });
        return;
      }
      await this.appendMove(withRequest(await decide(item), id, key), head, opts);
    });
    if (overtaken !== undefined) throw overtaken;
    return snapshot(this.#state.items.get(id) as WorkItem);
  }

  /**
   * Appends a keyed write's events (a work item's create or move, a signal's
   * capture) if the log is still at `head`, as its actor and with its idempotency key. When the log refuses the key because a
   * write that landed after `head` used it (another process's call with the
   * same key), this is reported as a concurrency conflict: the call decides
   * again and finds the first call's result in the state.
   *
   * @throws ConcurrencyConflictError when other events landed since `head`.
   * @throws IdempotencyConflictError when a write the state does not know used the key before `head`.
   */
  async appendMove(events: readonly NewEvent[], head: number, opts: MoveOpts): Promise<void> {
    const key = opts.idempotencyKey;
    const options: AppendOptions = {
      expectedHead: head,
      ...this.#actorOf(opts.actor),
      ...(key === undefined ? {} : { idempotencyKey: key }),
    };
    try {
      await this.#log.append(events, options);
    } catch (error) {
      if (!(error instanceof IdempotencyConflictError)) throw error;
      const now = await this.#log.head();
      if (now === head) throw error;
      throw new ConcurrencyConflictError({
        message: `idempotency key "${key}" was used by a write that landed after position ${head}; deciding again`,
        expected: head,
        actual: now,
      });
    }
  }

  /**
   * Appends events if the log is still at `head`, as the actor (else the line's).
   *
   * @throws ConcurrencyConflictError when other events landed since `head`.
   */
  async appendAt(
    events: NewEvent | readonly NewEvent[],
    head: number,
    actor: string | undefined,
  ): Promise<void> {
    await this.#log.append(events, { expectedHead: head, ...this.#actorOf(actor) });
  }

  /** Appends events as the actor (else the line's) without a head check, and catches up. */
  async append(events: NewEvent | readonly NewEvent[], actor: string | undefined): Promise<void> {
    await this.#log.append(events, this.#actorOf(actor));
    await this.#projection.catchUp();
  }

  /**
   * Records a gate refusal.
   *
   * @throws GateFailedError with every finding, always.
   */
  async failGate(
    item: WorkItem,
    to: string,
    findings: GateFailure[],
    actor: string | undefined,
  ): Promise<never> {
    await this.append(
      { type: "work.gate.failed", subject: item.id, data: { from: item.stage, to, findings } },
      actor,
    );
    throw gateFailed(item, to, findings);
  }
}
