import type { AssemblyHistory, ItemHistory, SignalHistory } from "../AssemblyHistory.js";
import { insertOnce, listOf } from "./sortedLists.js";

/**
 * The work items and signals of a history by line and operator, so the
 * measures of one scope read only the candidates for it. Each list keeps the
 * order of `history.items` or `history.signals`, so a measure reading it
 * walks its entries as one walking the whole history would.
 */
export interface ScopeIndex {
  /** Per line, the work items created on it. */
  readonly itemsByLine: ReadonlyMap<string, readonly ItemHistory[]>;
  /** Per operator, every work item they ever owned (the owner as of a time is among these). */
  readonly itemsByOwner: ReadonlyMap<string, readonly ItemHistory[]>;
  /** Per line, every signal ever routed to it (the line as of a time is among these). */
  readonly signalsByLine: ReadonlyMap<string, readonly SignalHistory[]>;
  /** Per operator, the signals they captured. */
  readonly signalsByCapturer: ReadonlyMap<string, readonly SignalHistory[]>;
}

/**
 * The candidates of a scope: the shorter of its line's list and its
 * operator's (either may be absent, not both), to be filtered by the scope.
 */
export function shorterOf<V>(
  ofLine: readonly V[] | undefined,
  ofOperator: readonly V[] | undefined,
): readonly V[] {
  if (ofLine === undefined) return ofOperator ?? [];
  return ofOperator !== undefined && ofOperator.length < ofLine.length ? ofOperator : ofLine;
}

/** A {@link ScopeIndex} that can follow its history: the same lists, open to the `add*` functions below. */
export interface LiveScopeIndex extends ScopeIndex {
  readonly itemsByLine: Map<string, ItemHistory[]>;
  readonly itemsByOwner: Map<string, ItemHistory[]>;
  readonly signalsByLine: Map<string, SignalHistory[]>;
  readonly signalsByCapturer: Map<string, SignalHistory[]>;
  /** Each work item's place in `history.items`. */
  readonly itemPlace: Map<ItemHistory, number>;
  /** Each signal's place in `history.signals`. */
  readonly signalPlace: Map<SignalHistory, number>;
}

/** Indexes the work items and signals of `history` in one pass over each. */
export function buildScopeIndex(history: AssemblyHistory): LiveScopeIndex {
  const index: LiveScopeIndex = {
    itemsByLine: new Map(),
    itemsByOwner: new Map(),
    signalsByLine: new Map(),
    signalsByCapturer: new Map(),
    itemPlace: new Map(),
    signalPlace: new Map(),
  };
  for (const item of history.items.values()) {
    index.itemPlace.set(item, index.itemPlace.size);
    listOf(index.itemsByLine, item.line).push(item);
    for (const owner of new Set(item.owners.map((entry) => entry.owner)))
      listOf(index.itemsByOwner, owner).push(item);
  }
  for (const signal of history.signals.values()) {
    index.signalPlace.set(signal, index.signalPlace.size);
    listOf(index.signalsByCapturer, signal.capturedBy).push(signal);
    for (const line of new Set(signal.routings.map((routing) => routing.line)))
      listOf(index.signalsByLine, line).push(signal);
  }
  return index;
}

/** Adds a work item just created under a new id (the last in `history.items`) with its first owner. */
export function addScopeItem(index: LiveScopeIndex, item: ItemHistory): void {
  index.itemPlace.set(item, index.itemPlace.size);
  listOf(index.itemsByLine, item.line).push(item);
  for (const entry of item.owners) addOwner(index, item, entry.owner);
}

/** Follows an item's new owner: it joins their items, in history order, unless they owned it before. */
export function addOwner(index: LiveScopeIndex, item: ItemHistory, owner: string): void {
  insertOnce(listOf(index.itemsByOwner, owner), item, (other) => index.itemPlace.get(other) as number);
}

/** Adds a signal just captured under a new id (the last in `history.signals`). */
export function addSignal(index: LiveScopeIndex, signal: SignalHistory): void {
  index.signalPlace.set(signal, index.signalPlace.size);
  listOf(index.signalsByCapturer, signal.capturedBy).push(signal);
}

/** Follows a signal's routing: it joins the line's signals, in history order, unless it was routed there before. */
export function addRouting(index: LiveScopeIndex, signal: SignalHistory, line: string): void {
  insertOnce(listOf(index.signalsByLine, line), signal, (other) => index.signalPlace.get(other) as number);
}
