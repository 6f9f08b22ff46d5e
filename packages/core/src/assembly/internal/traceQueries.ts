/**
 * Questions asked of the trace links over the folded state: which links are
 * suspect for a work item or a line, and a work item's whole chain from the
 * signals it came from to what was built, tested and shipped from it.
 *
 * @module
 */
import type { Trace } from "../Trace.js";
import type { TraceLink } from "../TraceLink.js";
import type { WorkItem } from "../WorkItem.js";
import type { AssemblyState } from "./AssemblyState.js";
import { copySignal } from "./fieldEvents.js";

/** Adds a work item and its artifacts to `nodes`. */
export function addItemNodes(state: AssemblyState, nodes: Set<string>, itemId: string): void {
  nodes.add(itemId);
  for (const artifact of state.artifactsOf(itemId)) nodes.add(artifact.id);
}

/** Suspect links factory-wide, of one work item (with its artifacts), or of one line (its items and artifacts). */
export function scopedSuspectLinks(
  state: AssemblyState,
  scope: { readonly item?: string; readonly line?: string },
): TraceLink[] {
  if (scope.item === undefined && scope.line === undefined) return state.trace.suspectLinks();
  const nodes = new Set<string>();
  if (scope.item !== undefined) addItemNodes(state, nodes, scope.item);
  if (scope.line !== undefined) {
    for (const item of state.items.values())
      if (item.line === scope.line) addItemNodes(state, nodes, item.id);
    for (const artifact of state.artifacts.values()) if (artifact.line === scope.line) nodes.add(artifact.id);
  }
  return state.trace.suspectLinks(nodes);
}

/**
 * A work item's chain both ways: its signals, its artifacts and those linked
 * up- or downstream in stage order, and every link crossed.
 */
export function traceOf(state: AssemblyState, stageNames: readonly string[], item: WorkItem): Trace {
  const itemId = item.id;
  const starts = [itemId, ...state.artifactsOf(itemId).map((artifact) => artifact.id)];
  const up = state.trace.walk(starts, "upstream");
  const down = state.trace.walk(starts, "downstream");
  const ids = new Set([...starts, ...up.nodes, ...down.nodes]);
  const signalIds = new Set([...item.signals, ...[...ids].filter((id) => state.signals.has(id))]);
  const order = new Map(stageNames.map((stage, index) => [stage, index]));
  const artifacts = [...ids]
    .flatMap((id) => {
      const artifact = state.artifacts.get(id);
      return artifact === undefined ? [] : [artifact];
    })
    .sort((a, b) => (order.get(a.stage ?? "") ?? order.size) - (order.get(b.stage ?? "") ?? order.size));
  const linkIds = new Set<string>();
  const links = [...up.links, ...down.links].filter((link) => !linkIds.has(link.id) && linkIds.add(link.id));
  return {
    item,
    signals: [...signalIds].flatMap((id) => {
      const signal = state.signals.get(id);
      return signal === undefined ? [] : [copySignal(signal)];
    }),
    artifacts,
    links,
    upstream: up.nodes,
    downstream: down.nodes,
  };
}
