import type { AssemblyHistory, DeploymentHistory, IncidentHistory, ItemHistory } from "../AssemblyHistory.js";
import { insertSorted, listOf, removeSorted } from "./sortedLists.js";

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
  /** Per incident id, the deployments that list it as remediated, in order. */
  readonly remediators: ReadonlyMap<string, readonly DeploymentHistory[]>;
  /** Per deployment id, the incidents that name it, by time of opening (ties in record order). */
  readonly named: ReadonlyMap<string, readonly IncidentHistory[]>;
  /** Per line, the incidents naming that line and no deployment, by time of opening (ties in record order). */
  readonly lineOnly: ReadonlyMap<string, readonly IncidentHistory[]>;
  /** Per line, every incident naming that line, by time of opening (ties in record order). */
  readonly incidentsOfLine: ReadonlyMap<string, readonly IncidentHistory[]>;
}

/** A {@link DoraIndex} that can follow its history: the same lists, open to the `add*` functions below. */
export interface LiveDoraIndex extends DoraIndex {
  readonly ordered: DeploymentHistory[];
  readonly rank: Map<string, number>;
  readonly lines: Map<string, ReadonlySet<string>>;
  readonly byLine: Map<string, DeploymentHistory[]>;
  readonly lineless: DeploymentHistory[];
  readonly byItem: Map<string, DeploymentHistory[]>;
  readonly remediators: Map<string, DeploymentHistory[]>;
  readonly named: Map<string, IncidentHistory[]>;
  readonly lineOnly: Map<string, IncidentHistory[]>;
  readonly incidentsOfLine: Map<string, IncidentHistory[]>;
}

/** The lines of `deployment`: the one it names, else those of its work items `history` knows, in their order. */
function linesOf(history: AssemblyHistory, deployment: DeploymentHistory): ReadonlySet<string> {
  return new Set(
    deployment.line === undefined
      ? deployment.workItems.flatMap((id) => history.items.get(id)?.line ?? [])
      : [deployment.line],
  );
}

/** Indexes the deployments and incidents of `history` in one pass over each. */
export function buildDoraIndex(history: AssemblyHistory): LiveDoraIndex {
  // A stable sort by time keeps the map's order among equal times.
  const ordered = [...history.deployments.values()].sort((a, b) => a.at - b.at);
  const index: LiveDoraIndex = {
    ordered,
    rank: new Map(),
    lines: new Map(),
    byLine: new Map(),
    lineless: [],
    byItem: new Map(),
    remediators: new Map(),
    named: new Map(),
    lineOnly: new Map(),
    incidentsOfLine: new Map(),
  };
  ordered.forEach((deployment, place) => {
    index.rank.set(deployment.id, place);
    const found = linesOf(history, deployment);
    index.lines.set(deployment.id, found);
    if (found.size === 0) index.lineless.push(deployment);
    for (const line of found) listOf(index.byLine, line).push(deployment);
    for (const id of new Set(deployment.workItems)) listOf(index.byItem, id).push(deployment);
    for (const id of new Set(deployment.remediates)) listOf(index.remediators, id).push(deployment);
  });
  const byOpening = [...history.incidents.values()].sort((a, b) => a.openedAt - b.openedAt);
  for (const incident of byOpening) {
    if (incident.deployment !== undefined) listOf(index.named, incident.deployment).push(incident);
    if (incident.line === undefined) continue;
    listOf(index.incidentsOfLine, incident.line).push(incident);
    if (incident.deployment === undefined) listOf(index.lineOnly, incident.line).push(incident);
  }
  return index;
}

/** Puts `deployment` into a list in index order (it is ranked already). */
function insertByRank(index: LiveDoraIndex, list: DeploymentHistory[], deployment: DeploymentHistory): void {
  const rankOf = (other: DeploymentHistory) => index.rank.get(other.id) as number;
  insertSorted(list, deployment, rankOf);
}

/**
 * Adds a deployment just recorded under a new id (the last in
 * `history.deployments`) to `index`: after every deployment recorded at or
 * before its time, so the index equals one built afresh. Costs a few binary
 * searches when it is the latest, as in a live log; one recorded earlier than
 * others (clocks apart) also renumbers those after it.
 */
export function addDeployment(
  index: LiveDoraIndex,
  history: AssemblyHistory,
  deployment: DeploymentHistory,
): void {
  const place = insertSorted(index.ordered, deployment, (other) => other.at);
  for (let at = place; at < index.ordered.length; at++)
    index.rank.set((index.ordered[at] as DeploymentHistory).id, at);
  const found = linesOf(history, deployment);
  index.lines.set(deployment.id, found);
  if (found.size === 0) insertByRank(index, index.lineless, deployment);
  for (const line of found) insertByRank(index, listOf(index.byLine, line), deployment);
  for (const id of new Set(deployment.workItems)) insertByRank(index, listOf(index.byItem, id), deployment);
  for (const id of new Set(deployment.remediates))
    insertByRank(index, listOf(index.remediators, id), deployment);
}

/** Adds an incident just opened under a new id to `index`, after those opened at or before its time. */
export function addIncident(index: LiveDoraIndex, incident: IncidentHistory): void {
  const openedAt = (other: IncidentHistory) => other.openedAt;
  if (incident.deployment !== undefined)
    insertSorted(listOf(index.named, incident.deployment), incident, openedAt);
  if (incident.line === undefined) return;
  insertSorted(listOf(index.incidentsOfLine, incident.line), incident, openedAt);
  if (incident.deployment === undefined)
    insertSorted(listOf(index.lineOnly, incident.line), incident, openedAt);
}

/**
 * Follows a work item just created under a new id: a deployment naming no
 * line that listed it before it was known gains the item's line.
 */
export function addItem(index: LiveDoraIndex, history: AssemblyHistory, item: ItemHistory): void {
  for (const deployment of index.byItem.get(item.id) ?? []) {
    if (deployment.line !== undefined) continue;
    const before = index.lines.get(deployment.id) as ReadonlySet<string>;
    // Taken afresh, so the lines keep the order of the items listing them, as in a new index.
    index.lines.set(deployment.id, linesOf(history, deployment));
    if (before.has(item.line)) continue;
    if (before.size === 0)
      removeSorted(index.lineless, deployment, (other) => index.rank.get(other.id) as number);
    insertByRank(index, listOf(index.byLine, item.line), deployment);
  }
}
