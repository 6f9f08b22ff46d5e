import type { AssemblyHistory, DeploymentHistory, IncidentHistory, ItemHistory } from "./AssemblyHistory.js";
import { type LineBlame, lineBlame, type Measured, nextSuccess } from "./doraTimeline.js";
import type { DoraIndex } from "./internal/DoraIndex.js";
import { doraIndexOf } from "./internal/HistoryIndexes.js";
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
 * says which work items of the history are theirs, all on the scope's line
 * when it has one, and `items` lists them, in history order); null when no
 * deployment is in the window. A line's measures read only its share of the
 * history: its deployments and work items, the incidents blamed on those,
 * and the deployments remediating them.
 */
export function measureDora(
  history: AssemblyHistory,
  start: number,
  end: number,
  environment: string,
  scope: { readonly line: string | undefined; readonly operator: string | undefined },
  itemInScope: (id: string) => boolean,
  items: readonly ItemHistory[],
): DoraMeasures | null {
  const index = doraIndexOf(history);
  const measured = (deployment: DeploymentHistory) =>
    deployment.environment === environment && deployment.at < end;
  const blame = lineBlame(index, measured, end);
  const inWindow = scopedDeployments(index, scope, { itemInScope, items, measured, end, blame }).filter(
    (deployment) => deployment.at >= start,
  );
  if (inWindow.length === 0) return null;
  const leadTimes: number[] = [];
  for (const item of items) {
    const deployment = index.byItem
      .get(item.id)
      ?.find((shipped) => shipped.status !== "failed" && measured(shipped));
    const firstChange = item.firstChangeAt;
    // Only the first successful deployment shipping the item counts; a failed one did not reach the environment.
    if (
      deployment !== undefined &&
      deployment.at >= start &&
      firstChange !== undefined &&
      firstChange <= deployment.at
    )
      leadTimes.push((deployment.at - firstChange) / HOUR);
  }
  let failed = 0;
  let rework = 0;
  const recoveries: number[] = [];
  const recovery = nextSuccess(index, measured);
  for (const deployment of inWindow) {
    if (deployment.remediates.length > 0) rework++;
    const incidents = [
      ...(index.named.get(deployment.id) ?? []).filter((incident) => incident.openedAt < end),
      ...[...(index.lines.get(deployment.id) ?? [])].flatMap(
        (line) => blame(line).caused.get(deployment.id) ?? [],
      ),
    ];
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

/**
 * The measured deployments of the scope, in order: all of them factory-wide;
 * else those shipping the scope's work (naming its line, else shipping its
 * items; with an operator, shipping one of their items), and those
 * remediating an incident blamed on one of these or (without an operator)
 * naming the line.
 */
function scopedDeployments(
  index: DoraIndex,
  scope: { readonly line: string | undefined; readonly operator: string | undefined },
  context: {
    readonly itemInScope: (id: string) => boolean;
    /** The scope's work items (those `itemInScope` accepts). */
    readonly items: readonly ItemHistory[];
    readonly measured: Measured;
    readonly end: number;
    readonly blame: (line: string) => LineBlame;
  },
): DeploymentHistory[] {
  const { line, operator } = scope;
  const { itemInScope, items, measured, end, blame } = context;
  if (line === undefined && operator === undefined) return index.ordered.filter(measured);
  const ships = (deployment: DeploymentHistory) =>
    (line === undefined || (index.lines.get(deployment.id) as ReadonlySet<string>).has(line)) &&
    (operator === undefined || deployment.workItems.some(itemInScope));
  const candidates =
    line === undefined
      ? items.flatMap((item) => index.byItem.get(item.id) ?? [])
      : (index.byLine.get(line) ?? []);
  const shipping = new Set(candidates.filter(ships));
  const incidents = new Set<IncidentHistory>(
    operator === undefined ? (index.incidentsOfLine.get(line as string) ?? []) : [],
  );
  const lines = new Set<string>();
  for (const deployment of shipping) {
    for (const incident of index.named.get(deployment.id) ?? [])
      if (incident.openedAt < end) incidents.add(incident);
    for (const touched of index.lines.get(deployment.id) ?? []) lines.add(touched);
  }
  for (const touched of lines)
    for (const [incident, cause] of blame(touched).causes) if (shipping.has(cause)) incidents.add(incident);
  const scoped = new Set([...shipping].filter(measured));
  for (const incident of incidents)
    for (const deployment of index.remediators.get(incident.id) ?? [])
      if (measured(deployment)) scoped.add(deployment);
  return [...scoped].sort((a, b) => (index.rank.get(a.id) as number) - (index.rank.get(b.id) as number));
}
