/**
 * The assembly report's sections as markdown, from what the parts measured:
 * the pipeline, gated moves, suspect propagation and the measures.
 */
import { ms, rate, table } from "../lib/report.js";
import { both, loadsSeen } from "./clock.js";
import type { gatedMoves } from "./gatedMoves.js";
import type { measuresRun } from "./measures.js";
import { TAIL } from "./measures.js";
import type { pipelineRun } from "./pipeline.js";
import type { propagation } from "./propagation.js";
import { fmt, GATED_MOVES, LINES, LINKS } from "./setup.js";
import { DEPLOY_GAP_HOURS, FAILED_DEPLOYS, INCIDENT_DEPLOYS } from "./syntheticHistory.js";

/** What the assembly bench measured, part by part. */
export interface AssemblyResults {
  /** The pipeline at durability normal, then full. */
  readonly runs: readonly Awaited<ReturnType<typeof pipelineRun>>[];
  /** Gated moves on each store. */
  readonly gated: readonly Awaited<ReturnType<typeof gatedMoves>>[];
  readonly links: Awaited<ReturnType<typeof propagation>>;
  readonly measures: Awaited<ReturnType<typeof measuresRun>>;
  /** Peak resident memory of the run, in MiB. */
  readonly peak: number;
}

/** The report's sections, in order. */
export function assemblySections({ runs, gated, links, measures, peak }: AssemblyResults): string[] {
  const loads = loadsSeen();
  const lead = measures.factory.throughput.leadTimeHours;
  const dora = measures.factory.dora;
  return [
    `Load average (1 min) during the timed steps: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} on this machine's cores; times are wall clock / CPU time of the benchmark process, in ms unless said otherwise.`,
    "## Work items through the pipeline (SQLite)",
    table(
      [
        "durability",
        "items",
        "moves",
        "writes (moves + evidence)",
        "elapsed wall / CPU (s)",
        "transitions/s (wall)",
        "writes/s (wall)",
        "CPU per write (ms)",
        "events in log",
        "fold on open",
        "items done after fold",
      ],
      runs.map((run) => [
        run.durability,
        fmt(run.items),
        fmt(run.moves),
        fmt(run.writes),
        `${(run.run.wall / 1000).toFixed(1)} / ${(run.run.cpu / 1000).toFixed(1)}`,
        rate(run.moves, run.run.wall),
        rate(run.writes, run.run.wall),
        ms(run.run.cpu / run.writes),
        fmt(run.head),
        both(run.fold),
        fmt(run.done),
      ]),
    ),
    "Each item: create (tiny flow), advance to implementation, record a change set, advance to testing, record test evidence, advance to release, complete. Every call is awaited in turn: it catches up with the log, checks state, evidence and WIP, and appends with an expected head (optimistic concurrency).",
    `## One transition behind 10 gates (${fmt(GATED_MOVES)} advances)`,
    table(
      ["store", "p50 wall (ms)", "p99 wall (ms)", "mean wall (ms)", "mean CPU (ms)"],
      gated.map((run) => [run.name, ms(run.p50), ms(run.p99), ms(run.mean), ms(run.cpuPerMove)]),
    ),
    "Ten trivial gates guard every stage (`*`); each advance catches up, builds the gate context (the item's artifacts and suspect links), runs the gates, checks WIP and evidence and appends. Target: under 1 ms plus gate time.",
    `## Suspect links: one requirement with ${fmt(LINKS)} links downstream`,
    table(
      ["step", "wall / CPU (ms)", "result"],
      [
        [
          "new requirement version: append, fold, propagate down the tree",
          both(links.change),
          `${fmt(links.suspected)} links suspect`,
        ],
        ["list suspect links factory-wide", both(links.list), `${fmt(links.listed)} links`],
        ["list suspect links of one line (none match)", both(links.lineScope), "0 links"],
        [
          `fold on open (${fmt(links.events)} events), suspicion rebuilt`,
          both(links.fold),
          `${fmt(links.afterReopen)} links suspect`,
        ],
      ],
    ),
    `The tree: REQ-1 <- ${fmt(links.designs)} designs <- ${fmt(links.tasks)} tasks <- ${fmt(links.tests)} tests; every link type propagates transitively.`,
    `## Measures over 90 days of a ${fmt(measures.events)}-event history (${fmt(measures.items)} items, ${LINES} lines)`,
    table(
      ["step", "wall / CPU (ms)"],
      [
        [`fold the history (once, all but the last ${TAIL} events)`, both(measures.fold)],
        [
          "all measures, factory-wide, first call after the fold (indexes deployments and incidents for DORA)",
          both(measures.first),
        ],
        [
          "all measures of one line, first call of a line or operator (indexes items and signals by line and operator)",
          both(measures.firstLine),
        ],
        [
          `append the last ${TAIL} events one at a time, each followed by all measures of one line (in turn): total`,
          both(measures.afterAppend),
        ],
        [
          "the same, per append and measure",
          `${ms(measures.afterAppend.wall / TAIL)} / ${ms(measures.afterAppend.cpu / TAIL)}`,
        ],
        ["all measures, factory-wide, 90-day window (target < 2,000)", both(measures.measured)],
        [`all measures for each of the ${LINES} lines`, both(measures.perLine)],
        [`all measures for each of the ${LINES} line owners (operator scope)`, both(measures.perOwner)],
        ["DORA measures alone, factory-wide", both(measures.doraFactory)],
        [`DORA measures alone, for each of the ${LINES} lines`, both(measures.doraPerLine)],
        [`yield, throughput and signals alone, for each of the ${LINES} lines`, both(measures.restPerLine)],
      ],
    ),
    `The history holds ${fmt(measures.events - measures.production)} events of the items (as in runs before deployments were seeded) and ${fmt(measures.production)} of production: ${fmt(measures.deployments)} deployments and ${fmt(measures.incidents)} incidents. Each line deploys every ${DEPLOY_GAP_HOURS} hours on average, about 4 times a day: DORA's top band deploys on demand, several times a day, and at about 28 items a line a day that ships some 7 released items a deployment. ${FAILED_DEPLOYS * 100}% of deployments fail and are retried within 2 hours (their items wait for the retry, so the change lead time runs to the first successful deployment); ${INCIDENT_DEPLOYS * 100}% of the others cause an incident opened within 6 hours, naming the deployment or (one in three) only the line, resolved after 4 hours on average, half of them by an unplanned deployment that remediates it; one deployment in ten names no line, its line found from its items. That puts the change fail rate near 13% and recovery within a day, between DORA's high and elite bands. The DORA rows call the function measureAssembly calls for its dora field; the all-measures rows include it. The appended events (${[...measures.tailTypes].sort().join(", ")}) are the history's last; the rows after them measure the whole history.`,
    `DORA in the window: ${dora === null ? "no deployment" : `${fmt(dora.deployments)} deployments (${dora.deploymentsPerWeek.toFixed(0)} a week), change lead time p50 ${dora.changeLeadTimeHours.p50?.toFixed(1)} h / p85 ${dora.changeLeadTimeHours.p85?.toFixed(1)} h, change fail rate ${(dora.changeFailRate * 100).toFixed(1)}%, failed deployment recovery p50 ${dora.failedDeploymentRecoveryHours.p50?.toFixed(1)} h / p85 ${dora.failedDeploymentRecoveryHours.p85?.toFixed(1)} h, rework rate ${(dora.deploymentReworkRate * 100).toFixed(1)}%`}.`,
    `Window result: ${fmt(measures.factory.throughput.delivered)} items delivered, yield ${((measures.factory.yield.rate ?? 0) * 100).toFixed(1)}%, lead time p50 ${lead.p50?.toFixed(1)} h / p85 ${lead.p85?.toFixed(1)} h, WIP ${fmt(measures.factory.throughput.wip)}. The history (items over 180 days through the standard flow with blocks, gate failures, send backs, signals and evidence) is generated in memory from a fixed seed and passed to the pure functions; reading it from SQLite adds the log's read time (see core.md).`,
    `Peak resident memory of the whole run: ${fmt(peak)} MiB.`,
  ];
}
