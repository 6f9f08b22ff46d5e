import { checkArguments } from "@software-factory/core";
import { DirectedGraph } from "graphology";
import betweennessModule from "graphology-metrics/centrality/betweenness.js";
import type { FloorGraph } from "./FloorGraph.js";
import { aFloorGraph } from "./internal/arguments.js";
import { HealthOptionsSchema, parsed } from "./internal/floorPlanInputs.js";

type Betweenness = typeof betweennessModule.default;
// The package is CommonJS: at run time the default import is the function itself.
const betweenness = ((betweennessModule as unknown as { default?: Betweenness }).default ??
  (betweennessModule as unknown as Betweenness)) as Betweenness;

/** Options of {@link healthOf}. */
export interface HealthOptions {
  /** Repository files to check for paths no line claims. */
  readonly files?: Iterable<string>;
  /** How many central lines to report (default 5; 0 skips the computation, which is O(lines x dependencies)). */
  readonly central?: number;
  /** Lines an operator may own when their capacity does not say (default unlimited). */
  readonly maxLinesPerOperator?: number;
  /**
   * ISO time: lines last seen before it are reported as stale. A line is seen
   * when an event declares or changes it; re-applying an unchanged plan writes
   * no event, so it does not refresh `lastSeen`.
   */
  readonly staleBefore?: string;
}

/** An operator carrying more than their capacity. */
export interface OverloadedOperator {
  /** The operator's id. */
  readonly operator: string;
  /** Lines owned. */
  readonly lines: number;
  /** Sum of the WIP limits of the lines owned. */
  readonly wip: number;
  /** What is over: `lines`, `wip`, or both. */
  readonly over: readonly ("lines" | "wip")[];
}

/** A line and how central it is in the dependency graph. */
export interface CentralLine {
  /** The line's id. */
  readonly line: string;
  /** Normalized betweenness centrality (share of shortest dependency paths through the line). */
  readonly betweenness: number;
  /** Lines that declare a direct dependency on it. */
  readonly dependents: number;
}

/** The health of a floor plan. */
export interface HealthReport {
  /** Lines with no accountable owner. */
  readonly unownedLines: readonly string[];
  /** Given files no line claims (empty when no files were given). */
  readonly unownedPaths: readonly string[];
  /** Dependency cycles, each as line ids with the first repeated at the end. */
  readonly cycles: readonly string[][];
  /** Operators owning more lines or more summed WIP limits than their capacity (or `maxLinesPerOperator`) allows. */
  readonly overloadedOperators: readonly OverloadedOperator[];
  /** Lines owned by an operator that is not declared. */
  readonly unknownOwners: readonly {
    /** The line. */
    readonly line: string;
    /** Its owner, who is not declared as an operator. */
    readonly operator: string;
  }[];
  /** The lines most other lines' dependencies run through. */
  readonly centralLines: readonly CentralLine[];
  /** Lines that came from an import or inference rather than factory.yaml, with their source. */
  readonly undeclaredLines: readonly {
    /** The line. */
    readonly line: string;
    /** Where it came from (`codeowners`, `workspaces`, `backstage`, `inferred`). */
    readonly source: string;
  }[];
  /** Lines last seen before `staleBefore` (empty when it is not given). */
  readonly staleLines: readonly {
    /** The line. */
    readonly line: string;
    /** When an event last declared it, as an ISO 8601 time. */
    readonly lastSeen: string;
  }[];
}

/**
 * Checks a floor plan: unowned lines and paths, cycles, overloaded operators, the most central lines, and lines that were imported or not seen for a while.
 *
 * @throws ValidationError naming each malformed or unknown option (`maxLinesPerOperator` not a whole number).
 */
export function healthOf(floor: FloorGraph, options: HealthOptions = {}): HealthReport {
  checkArguments("healthOf", { floor: [aFloorGraph, floor] });
  parsed(HealthOptionsSchema, options, "health options");
  const lines = floor.lines();
  const unownedLines = lines.filter((line) => line.owner === undefined).map((line) => line.id);
  const unownedPaths = options.files === undefined ? [] : floor.linesForPaths(options.files).unclaimed;
  const overloadedOperators: OverloadedOperator[] = [];
  for (const operator of floor.operators()) {
    const owned = lines.filter((line) => line.owner === operator.id);
    const wip = owned.reduce((sum, line) => sum + (line.wipLimit ?? 0), 0);
    const maxLines = operator.capacity?.lines ?? options.maxLinesPerOperator;
    const over: ("lines" | "wip")[] = [];
    if (maxLines !== undefined && owned.length > maxLines) over.push("lines");
    if (operator.capacity?.wip !== undefined && wip > operator.capacity.wip) over.push("wip");
    if (over.length > 0) overloadedOperators.push({ operator: operator.id, lines: owned.length, wip, over });
  }
  const unknownOwners = lines
    .filter((line) => line.owner !== undefined && floor.operator(line.owner) === undefined)
    .map((line) => ({ line: line.id, operator: line.owner as string }));
  return {
    unownedLines,
    unownedPaths,
    cycles: floor.cycles(),
    overloadedOperators,
    unknownOwners,
    centralLines: centralLines(floor, options.central ?? 5),
    undeclaredLines: lines
      .filter((line) => line.provenance.source !== "factory.yaml")
      .map((line) => ({ line: line.id, source: line.provenance.source })),
    staleLines:
      options.staleBefore === undefined
        ? []
        : lines
            .filter((line) => line.provenance.lastSeen < (options.staleBefore as string))
            .map((line) => ({ line: line.id, lastSeen: line.provenance.lastSeen })),
  };
}

function centralLines(floor: FloorGraph, top: number): CentralLine[] {
  if (top <= 0) return [];
  const graph = new DirectedGraph();
  for (const id of floor.lineIds()) graph.addNode(id);
  const dependents = new Map<string, number>();
  for (const dependency of floor.dependencyList()) {
    if (!graph.hasEdge(dependency.from, dependency.to)) graph.addDirectedEdge(dependency.from, dependency.to);
    dependents.set(dependency.to, (dependents.get(dependency.to) ?? 0) + 1);
  }
  if (graph.order === 0) return [];
  const scores = betweenness(graph, { normalized: true });
  return Object.entries(scores)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, top)
    .map(([line, score]) => ({ line, betweenness: score, dependents: dependents.get(line) ?? 0 }));
}
