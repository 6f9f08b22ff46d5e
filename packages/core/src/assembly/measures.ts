import { z } from "zod";
import { validationErrorFromZod } from "../errors.js";
import { strictInput } from "../strictInput.js";
import type {
  AssemblyHistory,
  DeploymentHistory,
  IncidentHistory,
  ItemHistory,
  SignalHistory,
} from "./AssemblyHistory.js";
import type { ReworkCause } from "./WorkItem.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One end of a window: a Date, a time `new Date` reads (`2026-03-01`, `2026-03-01T09:00:00+02:00`) or epoch milliseconds. */
const windowEnd = z.unknown().transform((value, ctx) => {
  const date =
    value instanceof Date
      ? value
      : typeof value === "string" || typeof value === "number"
        ? new Date(value)
        : undefined;
  if (date !== undefined && !Number.isNaN(date.getTime())) return date;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  ctx.addIssue({
    code: "custom",
    message: `must be a date (2026-03-01, 2026-03-01T09:00:00+02:00, a Date or epoch milliseconds), not ${shown}`,
  });
  return z.NEVER;
});

// The shape is a const of its own and types the schema, so the built .d.ts keeps each field's TSDoc for hover.
const measureOptionsShape = {
  /** Start of the window, inclusive. */
  from: windowEnd,
  /** End of the window, exclusive. */
  to: windowEnd,
  /**
   * Only this line's items and signals (those routed to it, as of `to`), and its deployments for the DORA
   * measures: those naming the line (else shipping its items), with the
   * incidents blamed on them and the deployments remediating those or the
   * line's incidents.
   */
  line: z.string().min(1).optional(),
  /** Only items this operator owned at `to`, and signals they captured. */
  operator: z.string().min(1).optional(),
  /** Environment the DORA measures count (default `production`). */
  environment: z.string().min(1).default("production"),
  /** What disqualifies a delivered item from first-pass yield (all three by default). */
  yield: strictInput({
    /** A gate refusal on the way disqualifies it. */
    gateFailures: z.boolean().default(true),
    /** Being sent back for rework disqualifies it. */
    sendBacks: z.boolean().default(true),
    /** A suspect link reviewed as `adapted` disqualifies it. */
    adaptedLinks: z.boolean().default(true),
  }).prefault({}),
};
/** Options of {@link measureAssembly}: a misspelt key (`lines` for `line`) is refused, not dropped. */
export const MeasureOptionsSchema: z.ZodObject<typeof measureOptionsShape, z.core.$strict> = strictInput(
  measureOptionsShape,
).refine((options) => options.from.getTime() < options.to.getTime(), {
  message: "from must be before to",
  path: ["to"],
});
/** Options of {@link measureAssembly}. */
export type MeasureOptions = z.input<typeof MeasureOptionsSchema>;

/** The 50th and 85th percentiles (nearest rank) of a duration, in hours; null when there is no sample. */
export interface Percentiles {
  /** The median, in hours; null when there is no sample. */
  readonly p50: number | null;
  /** The 85th percentile, in hours; null when there is no sample. */
  readonly p85: number | null;
  /** Number of samples. */
  readonly count: number;
}

