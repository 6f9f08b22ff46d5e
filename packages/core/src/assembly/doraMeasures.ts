import type { AssemblyHistory, DeploymentHistory, IncidentHistory } from "./AssemblyHistory.js";
import { blameIncidents, deploymentLines, nextSuccess } from "./doraTimeline.js";
import { DAY, HOUR, type Percentiles, percentiles } from "./measureStats.js";

/** The five DORA software delivery measures, as dora.dev defines them. */
export interface DoraMeasures {
  /** Deployments to the environment in the window. */
  readonly deployments: number;
  /** Deployment frequency: deployments per 7 days. */
  readonly deploymentsPerWeek: number;
  /** Change lead time: from a work item's first change set to its first successful deployment, in hours. */
  readonly changeLeadTimeHours: Percentiles;
  /**
   * Change fail rate: deployments that failed or caused at least one incident
   * (counted once) over deployments. An incident is caused by the deployment
   * it names; one that names only a line, by that line's latest deployment
   * before it opened.
   */
  readonly changeFailRate: number;
  /**
   * Failed deployment recovery time, in hours: from a failed deployment to the
   * resolution of its last incident (or, with no incident, to the next
   * successful deployment of one of its lines, or of no known line: a
   * deployment naming no line and shipping nothing). Unrecovered ones are left out.
   */
  readonly failedDeploymentRecoveryHours: Percentiles;
  /** Deployment rework rate: unplanned deployments made to fix incidents over deployments. */
  readonly deploymentReworkRate: number;
}

/**
 * The DORA measures of the deployments to `environment` from `start` to
 * `end`, factory-wide or for the scope's line and operator (`itemInScope`
 * says which work items are theirs); null when no deployment is in the window.
 */
export function measureDora(
  history: AssemblyHistory,
  start: number,
  end: number,
  environment: string,
  scope: { readonly line: string | undefined; readonly operator: string | undefined },
  itemInScope: (id: string) => boolean,
): DoraMeasures | null {
  const { line, operator } = scope;
  const all = [...history.deployments.values()]
    .filter((deployment) => deployment.environment === environment && deployment.at < end)
    .sort((a, b) => a.at - b.at);
  const linesOf = deploymentLines(history);
  const ofLine = (deployment: DeploymentHistory, lineId: string) => linesOf(deployment).has(lineId);
  const blamed = blameIncidents(history, all, end, linesOf);
  const ships = (deployment: DeploymentHistory) =>
    (line === undefined || ofLine(deployment, line)) &&
    (operator === undefined || deployment.workItems.some(itemInScope));
  const scoped = all.filter(
    (deployment) =>
      (line === undefined && operator === undefined) ||
      ships(deployment) ||
      deployment.remediates.some((id) => {
        if (operator === undefined && history.incidents.get(id)?.line === line) return true;
        const cause = blamed.get(id);
        return cause !== undefined && ships(cause);
      }),
  );
  const caused = new Map<string, IncidentHistory[]>();
  for (const [id, cause] of blamed) {
    const incident = history.incidents.get(id) as IncidentHistory;
    const incidents = caused.get(cause.id);
    if (incidents === undefined) caused.set(cause.id, [incident]);
    else incidents.push(incident);
  }
  const inWindow = scoped.filter((deployment) => deployment.at >= start);
  if (inWindow.length === 0) return null;
  const shipped = new Set<string>();
  const leadTimes: number[] = [];
  for (const deployment of all) {
    if (deployment.status === "failed") continue; // the change did not reach the environment
    for (const id of deployment.workItems) {
      if (shipped.has(id)) continue;
      shipped.add(id);
      const firstChange = history.items.get(id)?.firstChangeAt;
      if (
        deployment.at >= start &&
        itemInScope(id) &&
        firstChange !== undefined &&
        firstChange <= deployment.at
      ) {
        leadTimes.push((deployment.at - firstChange) / HOUR);
      }
    }
  }
  let failed = 0;
  let rework = 0;
  const recoveries: number[] = [];
  const recovery = nextSuccess(all, linesOf);
  for (const deployment of inWindow) {
    if (deployment.remediates.length > 0) rework++;
    const incidents = caused.get(deployment.id) ?? [];
    if (deployment.status !== "failed" && incidents.length === 0) continue;
    failed++;
    let recoveredAt: number | undefined;
    if (incidents.length > 0) {
      const resolved = incidents.map((incident) => incident.resolvedAt);
      if (resolved.every((at) => at !== undefined && at < end))
        recoveredAt = Math.max(...(resolved as number[]));
    } else {
      recoveredAt = recovery(deployment)?.at;
    }
    // An incident stamped before its deployment (clocks apart) recovers it at once, never in negative time.
    if (recoveredAt !== undefined) recoveries.push(Math.max(0, recoveredAt - deployment.at) / HOUR);
  }
  return {
    deployments: inWindow.length,
    deploymentsPerWeek: (inWindow.length / ((end - start) / DAY)) * 7,
    changeLeadTimeHours: percentiles(leadTimes),
    changeFailRate: failed / inWindow.length,
    failedDeploymentRecoveryHours: percentiles(recoveries),
    deploymentReworkRate: rework / inWindow.length,
  };
}
