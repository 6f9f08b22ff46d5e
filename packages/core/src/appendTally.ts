/**
 * Counting the events a piece of work appends, whatever else appends to the
 * same log meanwhile: another process, or other work of this one.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { aFunction, checkArguments } from "./checkArguments.js";
import type { PreparedEvent, StoredEvent } from "./EventStore.js";

/** The count of a {@link countAppended} call, and the one it runs in, if any. */
interface Tally {
  appended: number;
  readonly outer: Tally | undefined;
}

/**
 * The tally of the {@link countAppended} call whose work is running, through
 * every await of it. Work run outside one starts no context tracking.
 */
const tallies = new AsyncLocalStorage<Tally>();

/**
 * Runs `work` and counts the events it appended to any event log of this
 * process, through every await of it: only the events its own appends
 * stored, not those another writer appended to the same log meanwhile
 * (another process, or other work of this one running at the same time),
 * and not the events an append with an idempotency key already used
 * answered from before. A call inside `work` counts its own appends, which
 * count for `work` too.
 *
 * @returns what `work` resolved with, and the events appended.
 * @throws ValidationError naming `work` when it is not a function.
 * @example
 * ```ts
 * const { appended } = await countAppended(() => kb.capture(note));
 * ```
 */
export async function countAppended<T>(work: () => Promise<T>): Promise<{
  /** What `work` resolved with. */
  readonly result: T;
  /** The events its appends stored. */
  readonly appended: number;
}> {
  checkArguments("countAppended", { work: [aFunction, work] });
  const tally: Tally = { appended: 0, outer: tallies.getStore() };
  const result = await tallies.run(tally, work);
  return { result, appended: tally.appended };
}

/**
 * Counts, for the {@link countAppended} calls the running work is in, the
 * events of `stored` that an append of `prepared` stored (a retry with a
 * used idempotency key answers the first append's events, with other ids).
 * Called by `EventLog.append`.
 */
export function tallyAppended(prepared: readonly PreparedEvent[], stored: readonly StoredEvent[]): void {
  let tally = tallies.getStore();
  if (tally === undefined) return;
  const ids = new Set(prepared.map((event) => event.id));
  const appended = stored.filter((event) => ids.has(event.id)).length;
  for (; tally !== undefined; tally = tally.outer) tally.appended += appended;
}