/** Measures of an assembly line over a window, computed only from its events. */
export interface AssemblyMeasures {
  /** The window measured. */
  readonly window: {
    /** Its start (inclusive), as an ISO 8601 timestamp. */
    readonly from: string;
    /** Its end (exclusive), as an ISO 8601 timestamp. */
    readonly to: string;
    /** Its length in days (fractional when it is not whole days). */
    readonly days: number;
  };
  /** What was measured: a line, an operator, both, or (with neither) the whole factory. */
  readonly scope: {
    /** The line measured; absent when not scoped to a line. */
    readonly line?: string;
    /** The operator measured; absent when not scoped to an operator. */
    readonly operator?: string;
  };
  /** The line operator's measure: delivered work that met the standards without rework. */
  readonly yield: {
    /** Items delivered in the window. */
    readonly delivered: number;
    /** Of those, items with no gate failure, no send back and no link cleared as adapted (per the options). */
    readonly firstPass: number;
    /** firstPass / delivered; null when nothing was delivered. */
    readonly rate: number | null;
    /** Per stage, among delivered items that went through it: those never sent back from it nor refused a gate leaving it. */
    readonly byStage: Readonly<
      Record<
        string,
        {
          /** Delivered items that went through the stage. */
          readonly items: number;
          /** Of those, items never sent back from it nor refused by a gate leaving it. */
          readonly firstPass: number;
          /** firstPass / items, 0 to 1; null when no item went through the stage. */
          readonly rate: number | null;
        }
      >
    >;
    /** Rework of the delivered items: send backs by cause, and links cleared as adapted. */
    readonly rework: {
      /** Send backs of the delivered items, all causes. */
      readonly sendBacks: number;
      /** Those send backs per rework cause. */
      readonly byCause: Readonly<Record<ReworkCause, number>>;
      /** Links of the delivered items (or their artifacts) cleared with the verdict `adapted`. */
      readonly adaptedLinks: number;
      /** Moves of the delivered items that a gate refused. */
      readonly gateFailures: number;
    };
  };
  /** The factory operator's measure: how much gets delivered, how fast. */
  readonly throughput: {
    /** Items delivered in the window. */
    readonly delivered: number;
    /** Delivered items per 7 days of window. */
    readonly perWeek: number;
    /** Creation (intake) to delivery, in hours. */
    readonly leadTimeHours: Percentiles;
    /** Per stage, time delivered items spent in it (all visits), in hours. */
    readonly cycleTimeHours: Readonly<Record<string, Percentiles>>;
    /** Items in WIP stages (active or blocked) at the end of the window. */
    readonly wip: number;
    /** Of the delivered items' lead time, the share not spent blocked; null when nothing was delivered. */
    readonly flowEfficiency: number | null;
  };
  /** The field operator's measure: what happened to the signals captured in the window. */
  readonly signals: {
    /** Signals captured in the window. */
    readonly captured: number;
    /** Of those, signals routed to a line by the window's end (first routed before it). */
    readonly routed: number;
    /** Of those, signals a work item was created from by the window's end. */
    readonly turnedIntoWork: number;
    /** Of those, signals resolved by the window's end. */
    readonly resolved: number;
    /** routed / captured; null when nothing was captured. */
    readonly routedShare: number | null;
    /** turnedIntoWork / captured; null when nothing was captured. */
    readonly workShare: number | null;
    /** resolved / captured; null when nothing was captured. */
    readonly resolvedShare: number | null;
    /** Median hours from capture to first routing (a re-route does not restart it), among routed signals. */
    readonly medianHoursToRoute: number | null;
    /** Median hours from capture to resolution, among resolved signals. */
    readonly medianHoursToResolve: number | null;
  };
  /** The five DORA measures, from deployment and incident events; null when no deployment is in the window. */
  readonly dora: DoraMeasures | null;
}

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
 * Computes yield, throughput and signal resolution for a window, factory-wide
 * or for one line or operator, from a folded history. Everything is counted
 * as of the window's end: later events are ignored.
 *
 * Percentiles are nearest-rank: the p-th percentile of n sorted samples is
 * the one at rank ceil(p/100 × n).
 *
 * @throws ValidationError when the options are invalid (`to: from must be before to`).
 * @example
 * ```ts
 * const history = foldAssemblyHistory(events);
 * const march = measureAssembly(history, { from: "2026-03-01", to: "2026-04-01", line: "checkout" });
 * console.log(march.yield.rate, march.throughput.leadTimeHours.p85);
 * ```
 */
