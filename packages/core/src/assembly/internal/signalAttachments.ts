/**
 * The one rule both folds (the read model and the measures' history) follow
 * for attaching a signal to work: a signal given when the item is created,
 * or an `addresses` link from the work item (downstream) to the signal
 * (upstream), attaches it. An attached signal is in the item's `signals` and
 * the item in the signal's `workItems`; it counts as turned into work, and
 * delivering the item resolves it. Reviewing the link `obsolete` detaches
 * the signal, unless the item was created with it (or another link attached
 * it first), and undoes the resolution that item's delivery brought; a new
 * link attaches it again.
 *
 * @module
 */
import type { NewEvent } from "../../EventLog.js";
import type { AssemblyState } from "./AssemblyState.js";
import type { Ends } from "./TraceGraph.js";

/** The link type that attaches a signal to the work item it runs from. */
export const ATTACHING_LINK_TYPE = "addresses";

/** Whether a link attaches its upstream signal to its downstream work item. */
export function attachesSignal(
  link: Ends,
  isItem: (id: string) => boolean,
  isSignal: (id: string) => boolean,
): boolean {
  return link.type === ATTACHING_LINK_TYPE && isItem(link.from) && isSignal(link.to);
}

/** The events resolving the signals of `signals` not resolved yet: those attached to the work item `item` when it is delivered. */
export function resolutionEvents(state: AssemblyState, item: string, signals: readonly string[]): NewEvent[] {
  return signals.flatMap((id) =>
    state.signals.get(id)?.resolvedAt === undefined
      ? [{ type: "signal.resolved", subject: id, data: { workItem: item } }]
      : [],
  );
}
