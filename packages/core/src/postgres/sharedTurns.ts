/**
 * The write turns shared by the stores of one process on one log: a turn the
 * running attempt of a write holds through one store serves its calls through
 * every other store opened on the same log (the same URL and schema, say).
 *
 * @module
 */
import { heldTurn, type WriteTurns } from "../retryOnConflict.js";
import type { PostgresTurn } from "./PostgresTurn.js";

/** The write turns of the stores open in this process, by their log's place in the order of turns. */
const storesOfLog = new Map<string, Set<WriteTurns<PostgresTurn>>>();

/** Lists a store's write turns with those of the other stores of this process on its log (`turns.order`). */
export function shareTurns(turns: WriteTurns<PostgresTurn>): void {
  const stores = storesOfLog.get(turns.order) ?? new Set();
  storesOfLog.set(turns.order, stores.add(turns));
}

/** Takes a store's write turns off the list (the store is closing): other stores on its log no longer borrow them. */
export function unshareTurns(turns: WriteTurns<PostgresTurn>): void {
  const stores = storesOfLog.get(turns.order);
  stores?.delete(turns);
  if (stores?.size === 0) storesOfLog.delete(turns.order);
}

/**
 * The open turn the running attempt of a write holds on the log of `turns`
 * through another store of this process on it, if any: its calls through
 * the store of `turns` go through that turn (and end it as its own), as they
 * would wait for it otherwise.
 */
export function borrowedTurn(turns: WriteTurns<PostgresTurn>): PostgresTurn | undefined {
  for (const other of storesOfLog.get(turns.order) ?? []) {
    const turn = other === turns ? undefined : heldTurn(other);
    if (turn?.open === true) return turn;
  }
  return undefined;
}
