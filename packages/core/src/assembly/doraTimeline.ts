import type { DeploymentHistory, IncidentHistory } from "./AssemblyHistory.js";
import type { DoraIndex } from "./internal/DoraIndex.js";

/** Whether a deployment is among those measured: to the environment, recorded before the window's end. */
export type Measured = (deployment: DeploymentHistory) => boolean;

/** The incidents naming only one line, each with the deployment it counts against. */
export interface LineBlame {
  /** Per incident, the deployment it counts against. */
  readonly causes: ReadonlyMap<IncidentHistory, DeploymentHistory>;
  /** Per deployment id, the incidents counted against it. */
  readonly caused: ReadonlyMap<string, readonly IncidentHistory[]>;
}

/**
 * Finds, per line (each line's blame worked out once), the deployment each
 * incident opened before `end` and naming only that line counts against: the
 * line's latest measured deployment recorded before the incident opened. One
 * pass over the line's deployments, its incidents taken in order of opening.
 */
export function lineBlame(index: DoraIndex, measured: Measured, end: number): (line: string) => LineBlame {
  const found = new Map<string, LineBlame>();
  return (line) => {
    let blame = found.get(line);
    if (blame !== undefined) return blame;
    const deployments = (index.byLine.get(line) ?? []).filter(measured);
    const causes = new Map<IncidentHistory, DeploymentHistory>();
    const caused = new Map<string, IncidentHistory[]>();
    let latest: DeploymentHistory | undefined;
    let next = 0;
    for (const incident of index.lineOnly.get(line) ?? []) {
      if (incident.openedAt >= end) break;
      for (
        let deployment = deployments[next];
        deployment !== undefined && deployment.at <= incident.openedAt;
      ) {
        latest = deployment;
        deployment = deployments[++next];
      }
      if (latest === undefined) continue;
      causes.set(incident, latest);
      const incidents = caused.get(latest.id);
      if (incidents === undefined) caused.set(latest.id, [incident]);
      else incidents.push(incident);
    }
    blame = { causes, caused };
    found.set(line, blame);
    return blame;
  };
}

/**
 * Finds, for a measured deployment, the first later measured successful one
 * of one of its lines or of no known line (any, when it has no known line
 * itself); undefined when there is none. Reads only the lines asked about.
 */
export function nextSuccess(
  index: DoraIndex,
  measured: Measured,
): (deployment: DeploymentHistory) => DeploymentHistory | undefined {
  const successes = new Map<readonly DeploymentHistory[], readonly DeploymentHistory[]>();
  const succeeded = (deployments: readonly DeploymentHistory[]) => {
    let found = successes.get(deployments);
    if (found === undefined) {
      found = deployments.filter((deployment) => deployment.status === "succeeded" && measured(deployment));
      successes.set(deployments, found);
    }
    return found;
  };
  // The first of `deployments` (in order) later than `at`, by binary search.
  const firstAfter = (deployments: readonly DeploymentHistory[], at: number) => {
    let [low, high] = [0, deployments.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((deployments[middle] as DeploymentHistory).at > at) high = middle;
      else low = middle + 1;
    }
    return deployments[low];
  };
  const rank = (deployment: DeploymentHistory | undefined) =>
    deployment === undefined ? Number.POSITIVE_INFINITY : (index.rank.get(deployment.id) as number);
  return (deployment) => {
    const lines = index.lines.get(deployment.id) as ReadonlySet<string>;
    let first = firstAfter(succeeded(lines.size === 0 ? index.ordered : index.lineless), deployment.at);
    for (const line of lines) {
      const candidate = firstAfter(succeeded(index.byLine.get(line) ?? []), deployment.at);
      if (rank(candidate) < rank(first)) first = candidate;
    }
    return first;
  };
}
