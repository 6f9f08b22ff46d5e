import type { AssemblyHistory, DeploymentHistory, IncidentHistory, ItemHistory } from "../AssemblyHistory.js";

/**
 * The deployments and incidents of a history indexed by line, work item and
 * incident, so the DORA measures of one line read only that line's share.
 * Lists of deployments are in the order the measures walk them: by time, then
 * by their place in `history.deployments` (ties keep the order they were
 * first recorded in).
 */
export interface DoraIndex {
  /** Every deployment (all environments), in order. */
  readonly ordered: readonly DeploymentHistory[];
  /** A deployment's place in `ordered`, by id. */
  readonly rank: ReadonlyMap<string, number>;
  /** The lines of each deployment, by id: the one it names, else those of the work items it ships. */
  readonly lines: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per line, the deployments that have it among their lines, in order. */
  readonly byLine: ReadonlyMap<string, readonly DeploymentHistory[]>;
  /** Deployments with no known line, in order. */
  readonly lineless: readonly DeploymentHistory[];
  /** Per work item id, the deployments that list it, in order. */
  readonly byItem: ReadonlyMap<string, readonly DeploymentHistory[]>;
  /** Per line, the work items created on it. */
  readonly itemsByLine: ReadonlyMap<string, readonly ItemHistory[]>;
  /** Per incident id, the deployments that list it as remediated, in order. */
  readonly remediators: ReadonlyMap<string, readonly DeploymentHistory[]>;
  /** Per deployment id, the incidents that name it. */
  readonly named: ReadonlyMap<string, readonly IncidentHistory[]>;
  /** Per line, the incidents naming that line and no deployment, by time of opening (ties in record order). */
  readonly lineOnly: ReadonlyMap<string, readonly IncidentHistory[]>;
  /** Per line, every incident naming that line. */
  readonly incidentsOfLine: ReadonlyMap<string, readonly IncidentHistory[]>;
}

const versions = new WeakMap<AssemblyHistory, number>();
const cache = new WeakMap<AssemblyHistory, { readonly version: number; readonly index: DoraIndex }>();

/**
 * Records that `history` changed in a way its {@link DoraIndex} reflects (a
 * work item, deployment or incident was recorded), so the next measure
 * rebuilds the index. The history folder calls it; a history it never saw
 * is indexed afresh at every measure.
 */
export function markDoraChange(history: AssemblyHistory): void {
  versions.set(history, (versions.get(history) ?? 0) + 1);
}

/** The {@link DoraIndex} of `history`, kept until the history folder records a change to it. */
export function doraIndexOf(history: AssemblyHistory): DoraIndex {
  const version = versions.get(history);
  if (version === undefined) return buildDoraIndex(history);
  const cached = cache.get(history);
  if (cached !== undefined && cached.version === version) return cached.index;
  const index = buildDoraIndex(history);
  cache.set(history, { version, index });
  return index;
}

/** Appends `value` to the list under `key`, creating it. */
function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Indexes the deployments, incidents and work items of `history` in one pass over each. */
function buildDoraIndex(history: AssemblyHistory): DoraIndex {
  // A stable sort by time keeps the map's order among equal times.
  const ordered = [...history.deployments.values()].sort((a, b) => a.at - b.at);
  const rank = new Map<string, number>();
  const lines = new Map<string, ReadonlySet<string>>();
  const byLine = new Map<string, DeploymentHistory[]>();
  const lineless: DeploymentHistory[] = [];
  const byItem = new Map<string, DeploymentHistory[]>();
  const remediators = new Map<string, DeploymentHistory[]>();
  ordered.forEach((deployment, place) => {
    rank.set(deployment.id, place);
    const found = new Set(
      deployment.line === undefined
        ? deployment.workItems.flatMap((id) => history.items.get(id)?.line ?? [])
        : [deployment.line],
    );
    lines.set(deployment.id, found);
    if (found.size === 0) lineless.push(deployment);
    for (const line of found) push(byLine, line, deployment);
    for (const id of new Set(deployment.workItems)) push(byItem, id, deployment);
    for (const id of new Set(deployment.remediates)) push(remediators, id, deployment);
  });
  const itemsByLine = new Map<string, ItemHistory[]>();
  for (const item of history.items.values()) push(itemsByLine, item.line, item);
  const named = new Map<string, IncidentHistory[]>();
  const lineOnly = new Map<string, IncidentHistory[]>();
  const incidentsOfLine = new Map<string, IncidentHistory[]>();
  const byOpening = [...history.incidents.values()].sort((a, b) => a.openedAt - b.openedAt);
  for (const incident of byOpening) {
    if (incident.deployment !== undefined) push(named, incident.deployment, incident);
    if (incident.line === undefined) continue;
    push(incidentsOfLine, incident.line, incident);
    if (incident.deployment === undefined) push(lineOnly, incident.line, incident);
  }
  return {
    ordered,
    rank,
    lines,
    byLine,
    lineless,
    byItem,
    itemsByLine,
    remediators,
    named,
    lineOnly,
    incidentsOfLine,
  };
}
