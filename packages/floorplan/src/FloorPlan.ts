/**
 * The floor plan's public surface: it checks each call, answers the queries
 * from its graph (`FloorGraph`, with `impact.ts` and `health.ts`) and hands
 * the changes to `PlanChanges`, which writes them to the log.
 *
 * @module
 */
import { anObject, checkArguments, type EventLog, type Projection } from "@software-factory/core";
import type { ApplyPlanOptions, ApplyPlanResult, ChangeOptions } from "./applyPlan.js";
import type { FloorGraph, FloorLineDirectory, PathOwnership, ReachOptions } from "./FloorGraph.js";
import { FloorPlanView } from "./FloorPlanView.js";
import type { DependencyInfo, LineInfo, ReachedLine } from "./graphTypes.js";
import { type HealthOptions, type HealthReport, healthOf } from "./health.js";
import { type ImpactChange, type ImpactOptions, type ImpactReport, impactOf } from "./impact.js";
import { Text } from "./internal/arguments.js";
import { factSourceOf } from "./internal/factSource.js";
import {
  ApplyPlanOptionsSchema,
  AsOfInstantSchema,
  ChangeOptionsSchema,
  PathSchema,
  parsed,
} from "./internal/floorPlanInputs.js";
import { PlanChanges } from "./internal/PlanChanges.js";
import { PlanHistory } from "./internal/PlanHistory.js";
import {
  type ContributorDecl,
  type DependencyDeclInput,
  type DomainDecl,
  type LineDeclInput,
  type OperatorDeclInput,
  type Plan,
  type PlanInput,
  planOf,
} from "./Plan.js";
import type { RelationRegistry } from "./RelationRegistry.js";
import { toPlan } from "./toPlan.js";

/**
 * The factory floor plan, kept current from the event log: every change made
 * through it is appended as an event, and the graph is a projection of the
 * log, so other processes sharing the log see the same plan.
 *
 * Queries are synchronous and answer from memory; after another process
 * writes, call {@link FloorPlan.refresh} (or rely on `live` following). After
 * {@link FloorPlan.close} every query and change fails with `ClosedError`.
 * Each call checks the types of its arguments first, as plain JavaScript may
 * pass anything: a wrong one (the number `42` for a line id, `null` for a
 * line) is a `ValidationError` naming the argument (`lineId`), never a
 * `TypeError`, a `NotFoundError` or an empty answer, and nothing is written.
 * Create it with {@link openFloorPlan}.
 */
export class FloorPlan implements FloorLineDirectory, AsyncDisposable {
  /** The read model: the graph and its queries. */
  readonly graph: FloorGraph;
  /** Relation types this floor plan accepts. */
  readonly relations: RelationRegistry;
  readonly #log: EventLog;
  readonly #projection: Projection;
  readonly #changes: PlanChanges;
  /** The plan's past, read from the log on the first `asOf`. */
  #history: PlanHistory | undefined;
  #closed = false;