export function measureAssembly(history: AssemblyHistory, options: MeasureOptions): AssemblyMeasures {
  const parsed = MeasureOptionsSchema.safeParse(options);
  if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "measure options" });
  const { from, to, line, operator } = parsed.data;
  const counts = parsed.data.yield;
  const start = from.getTime();
  const end = to.getTime();

  const inScope = (item: ItemHistory) =>
    (line === undefined || item.line === line) && (operator === undefined || ownerAt(item, end) === operator);
  const delivered: ItemHistory[] = [];
  let wip = 0;
  for (const item of history.items.values()) {
    if (!inScope(item) || item.createdAt >= end) continue;
    if (item.deliveredAt !== undefined && item.deliveredAt >= start && item.deliveredAt < end)
      delivered.push(item);
    if (inWipAt(item, end, history.wipStages)) wip++;
  }

  const byCause: Record<ReworkCause, number> = { defect: 0, upstream: 0, incident: 0, other: 0 };
  const stageItems = new Map<string, { items: number; firstPass: number }>();
  const stageTimes = new Map<string, number[]>();
  const leadTimes: number[] = [];
  let firstPass = 0;
  let sendBacks = 0;
  let adaptedLinks = 0;
  let gateFailures = 0;
  let leadTotal = 0;
  let blockedTotal = 0;
  for (const item of delivered) {
    const deliveredAt = item.deliveredAt as number;
    const backs = item.sendBacks.filter((back) => back.at < end);
    const failures = item.gateFailures.filter((failure) => failure.at < end);
    const adapted = item.adaptedAt.filter((at) => at < end).length;
    sendBacks += backs.length;
    gateFailures += failures.length;
    adaptedLinks += adapted;
    for (const back of backs) byCause[back.cause]++;
    const clean =
      (!counts.sendBacks || backs.length === 0) &&
      (!counts.gateFailures || failures.length === 0) &&
      (!counts.adaptedLinks || adapted === 0);
    if (clean) firstPass++;

    const lead = deliveredAt - item.createdAt;
    leadTimes.push(lead / HOUR);
    leadTotal += lead;
    blockedTotal += blockedWithin(item, item.createdAt, deliveredAt);

    const spent = new Map<string, number>();
    for (const visit of item.visits) {
      if (visit.exitedAt === undefined || visit.exitedAt >= end) continue;
      spent.set(visit.stage, (spent.get(visit.stage) ?? 0) + (visit.exitedAt - visit.enteredAt));
    }
    for (const [stage, ms] of spent) push(stageTimes, stage, ms / HOUR);
    for (const stage of new Set(
      item.visits.filter((visit) => visit.enteredAt < end).map((visit) => visit.stage),
    )) {
      const entry = stageItems.get(stage) ?? { items: 0, firstPass: 0 };
      entry.items++;
      const reworked = backs.some((back) => back.from === stage);
      const refused = failures.some((failure) => failure.from === stage);
      if (!reworked && !refused) entry.firstPass++;
      stageItems.set(stage, entry);
    }
  }

  const signals = measureSignals(history, start, end, line, operator);
  const dora = measureDora(history, start, end, parsed.data.environment, { line, operator }, (id) => {
    const item = history.items.get(id);
    return item !== undefined && inScope(item);
  });
  const days = (end - start) / DAY;
  return {
    window: { from: from.toISOString(), to: to.toISOString(), days },
    scope: { ...(line === undefined ? {} : { line }), ...(operator === undefined ? {} : { operator }) },
    yield: {
      delivered: delivered.length,
      firstPass,
      rate: ratio(firstPass, delivered.length),
      byStage: Object.fromEntries(
        [...stageItems].map(([stage, entry]) => [
          stage,
          { ...entry, rate: ratio(entry.firstPass, entry.items) },
        ]),
      ),
      rework: { sendBacks, byCause, adaptedLinks, gateFailures },
    },
    throughput: {
      delivered: delivered.length,
      perWeek: (delivered.length / days) * 7,
      leadTimeHours: percentiles(leadTimes),
      cycleTimeHours: Object.fromEntries(
        [...stageTimes].map(([stage, times]) => [stage, percentiles(times)]),
      ),
      wip,
      flowEfficiency: leadTotal === 0 ? null : (leadTotal - blockedTotal) / leadTotal,
    },
    signals,
    dora,
  };
}

