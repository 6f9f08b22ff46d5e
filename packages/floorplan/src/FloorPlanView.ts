import { checkArguments } from "@software-factory/core";
import type { FloorGraph, FloorLineDirectory, PathOwnership, ReachOptions } from "./FloorGraph.js";
import type { DependencyInfo, LineInfo, ReachedLine } from "./graphTypes.js";
import { type HealthOptions, type HealthReport, healthOf } from "./health.js";
import { type ImpactChange, type ImpactOptions, type ImpactReport, impactAt } from "./impact.js";
import { Text } from "./internal/arguments.js";
import { PathSchema, parsed } from "./internal/floorPlanInputs.js";
import type { Plan } from "./Plan.js";
import { toPlan } from "./toPlan.js";

/**
 * The floor plan as it was at an instant: the read queries of `FloorPlan`
 * over the plan folded from the events recorded at or before that instant.
 * It never changes: later events, a refresh or closing the floor plan leave
 * it as it is. A query given an argument of the wrong type (`42` or `null`
 * for a line id) throws a `ValidationError` naming it. Get one with
 * `FloorPlan.asOf`.
 *
 * @example
 * ```ts
 * const then = await plan.asOf("2026-03-01T00:00:00Z");
 * console.log(then.ownerOf("checkout"), then.dependents("checkout").map((reached) => reached.line));
 * ```
 */
export class FloorPlanView implements FloorLineDirectory {
  /** The instant the view shows, as an ISO 8601 UTC time (`2026-03-01T00:00:00.000Z`). */
  readonly at: string;
  readonly #graph: FloorGraph;

  /** Use `FloorPlan.asOf`. */
  constructor(graph: FloorGraph, at: string) {
    this.#graph = graph;
    this.at = at;
  }

  /** Every line then with its owner and contributors, in plan order. */
  lines(): LineInfo[] {
    return this.#graph.lines();
  }

  /** One line, if it was declared then. */
  line(id: string): LineInfo | undefined {
    return this.#graph.line(id);
  }

  /** Whether a line was declared then. */
  hasLine(lineId: string): boolean {
    return this.#graph.hasLine(lineId);
  }

  /** Whether an operator was declared then. */
  hasOperator(operatorId: string): boolean {
    checkArguments("hasOperator", { operatorId: [Text, operatorId] });
    return this.#graph.operator(operatorId) !== undefined;
  }

  /** The accountable operator of a line then. */
  ownerOf(lineId: string): string | undefined {
    return this.#graph.ownerOf(lineId);
  }

  /** The WIP limit of a line then. */
  wipLimitOf(lineId: string): number | undefined {
    return this.#graph.wipLimitOf(lineId);
  }

  /**
   * The line that claimed a path then (CODEOWNERS semantics: the last matching pattern wins).
   *
   * @throws ValidationError when the path is not a string, is blank, climbs above the repository root (`../x`) or is the root (see {@link FloorGraph.lineForPath} for how a path is read).
   */
  lineForPath(path: string): string | undefined {
    return this.#graph.lineForPath(parsed(PathSchema, path, "path"));
  }

  /**
   * Which line claimed a path then, through which pattern, and its owner.
   *
   * @throws ValidationError when the path is not a string, is blank, climbs above the repository root (`../x`) or is the root (see {@link FloorGraph.lineForPath} for how a path is read).
   */
  explainPath(path: string): PathOwnership | undefined {
    return this.#graph.explainPath(parsed(PathSchema, path, "path"));
  }

  /** Groups paths by the line that claimed them then, each read as `lineForPath` reads it. @throws ValidationError naming a refused path and its place (`paths[2]`). */
  linesForPaths(paths: Iterable<string>): ReturnType<FloorGraph["linesForPaths"]> {
    return this.#graph.linesForPaths(paths);
  }

  /**
   * Lines an operator owned then (and contributed to, with `contributions`).
   *
   * @throws NotFoundError when the operator was not declared then.
   * @throws ValidationError when an option is malformed or unknown.
   */
  linesOf(operatorId: string, options: { readonly contributions?: boolean } = {}): string[] {
    return this.#graph.linesOf(operatorId, options);
  }

  /** Every dependency between lines then. */
  dependencyList(): DependencyInfo[] {
    return this.#graph.dependencyList();
  }

  /**
   * Lines a line depended on then, with depth and path.
   *
   * @throws NotFoundError when the line was not declared then.
   * @throws ValidationError when an option is malformed or unknown.
   */
  dependencies(lineId: string, options: ReachOptions = {}): ReachedLine[] {
    return this.#graph.dependencies(lineId, options);
  }

  /**
   * Lines that depended on a line then, with depth and path.
   *
   * @throws NotFoundError when the line was not declared then.
   * @throws ValidationError when an option is malformed or unknown.
   */
  dependents(lineId: string, options: ReachOptions = {}): ReachedLine[] {
    return this.#graph.dependents(lineId, options);
  }

  /**
   * The impact a change of lines or paths had then: affected lines ranked, with reasons, and the owners to notify.
   *
   * @throws ValidationError when the change or options are malformed.
   * @throws NotFoundError (entity `line`) when the change names lines the plan did not have then
   *   (`lines[0]: no line "payments" in the floor plan as of 2026-03-05T00:00:00.000Z`).
   */
  impact(change: ImpactChange, options: ImpactOptions = {}): ImpactReport {
    return impactAt(this.#graph, change, options, this.at);
  }

  /**
   * Unowned lines and paths, cycles, overloaded operators, central lines, then.
   *
   * @throws ValidationError naming each malformed or unknown option.
   */
  health(options: HealthOptions = {}): HealthReport {
    return healthOf(this.#graph, options);
  }

  /** Dependency cycles then. */
  cycles(): string[][] {
    return this.#graph.cycles();
  }

  /** The plan as it was then (to save, or to diff with `diffPlans` against the current one). */
  toPlan(): Plan {
    return toPlan(this.#graph);
  }
}
