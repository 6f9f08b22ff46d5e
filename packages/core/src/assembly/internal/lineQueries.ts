/**
 * Reads of work items and signals over the folded state, returned as copies
 * that callers may keep.
 *
 * @module
 */
import { NotFoundError } from "../../errors.js";
import type { Signal } from "../Signal.js";
import type { WorkItem, WorkItemFilter } from "../WorkItem.js";
import type { AssemblyState } from "./AssemblyState.js";
import { copySignal } from "./fieldEvents.js";
import { snapshot } from "./moves.js";
import { quotedId } from "./quotedId.js";

/** A work item, if it exists. */
export function getItem(state: AssemblyState, id: string): WorkItem | undefined {
  const item = state.items.get(id);
  return item === undefined ? undefined : snapshot(item);
}

/**
 * A work item.
 *
 * @throws NotFoundError when there is no such item.
 */
export function expectItem(state: AssemblyState, id: string): WorkItem {
  const item = getItem(state, id);
  if (item === undefined)
    throw new NotFoundError({ message: `no work item ${quotedId(id)}`, entity: "workItem", id });
  return item;
}

/** Work items matching a filter, oldest first. */
export function listItems(state: AssemblyState, filter: WorkItemFilter): WorkItem[] {
  const out: WorkItem[] = [];
  for (const item of state.items.values()) {
    if (filter.line !== undefined && item.line !== filter.line) continue;
    if (filter.state !== undefined && item.state !== filter.state) continue;
    if (filter.stage !== undefined && item.stage !== filter.stage) continue;
    if (filter.owner !== undefined && item.owner !== filter.owner) continue;
    out.push(snapshot(item));
  }
  return out;
}

/** A signal, if it exists. */
export function getSignal(state: AssemblyState, id: string): Signal | undefined {
  const signal = state.signals.get(id);
  return signal === undefined ? undefined : copySignal(signal);
}

/** Every signal, optionally of one line. */
export function listSignals(state: AssemblyState, filter: { readonly line?: string }): Signal[] {
  return [...state.signals.values()]
    .filter((signal) => filter.line === undefined || signal.line === filter.line)
    .map(copySignal);
}