function measureDora(
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
  const ofLine = (deployment: DeploymentHistory, lineId: string) =>
    deployment.line === undefined
      ? deployment.workItems.some((id) => history.items.get(id)?.line === lineId)
      : deployment.line === lineId;
  const lines = new Map<string, ReadonlySet<string>>();
  const linesOf = (deployment: DeploymentHistory): ReadonlySet<string> => {
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
  // A deployment with no known line (none named, nothing shipped) may be of any line.
  const sameLine = (a: DeploymentHistory, b: DeploymentHistory) => {
    const [ofA, ofB] = [linesOf(a), linesOf(b)];
    return ofA.size === 0 || ofB.size === 0 || [...ofA].some((id) => ofB.has(id));
  };
  const blamed = blameIncidents(history, all, end, ofLine);
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
    caused.set(cause.id, [...(caused.get(cause.id) ?? []), incident]);
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
      recoveredAt = all.find(
        (later) => later.at > deployment.at && later.status === "succeeded" && sameLine(later, deployment),
      )?.at;
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
 * The deployment each incident opened before `end` counts against: the one it
 * names, else (when it names a line) the latest deployment of that line
 * recorded before it opened, among `deployments` (oldest first).
 */
function blameIncidents(
  history: AssemblyHistory,
  deployments: readonly DeploymentHistory[],
  end: number,
  ofLine: (deployment: DeploymentHistory, line: string) => boolean,
): Map<string, DeploymentHistory> {
  const blamed = new Map<string, DeploymentHistory>();
  for (const incident of history.incidents.values()) {
    if (incident.openedAt >= end) continue;
    let cause = incident.deployment === undefined ? undefined : history.deployments.get(incident.deployment);
    if (incident.deployment === undefined && incident.line !== undefined) {
      for (const deployment of deployments) {
        if (deployment.at > incident.openedAt) break;
        if (ofLine(deployment, incident.line)) cause = deployment;
      }
    }
    if (cause !== undefined) blamed.set(incident.id, cause);
  }
  return blamed;
}

function measureSignals(
  history: AssemblyHistory,
  start: number,
  end: number,
  line: string | undefined,
  operator: string | undefined,
): AssemblyMeasures["signals"] {
  let captured = 0;
  let routed = 0;
  let turnedIntoWork = 0;
  let resolved = 0;
  const toRoute: number[] = [];
  const toResolve: number[] = [];
  for (const signal of history.signals.values()) {
    if (signal.capturedAt < start || signal.capturedAt >= end) continue;
    if (line !== undefined && lineAt(signal, end) !== line) continue;
    if (operator !== undefined && signal.capturedBy !== operator) continue;
    captured++;
    if (signal.routedAt !== undefined && signal.routedAt < end) {
      routed++;
      toRoute.push((signal.routedAt - signal.capturedAt) / HOUR);
    }
    const items = signal.workItems.filter((id) => (history.items.get(id)?.createdAt ?? end) < end);
    if (items.length > 0) turnedIntoWork++;
    if (signal.resolvedAt !== undefined && signal.resolvedAt < end) {
      resolved++;
      toResolve.push((signal.resolvedAt - signal.capturedAt) / HOUR);
    }
  }
  return {
    captured,
    routed,
    turnedIntoWork,
    resolved,
    routedShare: ratio(routed, captured),
    workShare: ratio(turnedIntoWork, captured),
    resolvedShare: ratio(resolved, captured),
    medianHoursToRoute: percentiles(toRoute).p50,
    medianHoursToResolve: percentiles(toResolve).p50,
  };
}

/** Who owned an item at `at`: its last owner from before then. */
function ownerAt(item: ItemHistory, at: number): string | undefined {
  let owner: string | undefined;
  for (const entry of item.owners) if (entry.at < at) owner = entry.owner;
  return owner;
}

/** The line a signal was on at `at`: its last routing before then. */
function lineAt(signal: SignalHistory, at: number): string | undefined {
  let line: string | undefined;
  for (const routing of signal.routings) if (routing.at < at) line = routing.line;
  return line;
}

function inWipAt(item: ItemHistory, at: number, wipStages: ReadonlySet<string>): boolean {
  for (let index = item.visits.length - 1; index >= 0; index--) {
    const visit = item.visits[index];
    if (visit === undefined || visit.enteredAt >= at) continue;
    return (visit.exitedAt === undefined || visit.exitedAt >= at) && wipStages.has(visit.stage);
  }
  return false;
}

function blockedWithin(item: ItemHistory, from: number, to: number): number {
  let total = 0;
  for (const interval of item.blocked) {
    const start = Math.max(from, interval.from);
    const end = Math.min(to, interval.to ?? to);
    if (end > start) total += end - start;
  }
  return total;
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p85: null, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
  return { p50: rank(50), p85: rank(85), count: sorted.length };
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function push(index: Map<string, number[]>, key: string, value: number): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else list.push(value);
}
