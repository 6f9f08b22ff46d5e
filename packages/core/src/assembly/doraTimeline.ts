import type { AssemblyHistory, DeploymentHistory } from "./AssemblyHistory.js";

/** The lines of a deployment: the one it names, else those of the work items it ships. */
export type LinesOf = (deployment: DeploymentHistory) => ReadonlySet<string>;

/** {@link LinesOf} over `history`, each deployment's lines found once and kept. */
export function deploymentLines(history: AssemblyHistory): LinesOf {
  const lines = new Map<string, ReadonlySet<string>>();
  return (deployment) => {
    let found = lines.get(deployment.id);
    if (found === undefined) {
      found = new Set(
        deployment.line === undefined
          ? deployment.workItems.flatMap((id) => history.items.get(id)?.line ?? [])
          : [deployment.line],
      );
      lines.set(deployment.id, found);
    }
    return found;
  };
}

/**
 * The deployment each incident opened before `end` counts against: the one it
 * names, else (when it names a line) the latest deployment of that line
 * recorded before it opened, among `deployments` (oldest first). One pass over
 * the deployments, the incidents naming only a line taken in order of opening.
 */
export function blameIncidents(
  history: AssemblyHistory,
  deployments: readonly DeploymentHistory[],
  end: number,
  linesOf: LinesOf,
): Map<string, DeploymentHistory> {
  const opened = [...history.incidents.values()].filter((incident) => incident.openedAt < end);
  const byLine = opened
    .filter((incident) => incident.deployment === undefined && incident.line !== undefined)
    .sort((a, b) => a.openedAt - b.openedAt);
  const latest = new Map<string, DeploymentHistory>();
  const lineCause = new Map<string, DeploymentHistory>();
  let next = 0;
  for (const incident of byLine) {
    for (
      let deployment = deployments[next];
      deployment !== undefined && deployment.at <= incident.openedAt;
    ) {
      for (const line of linesOf(deployment)) latest.set(line, deployment);
      deployment = deployments[++next];
    }
    const cause = latest.get(incident.line as string);
    if (cause !== undefined) lineCause.set(incident.id, cause);
  }
  const blamed = new Map<string, DeploymentHistory>();
  for (const incident of opened) {
    const cause =
      incident.deployment === undefined
        ? lineCause.get(incident.id)
        : history.deployments.get(incident.deployment);
    if (cause !== undefined) blamed.set(incident.id, cause);
  }
  return blamed;
}

/**
 * Finds, for a deployment among `deployments` (oldest first), the first later
 * successful one of one of its lines or of no known line (any, when it has no
 * known line itself); undefined when there is none.
 */
export function nextSuccess(
  deployments: readonly DeploymentHistory[],
  linesOf: LinesOf,
): (deployment: DeploymentHistory) => DeploymentHistory | undefined {
  const any: number[] = [];
  const lineless: number[] = [];
  const byLine = new Map<string, number[]>();
  deployments.forEach((deployment, index) => {
    if (deployment.status !== "succeeded") return;
    any.push(index);
    const lines = linesOf(deployment);
    if (lines.size === 0) lineless.push(index);
    for (const line of lines) {
      const indexes = byLine.get(line);
      if (indexes === undefined) byLine.set(line, [index]);
      else indexes.push(index);
    }
  });
  // The first of `indexes` (ascending) whose deployment is later than `at`, by binary search.
  const firstAfter = (indexes: readonly number[], at: number): number => {
    let [low, high] = [0, indexes.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((deployments[indexes[middle] as number] as DeploymentHistory).at > at) high = middle;
      else low = middle + 1;
    }
    return indexes[low] ?? Number.POSITIVE_INFINITY;
  };
  return (deployment) => {
    const lines = linesOf(deployment);
    let first = lines.size === 0 ? firstAfter(any, deployment.at) : firstAfter(lineless, deployment.at);
    for (const line of lines) first = Math.min(first, firstAfter(byLine.get(line) ?? [], deployment.at));
    return Number.isFinite(first) ? deployments[first] : undefined;
  };
}
