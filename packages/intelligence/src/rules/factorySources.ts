/**
 * Where a factory's rules find their targets: lines, work items, artifacts,
 * signals and knowledge documents.
 *
 * @module
 */
import type { Artifact, AssemblyLine, Signal, WorkItem } from "@software-factory/core";
import type { FloorPlan, LineInfo } from "@software-factory/floorplan";
import type { KnowledgeBase } from "@software-factory/knowledge";
import { knowledgeDocumentSource } from "./documentSource.js";
import type { Standards } from "./Standards.js";

/** The parts of a factory its rules read. */
export interface FactoryParts {
  readonly floorplan: FloorPlan;
  readonly work: AssemblyLine;
  readonly knowledge: KnowledgeBase;
}

/**
 * Adds the target sources of a factory to its standards, so a rule on any of
 * `line`, `workItem`, `artifact` (every recorded one, of a work item or not), `signal`,
 * `document` or `floorplan` (the one floor plan, id `floorplan`, of no line)
 * is checked by `standards.check()` and scored by scorecards.
 */
export function addFactorySources<Context>(standards: Standards<Context>, parts: FactoryParts): void {
  const { floorplan, work, knowledge } = parts;
  standards
    .addSource<LineInfo>({
      kind: "line",
      all: () => floorplan.lines(),
      get: (id) => floorplan.line(id),
      idOf: (line) => line.id,
      lineOf: (line) => line.id,
    })
    .addSource<WorkItem>({
      kind: "workItem",
      all: () => work.list(),
      get: (id) => work.get(id),
      idOf: (item) => item.id,
      lineOf: (item) => item.line,
    })
    .addSource<Artifact>({
      kind: "artifact",
      all: () => work.artifacts(),
      get: (id) => work.artifact(id),
      idOf: (artifact) => artifact.id,
      lineOf: (artifact) => artifact.line,
    })
    .addSource<Signal>({
      kind: "signal",
      all: () => work.signals(),
      get: (id) => work.signal(id),
      idOf: (signal) => signal.id,
      lineOf: (signal) => signal.line,
    })
    .addSource(knowledgeDocumentSource(knowledge))
    .addSource<FloorPlan>({
      kind: "floorplan",
      all: () => [floorplan],
      get: (id) => (id === "floorplan" ? floorplan : undefined),
      idOf: () => "floorplan",
      lineOf: () => undefined,
    });
}
