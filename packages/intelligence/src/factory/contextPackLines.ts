/**
 * The lines of a context pack: which lines a request is about, which of its
 * paths no line claims, and each line with its direct neighbours.
 *
 * @module
 */
import type { WorkItem } from "@software-factory/core";
import type { DependencyInfo } from "@software-factory/floorplan";
import type { ContextPack, ContextRequest, PackLine, PackNeighbour } from "./contextPack.js";
import type { Factory } from "./openFactory.js";

/** What a request is about on the floor plan. */
export interface RequestedLines {
  /** Its line, its work item's line, then the lines claiming its paths, each once. */
  readonly lineIds: ReadonlySet<string>;
  /** Its paths that no line claims, in the order given, each once. */
  readonly unclaimedPaths: readonly string[];
}

/** The lines a request is about, and its paths that no line claims. */
export function requestedLines(
  factory: Factory,
  request: ContextRequest,
  workItem: WorkItem | undefined,
): RequestedLines {
  const lineIds = new Set<string>();
  if (request.line !== undefined) lineIds.add(request.line);
  if (workItem !== undefined) lineIds.add(workItem.line);
  const unclaimed = new Set<string>();
  for (const path of request.paths ?? []) {
    const line = factory.floorplan.lineForPath(path);
    if (line === undefined) unclaimed.add(path);
    else lineIds.add(line);
  }
  return { lineIds, unclaimedPaths: [...unclaimed] };
}

/** The lines of a request, each with its direct neighbours and the contracts between them. */
export function packLines(factory: Factory, lineIds: ReadonlySet<string>): ContextPack["lines"] {
  const lines = [...lineIds].flatMap((id) => {
    const line = factory.floorplan.line(id);
    return line === undefined ? [] : [line];
  });
  if (lines.length === 0) return [];
  const neighbour = (line: string, dependency: DependencyInfo): PackNeighbour => ({
    line,
    owner: factory.floorplan.ownerOf(line),
    kind: dependency.kind,
    criticality: dependency.criticality,
    ...(dependency.contract === undefined ? {} : { contract: dependency.contract }),
  });
  const touching = factory.floorplan
    .dependencyList()
    .filter((dependency) => lineIds.has(dependency.from) || lineIds.has(dependency.to));
  return lines.map((line) => ({
    line,
    dependsOn: touching
      .filter((dependency) => dependency.from === line.id)
      .map((dependency) => neighbour(dependency.to, dependency))
      .sort((a, b) => a.line.localeCompare(b.line)),
    dependents: touching
      .filter((dependency) => dependency.to === line.id)
      .map((dependency) => neighbour(dependency.from, dependency))
      .sort((a, b) => a.line.localeCompare(b.line)),
  }));
}

/** How many neighbours the pack's lines list (those left out are counted apart). */
export function listedNeighbours(lines: ContextPack["lines"]): number {
  return lines.reduce((sum, line) => sum + line.dependsOn.length + line.dependents.length, 0);
}

/** A pack line with its neighbours left out and counted. */
export function withoutNeighbours(packed: PackLine): PackLine {
  return keepingNeighbours(packed, new Set());
}

/** Kinds of dependency whose neighbours are listed first when not all fit: they carry a contract. */
const CONTRACT_KINDS: ReadonlySet<string> = new Set(["api", "data", "event"]);

/** A neighbour of the pack's line number `line`, on its `side`, with what ranks it. */
interface RankedNeighbour {
  readonly line: number;
  readonly side: "dependsOn" | "dependents";
  readonly neighbour: PackNeighbour;
}

/** `packed` listing only its neighbours in `kept` (in their order), the others counted as left out. */
function keepingNeighbours(packed: PackLine, kept: ReadonlySet<PackNeighbour>): PackLine {
  const dependsOn = packed.dependsOn.filter((next) => kept.has(next));
  const dependents = packed.dependents.filter((next) => kept.has(next));
  const left = {
    dependsOn: packed.dependsOn.length - dependsOn.length,
    dependents: packed.dependents.length - dependents.length,
  };
  return {
    line: packed.line,
    dependsOn,
    dependents,
    ...(left.dependsOn + left.dependents > 0 ? { neighboursOmitted: left } : {}),
  };
}

/**
 * The lines with as many of their neighbours as `fits` takes, most relevant
 * first: the lines they depend on before those that depend on them, then
 * dependencies through an api, data or events (which carry a contract), then
 * by line id; the others are counted in `neighboursOmitted`. `fits` is asked
 * some log2(neighbours) times and should grow false with more neighbours;
 * `fitting` of them (the most relevant) are known to fit already (none by default).
 */
export function fitNeighbours(
  lines: ContextPack["lines"],
  fits: (lines: ContextPack["lines"]) => boolean,
  fitting = 0,
): ContextPack["lines"] {
  const ranked: RankedNeighbour[] = lines.flatMap((packed, line) => [
    ...packed.dependsOn.map((neighbour) => ({ line, side: "dependsOn" as const, neighbour })),
    ...packed.dependents.map((neighbour) => ({ line, side: "dependents" as const, neighbour })),
  ]);
  const key = ({ side, neighbour }: RankedNeighbour) => [
    side === "dependsOn" ? 0 : 1,
    CONTRACT_KINDS.has(neighbour.kind) ? 0 : 1,
  ];
  ranked.sort((a, b) => {
    const [sideA = 0, kindA = 0] = key(a);
    const [sideB = 0, kindB = 0] = key(b);
    return (
      sideA - sideB || kindA - kindB || a.neighbour.line.localeCompare(b.neighbour.line) || a.line - b.line
    );
  });
  const keeping = (count: number) => {
    const kept = new Set(ranked.slice(0, count).map(({ neighbour }) => neighbour));
    return lines.map((packed) => keepingNeighbours(packed, kept));
  };
  if (fits(lines)) return lines;
  // The largest count that fits, by bisection: low always fits (`fitting` is the caller's floor), high never does.
  let low = fitting;
  let high = ranked.length;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(keeping(middle))) low = middle;
    else high = middle;
  }
  return keeping(low);
}
