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

/** A pack line with its neighbours left out and counted. */
export function withoutNeighbours(packed: PackLine): PackLine {
  return {
    line: packed.line,
    dependsOn: [],
    dependents: [],
    neighboursOmitted: { dependsOn: packed.dependsOn.length, dependents: packed.dependents.length },
  };
}
