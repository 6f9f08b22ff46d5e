import { z } from "zod";
import { checkArguments, withMethods } from "../checkArguments.js";
import { validationErrorFromZod } from "../errors.js";
import type { AssemblyHistory, ItemHistory } from "./AssemblyHistory.js";
import { type DoraMeasures, measureDora } from "./doraMeasures.js";
import { required } from "./internal/arguments.js";
import { scopeIndexOf } from "./internal/HistoryIndexes.js";
import { shorterOf } from "./internal/ScopeIndex.js";
import { type MeasureOptions, MeasureOptionsSchema } from "./measureOptions.js";
import { DAY, type Percentiles } from "./measureStats.js";
import { measureSignals } from "./signalMeasures.js";
import { measureThroughput } from "./throughputMeasures.js";
import type { ReworkCause } from "./WorkItem.js";
import { measureYield } from "./yieldMeasures.js";

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
    /** Of the delivered items' lead time, the share not spent blocked; null when that lead time adds up to none (nothing delivered, or delivered as created). */
    readonly flowEfficiency: number | null;
  };
  /** The field operator's measure: what happened to the signals captured in the window. */
  readonly signals: {
    /** Signals captured in the window. */
    readonly captured: number;
    /** Of those, signals routed to a line by the window's end (first routed before it). */
    readonly routed: number;
    /** Of those, signals attached to a work item at the window's end: one created with the signal, or linked to it (`addresses`) and not reviewed obsolete since. */
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

/**
 * The history argument of {@link measureAssembly}: an object whose maps and
 * set have the methods the measures call, so a wrong value is refused before
 * any of them runs.
 */
const HistoryArgument = z.object(
  {
    items: withMethods("a map of work items", "get", "values"),
    signals: withMethods("a map of signals", "values"),
    deployments: withMethods("a map of deployments", "values"),
    incidents: withMethods("a map of incidents", "values"),
    wipStages: withMethods("a set of stage names", "has"),
    deliveryStage: z.string().optional(),
  },
  { error: "must be an assembly history (foldAssemblyHistory's result)" },
);

/**
 * Computes yield, throughput, signal resolution and the DORA measures for a
 * window, factory-wide
 * or for one line or operator, from a folded history. Everything is counted
 * as of the window's end: later events are ignored.
 *
 * Percentiles are nearest-rank: the p-th percentile of n sorted samples is
 * the one at rank ceil(p/100 × n).
 *
 * @throws ValidationError when the history is no assembly history or the options no object (`a call of measureAssembly is invalid: options: must be measure options (from, to)`), or the options are invalid (`to: from must be before to`).
 * @example
 * ```ts
 * const history = foldAssemblyHistory(events);
 * const march = measureAssembly(history, { from: "2026-03-01", to: "2026-04-01", line: "checkout" });
 * console.log(march.yield.rate, march.throughput.leadTimeHours.p85);
 * ```
 */
export function measureAssembly(history: AssemblyHistory, options: MeasureOptions): AssemblyMeasures {
  checkArguments("measureAssembly", {
    history: [HistoryArgument, history],
    options: [required("measure options (from, to)"), options],
  });
  const parsed = MeasureOptionsSchema.safeParse(options);
  if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "measure options" });
  const { from, to, line, operator } = parsed.data;
  const start = from.getTime();
  const end = to.getTime();

  const inScope = (item: ItemHistory) =>
    (line === undefined || item.line === line) && (operator === undefined || ownerAt(item, end) === operator);
  const scoped = candidates(history, line, operator).filter(inScope);
  const items = scoped.filter((item) => item.createdAt < end);
  const delivered = items.filter(
    (item) => item.deliveredAt !== undefined && item.deliveredAt >= start && item.deliveredAt < end,
  );
  return {
    window: { from: from.toISOString(), to: to.toISOString(), days: (end - start) / DAY },
    scope: { ...(line === undefined ? {} : { line }), ...(operator === undefined ? {} : { operator }) },
    yield: measureYield(delivered, end, parsed.data.yield),
    throughput: measureThroughput(items, delivered, start, end, history.wipStages),
    signals: measureSignals(history, start, end, line, operator),
    dora: measureDora(
      history,
      start,
      end,
      parsed.data.environment,
      { line, operator },
      (id) => {
        const item = history.items.get(id);
        return item !== undefined && inScope(item);
      },
      scoped,
    ),
  };
}

/**
 * The work items that may be in scope, in history order: every one
 * factory-wide, else the shorter of the line's and those the operator ever
 * owned (the owner at a time is among these), so a scope reads its share.
 */
function candidates(
  history: AssemblyHistory,
  line: string | undefined,
  operator: string | undefined,
): readonly ItemHistory[] {
  if (line === undefined && operator === undefined) return [...history.items.values()];
  const index = scopeIndexOf(history);
  return shorterOf(
    line === undefined ? undefined : (index.itemsByLine.get(line) ?? []),
    operator === undefined ? undefined : (index.itemsByOwner.get(operator) ?? []),
  );
}

/** Who owned an item at `at`: its last owner from before then. */
function ownerAt(item: ItemHistory, at: number): string | undefined {
  let owner: string | undefined;
  for (const entry of item.owners) if (entry.at < at) owner = entry.owner;
  return owner;
}