  /** Use {@link openFloorPlan}. */
  constructor(log: EventLog, graph: FloorGraph, projection: Projection, relations: RelationRegistry) {
    this.#log = log;
    this.graph = graph;
    this.#projection = projection;
    this.relations = relations;
    this.#changes = new PlanChanges({
      log,
      relations,
      refresh: () => this.refresh(),
      current: () => this.toPlan(),
      sourceOf: (key) => factSourceOf(this.graph, key),
    });
  }

  /** Log position the graph reflects. */
  get position(): number {
    return this.#projection.position;
  }

  /** Folds every event up to the log's head (other processes' writes included). */
  async refresh(): Promise<number> {
    this.#assertOpen();
    return this.#projection.catchUp();
  }

  /** Every line with its owner and contributors, in plan order. */
  lines(): LineInfo[] {
    this.#assertOpen();
    return this.graph.lines();
  }

  /** One line, if declared. */
  line(id: string): LineInfo | undefined {
    this.#assertOpen();
    return this.graph.line(id);
  }

  /** Whether a line is declared (the assembly line and the knowledge base refuse ids it says no to). */
  hasLine(lineId: string): boolean {
    this.#assertOpen();
    return this.graph.hasLine(lineId);
  }

  /** Whether an operator is declared (the assembly line refuses owners and contributors it says no to). */
  hasOperator(operatorId: string): boolean {
    this.#assertOpen();
    checkArguments("hasOperator", { operatorId: [Text, operatorId] });
    return this.graph.operator(operatorId) !== undefined;
  }

  /** The accountable operator of a line. */
  ownerOf(lineId: string): string | undefined {
    this.#assertOpen();
    return this.graph.ownerOf(lineId);
  }

  /** The WIP limit of a line. */
  wipLimitOf(lineId: string): number | undefined {
    this.#assertOpen();
    return this.graph.wipLimitOf(lineId);
  }

  /**
   * The line owning a path (CODEOWNERS semantics: the last matching pattern wins).
   *
   * @throws ValidationError when the path is not a string, is blank, climbs above the repository root (`../x`) or is the root (see {@link FloorGraph.lineForPath} for how a path is read).
   */
  lineForPath(path: string): string | undefined {
    this.#assertOpen();
    return this.graph.lineForPath(parsed(PathSchema, path, "path"));
  }

  /**
   * Which line claims a path, through which pattern, and its owner.
   *
   * @throws ValidationError when the path is not a string, is blank, climbs above the repository root (`../x`) or is the root (see {@link FloorGraph.lineForPath} for how a path is read).
   */
  explainPath(path: string): PathOwnership | undefined {
    this.#assertOpen();
    return this.graph.explainPath(parsed(PathSchema, path, "path"));
  }

  /** Groups paths by the line that claims them, each read as `lineForPath` reads it. @throws ValidationError naming a refused path and its place (`paths[2]`). */
  linesForPaths(paths: Iterable<string>): ReturnType<FloorGraph["linesForPaths"]> {
    this.#assertOpen();
    return this.graph.linesForPaths(paths);
  }

  /**
   * Lines an operator owns (and contributes to, with `contributions`).
   *
   * @throws NotFoundError when the operator is not declared.
   */
  linesOf(operatorId: string, options: { readonly contributions?: boolean } = {}): string[] {
    this.#assertOpen();
    return this.graph.linesOf(operatorId, options);
  }

  /** Every dependency between lines. */
  dependencyList(): DependencyInfo[] {
    this.#assertOpen();
    return this.graph.dependencyList();
  }

  /** Lines a line depends on, with depth and path. @throws NotFoundError for an unknown line. */
  dependencies(lineId: string, options: ReachOptions = {}): ReachedLine[] {
    this.#assertOpen();
    return this.graph.dependencies(lineId, options);
  }

  /** Lines depending on a line, with depth and path. @throws NotFoundError for an unknown line. */
  dependents(lineId: string, options: ReachOptions = {}): ReachedLine[] {
    this.#assertOpen();
    return this.graph.dependents(lineId, options);
  }

  /**
   * The impact of a change of lines or paths: affected lines ranked, with reasons, and the owners to notify.
   *
   * @throws ValidationError when the change or options are malformed.
   * @throws NotFoundError (entity `line`) when the change names lines the floor plan does not have, each named in the message with the known lines near it.
   * @example
   * ```ts
   * const report = plan.impact({ paths: ["packages/payments/src/api.ts"] }, { depth: 3 });
   * for (const owner of report.notify) console.log(owner.operator, owner.affected);
   * ```
   */
  impact(change: ImpactChange, options: ImpactOptions = {}): ImpactReport {
    this.#assertOpen();
    return impactOf(this.graph, change, options);
  }

  /**
   * Unowned lines and paths, cycles, overloaded operators, central lines.
   *
   * @throws ValidationError naming each malformed or unknown option (`maxLinesPerOperator` not a whole number).
   */
  health(options: HealthOptions = {}): HealthReport {
    this.#assertOpen();
    return healthOf(this.graph, options);
  }

  /** Dependency cycles. */
  cycles(): string[][] {
    this.#assertOpen();
    return this.graph.cycles();
  }

  /**
   * The floor plan as it was at an instant: who owned what, which lines
   * depended on which, which paths each claimed. It is folded from the plan's
   * events recorded at or before the instant (an event recorded at exactly
   * that time counts), read from the log now, so other processes' writes
   * count without a refresh. An instant before the first event gives an
   * empty plan.
   *
   * A date (`2026-03-01`) is midnight UTC at its start; a span (`30d`)
   * counts back from this machine's clock. The first call reads when each
   * floor-plan event was recorded; the plans folded are kept (the last 8
   * asked), so any instant between the same two changes is answered from
   * memory, and a later instant copies the nearest earlier plan kept and
   * folds only the events since (while the recorded times never go back;
   * when writers' clocks disagree, each plan is folded from the start).
   *
   * @throws ValidationError when the instant is neither a valid `Date` nor a
   *   point in time (`asOf instant is invalid: (root): expected an ISO date
   *   (2026-03-01), an instant (2026-03-01T09:00:00Z) or a span back from now
   *   (30d, 12h, 2w), got "March 1st"`).
   * @throws ClosedError after close.
   * @throws StoreError when the log cannot be read.
   * @example
   * ```ts
   * const then = await plan.asOf("2026-03-01T00:00:00Z");
   * console.log(then.ownerOf("checkout"), then.dependents("checkout").map((reached) => reached.line));
   * ```
   */
  async asOf(instant: string | Date): Promise<FloorPlanView> {
    this.#assertOpen();
    const at = parsed(AsOfInstantSchema, instant, "asOf instant");
    this.#history ??= new PlanHistory(this.#log);
    return new FloorPlanView(await this.#history.planAt(at.getTime()), at.toISOString());
  }

  /** The current state as a plan (to save as `factory.yaml` or to diff). */
  toPlan(): Plan {
    this.#assertOpen();
    return toPlan(this.graph);
  }

  /**
   * Makes the floor plan match a plan by appending only the differences, as one
   * atomic batch closed by a `floorplan.plan.applied` event. Applying the same
   * plan twice appends nothing the second time.
   *
   * @throws ValidationError when the plan is malformed or has errors (unknown owner, missing line, ...), or an option is malformed or unknown (`dryrun`), named with the options.
   * @throws RemoveAllLinesError when the plan has no lines, the floor plan has some, and `allowRemoveAllLines` is not set.
   * @throws ConcurrencyConflictError when other writers kept moving the log during every attempt (on SQLite and PostgreSQL, only when an attempt outlasts its write turn).
   */
  async applyPlan(input: Plan | PlanInput, options: ApplyPlanOptions = {}): Promise<ApplyPlanResult> {
    this.#assertOpen();
    parsed(ApplyPlanOptionsSchema, options, "applyPlan options");
    return this.#changes.apply(planOf(input), options);
  }

  /**
   * Checks that a single change may start.
   *
   * @throws ClosedError after close.
   * @throws ValidationError when an option is malformed or unknown (`actr`), naming it and the options.
   */
  #startChange(options: ChangeOptions): void {
    this.#assertOpen();
    parsed(ChangeOptionsSchema, options, "change options");
  }

  /**
   * Declares a line or replaces one (attributes, owner, contributors, dependencies), leaving the rest of the plan as it is.
   *
   * @throws ValidationError when the line is malformed or names an unknown operator, domain or line, at path `line` (`line.owner`).
   */
  async declareLine(line: LineDeclInput, options: ChangeOptions = {}): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("declareLine", { line: [anObject("a line (id, owner, ...)"), line] });
    return this.#changes.declareLine(line, options);
  }

  /** Declares or updates an operator. @throws ValidationError when malformed, at path `operator` (`operator.capacity`). */
  async declareOperator(operator: OperatorDeclInput, options: ChangeOptions = {}): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("declareOperator", { operator: [anObject("an operator (id, name, ...)"), operator] });
    return this.#changes.declareOperator(operator, options);
  }

  /** Declares or updates a domain. @throws ValidationError when malformed, at path `domain` (`domain.name`). */
  async declareDomain(domain: DomainDecl, options: ChangeOptions = {}): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("declareDomain", { domain: [anObject("a domain (id, name, ...)"), domain] });
    return this.#changes.declareDomain(domain, options);
  }

  /**
   * Retires a line and its edges.
   *
   * @throws NotFoundError (field `lineId`, with the lines near it) when the line is not declared.
   * @throws ValidationError when other lines still depend on it.
   */
  async retireLine(lineId: string, options: ChangeOptions = {}): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("retireLine", { lineId: [Text, lineId] });
    return this.#changes.retireLine(lineId, options);
  }

  /**
   * Makes an operator the accountable owner of a line.
   *
   * @throws NotFoundError (field `lineId` or `operatorId`, with the ids near it) when the line or the operator is unknown.
   */
  async assignOwner(
    lineId: string,
    operatorId: string,
    options: ChangeOptions = {},
  ): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("assignOwner", { lineId: [Text, lineId], operatorId: [Text, operatorId] });
    return this.#changes.assignOwner(lineId, operatorId, options);
  }

  /**
   * Adds or replaces a contributor of a line.
   *
   * @throws NotFoundError (field `lineId` or `contributor.operator`) when the line or the operator is unknown.
   * @throws ValidationError when the contributor is malformed, at path `contributor` (`contributor.role`).
   */
  async addContributor(
    lineId: string,
    contributor: ContributorDecl,
    options: ChangeOptions = {},
  ): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("addContributor", {
      lineId: [Text, lineId],
      contributor: [anObject("a contributor (operator, role)"), contributor],
    });
    return this.#changes.addContributor(lineId, contributor, options);
  }

  /**
   * Removes a contributor of a line; nothing happens when the operator is not one.
   *
   * @throws NotFoundError (field `lineId` or `operatorId`) when the line is unknown, or the operator is neither declared nor a contributor of it.
   */
  async removeContributor(
    lineId: string,
    operatorId: string,
    options: ChangeOptions = {},
  ): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("removeContributor", { lineId: [Text, lineId], operatorId: [Text, operatorId] });
    return this.#changes.removeContributor(lineId, operatorId, options);
  }

  /**
   * Declares that one line depends on another (or changes the kind, criticality or contract).
   *
   * @throws NotFoundError (field `fromLine` or `dependency.line`, with the lines near it) when either line is unknown.
   * @throws ValidationError when the other line is the line itself, or the attributes are malformed, at path `dependency` (`dependency.kind`).
   */
  async addDependency(
    fromLine: string,
    input: DependencyDeclInput,
    options: ChangeOptions = {},
  ): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("addDependency", { fromLine: [Text, fromLine] });
    return this.#changes.addDependency(fromLine, input, options);
  }

  /**
   * Removes a dependency; nothing happens when the line has none on `toLine`.
   *
   * @throws NotFoundError (field `fromLine` or `toLine`) when the dependent line is unknown, or the other is neither a line nor a dependency of it.
   */
  async removeDependency(
    fromLine: string,
    toLine: string,
    options: ChangeOptions = {},
  ): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("removeDependency", { fromLine: [Text, fromLine], toLine: [Text, toLine] });
    return this.#changes.removeDependency(fromLine, toLine, options);
  }

  /**
   * Adds (or updates) an edge of a registered relation, such as one a factory defined with `defineRelation`.
   *
   * @param from - source node as `kind:id` (`line:new-checkout`).
   * @param to - target node as `kind:id`.
   * @throws ValidationError when the relation is unknown, the kinds are not allowed, a node is missing, or the attributes are invalid.
   */
  async addRelation(
    type: string,
    from: string,
    to: string,
    attributes: Record<string, unknown> = {},
    options: ChangeOptions = {},
  ): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("addRelation", { type: [Text, type], from: [Text, from], to: [Text, to] });
    return this.#changes.addRelation(type, from, to, attributes, options);
  }

  /** Removes an edge of a registered relation; nothing happens when there is none. */
  async removeRelation(
    type: string,
    from: string,
    to: string,
    options: ChangeOptions = {},
  ): Promise<ApplyPlanResult> {
    this.#startChange(options);
    checkArguments("removeRelation", { type: [Text, type], from: [Text, from], to: [Text, to] });
    return this.#changes.removeRelation(type, from, to, options);
  }

  /** Edges of a relation type, as `{ from, to, attributes }` with `kind:id` node keys. */
  relationsOf(type: string): {
    /** The source node, as `kind:id` (`line:checkout`). */
    readonly from: string;
    /** The target node, as `kind:id`. */
    readonly to: string;
    /** The edge's attributes, as the relation's schema parsed them. */
    readonly attributes: Readonly<Record<string, unknown>>;
  }[] {
    this.#assertOpen();
    checkArguments("relationsOf", { type: [Text, type] });
    const edges: { from: string; to: string; attributes: Readonly<Record<string, unknown>> }[] = [];
    this.graph.graph.forEachEdge((_edge, attributes, source, target) => {
      if (attributes.relation === type)
        edges.push({ from: source, to: target, attributes: attributes.attributes });
    });
    return edges;
  }

  /** Stops following the log (the log itself stays open); later calls fail with `ClosedError`. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#projection.close();
  }

  /** Same as {@link FloorPlan.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Refuses a call made after {@link FloorPlan.close}: the graph no longer follows the log.
   *
   * @throws ClosedError when the floor plan is closed (in the words of whatever closed its log, a factory, when it gave some).
   */
  #assertOpen(): void {
    if (this.#closed) throw this.#log.closedError("the floor plan is closed");
  }
}
