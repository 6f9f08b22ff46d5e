import { validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";
import type { FloorGraph } from "./FloorGraph.js";
import type { DependencyStep } from "./graphTypes.js";
import { criticalityOfRank } from "./internal/DependencyIndex.js";
import type { Criticality } from "./model.js";

/** What changed: lines, repository paths, or both. */
export const ImpactChangeSchema = z.strictObject({
  lines: z.array(z.string().min(1)).default([]),
  paths: z.array(z.string().min(1)).default([]),
});
/** What changed: lines, repository paths, or both. */
export type ImpactChange = z.input<typeof ImpactChangeSchema>;

/** Limits of {@link impactOf}. */
export const ImpactOptionsSchema = z.strictObject({
  /** Follow dependents up to this many edges away (default 10). */
  depth: z.number().int().min(1).default(10),
  /** Report at most this many affected lines (default 1,000). */
  limit: z.number().int().min(1).default(1000),
});
/** Limits of {@link impactOf}. */
export type ImpactOptions = z.input<typeof ImpactOptionsSchema>;

/** A line changed directly, and the changed paths that belong to it. */
export interface ChangedLine {
  readonly line: string;
  readonly owner?: string | undefined;
  /** Changed paths claimed by this line (empty when the line was named directly). */
  readonly paths: readonly string[];
}

/** A line affected by the change through its dependencies. */
export interface ImpactedLine {
  readonly line: string;
  readonly owner?: string | undefined;
  /** Number of dependency edges between this line and the nearest changed line. */
  readonly distance: number;
  /** The weakest criticality along the chain that carries the change. */
  readonly criticality: Criticality;
  /** The chain of dependsOn edges, from this line down to the changed line. */
  readonly via: readonly DependencyStep[];
  /** The chain in words: `web depends on checkout (api, high), which depends on payments (data, medium), which changed`. */
  readonly reason: string;
}

/** The operators to tell, each with the lines of theirs that are changed or affected. */
export interface OwnerToNotify {
  /** Operator id, undefined for lines nobody owns. */
  readonly operator: string | undefined;
  readonly changed: readonly string[];
  readonly affected: readonly string[];
  /** The highest criticality among their affected lines (`high` for a changed line). */
  readonly criticality: Criticality;
}

/** Where a walk stopped before reaching every dependent. */
export interface ImpactCutoff {
  readonly by: "depth" | "limit";
  readonly depth: number;
  /** Lines found but not reported (at least this many more exist). */
  readonly omitted: number;
  readonly message: string;
}

/** The impact of a change: what changed, what is affected and why, whom to notify. */
export interface ImpactReport {
  readonly changed: readonly ChangedLine[];
  /** Changed paths that no line claims. */
  readonly unclaimedPaths: readonly string[];
  /** Line ids in the change that are not in the floor plan. */
  readonly unknownLines: readonly string[];
  /** Affected lines, nearest first, then most critical first. */
  readonly affected: readonly ImpactedLine[];
  /** Owners to notify: owners of changed lines first, then by criticality and number of lines. */
  readonly notify: readonly OwnerToNotify[];
  /** Set when the depth or size limit stopped the walk: the report is then partial, and says so. */
  readonly cutoff?: ImpactCutoff;
}

/**
 * Computes the impact of a change: the lines that transitively depend on the
 * changed lines (or on the lines claiming the changed paths), ranked by
 * distance and criticality, each with the chain of edges that carried the
 * change, grouped by the owner to notify.
 *
 * @throws ValidationError when the change or the options are malformed.
 */
export function impactOf(floor: FloorGraph, change: ImpactChange, options: ImpactOptions = {}): ImpactReport {
  const parsedChange = ImpactChangeSchema.safeParse(change);
  if (!parsedChange.success)
    throw validationErrorFromZod(parsedChange.error.issues, { subject: "impact change" });
  const parsedOptions = ImpactOptionsSchema.safeParse(options);
  if (!parsedOptions.success)
    throw validationErrorFromZod(parsedOptions.error.issues, { subject: "impact options" });
  const { depth, limit } = parsedOptions.data;
  const index = floor.dependencyIndex();

  const changedPaths = new Map<string, string[]>();
  const unknownLines: string[] = [];
  for (const line of parsedChange.data.lines) {
    if (index.indexOf.has(line)) changedPaths.set(line, changedPaths.get(line) ?? []);
    else unknownLines.push(line);
  }
  const { byLine, unclaimed } = floor.linesForPaths(parsedChange.data.paths);
  for (const [line, paths] of byLine) changedPaths.set(line, [...(changedPaths.get(line) ?? []), ...paths]);
  const changed: ChangedLine[] = [...changedPaths].map(([line, paths]) => ({
    line,
    owner: floor.ownerOf(line),
    paths,
  }));

  const starts = changed.map((entry) => index.indexOf.get(entry.line) as number);
  const reach = index.reach(starts, "in", depth, limit);
  // Chains share their tails: each node's chain and sentence extend its parent's, built in BFS order (parents first).
  const steps: (DependencyStep | undefined)[] = [];
  const stepOf = (edge: number) => {
    let step = steps[edge];
    if (step === undefined) {
      step = floor.stepOf(index, edge);
      steps[edge] = step;
    }
    return step;
  };
  const vias = new Map<number, readonly DependencyStep[]>();
  const tails = new Map<number, string>();
  const affected: ImpactedLine[] = reach.reached.map((node) => {
    const edge = reach.parentEdge[node] ?? -1;
    const parent = index.edgeTo[edge] ?? -1;
    const step = stepOf(edge);
    const via = [step, ...(vias.get(parent) ?? [])];
    const tail = `depends on ${step.to} (${step.kind}, ${step.criticality}), which ${tails.get(parent) ?? "changed"}`;
    vias.set(node, via);
    tails.set(node, tail);
    const line = index.ids[node] ?? "?";
    return {
      line,
      owner: floor.ownerOf(line),
      distance: reach.distance[node] ?? 0,
      criticality: criticalityOfRank(reach.chainRank[node] ?? 1),
      via,
      reason: `${line} ${tail}`,
    };
  });
  const rank = (criticality: Criticality) => (criticality === "high" ? 3 : criticality === "medium" ? 2 : 1);
  affected.sort(
    (a, b) =>
      a.distance - b.distance ||
      rank(b.criticality) - rank(a.criticality) ||
      (a.line < b.line ? -1 : a.line > b.line ? 1 : 0),
  );

  const groups = new Map<string | undefined, { changed: string[]; affected: string[]; rank: number }>();
  const groupOf = (operator: string | undefined) => {
    let group = groups.get(operator);
    if (group === undefined) {
      group = { changed: [], affected: [], rank: 0 };
      groups.set(operator, group);
    }
    return group;
  };
  for (const entry of changed) {
    const group = groupOf(entry.owner);
    group.changed.push(entry.line);
    group.rank = 3;
  }
  for (const entry of affected) {
    const group = groupOf(entry.owner);
    group.affected.push(entry.line);
    group.rank = Math.max(group.rank, rank(entry.criticality));
  }
  const notify: OwnerToNotify[] = [...groups]
    .map(([operator, group]) => ({
      operator,
      changed: group.changed,
      affected: group.affected,
      criticality: criticalityOfRank(group.rank),
    }))
    .sort(
      (a, b) =>
        Number(b.changed.length > 0) - Number(a.changed.length > 0) ||
        rank(b.criticality) - rank(a.criticality) ||
        b.changed.length + b.affected.length - (a.changed.length + a.affected.length),
    );

  const report = { changed, unclaimedPaths: unclaimed, unknownLines, affected, notify };
  if (reach.cutoff === undefined) return report;
  const { by, depth: at, omitted } = reach.cutoff;
  const message =
    by === "depth"
      ? `stopped at depth ${at}: at least ${omitted} more line(s) depend on the reported ones; raise depth to see them`
      : `stopped at ${limit} lines while reading depth ${at}: ${omitted} line(s) at that depth and any beyond were left out; raise limit to see them`;
  return { ...report, cutoff: { by, depth: at, omitted, message } };
}
