import { checkArguments, NotFoundError, ValidationError } from "@software-factory/core";
import { MultiDirectedGraph } from "graphology";
import type {
  DependencyInfo,
  DomainNode,
  FloorGraphology,
  LineInfo,
  LineNode,
  OperatorNode,
  ProductNode,
  ReachedLine,
} from "./graphTypes.js";
import { Paths, Text } from "./internal/arguments.js";
import { criticalityOfRank, DependencyIndex } from "./internal/DependencyIndex.js";
import { LinesOfOptionsSchema, parsed, ReachOptionsSchema } from "./internal/floorPlanInputs.js";
import { nodeKey } from "./internal/keys.js";
import { PathIndex, type PathMatch } from "./internal/PathIndex.js";
import { repositoryPath } from "./internal/repositoryPath.js";
import type { Criticality, DependencyKind } from "./model.js";
import type { ContributorDecl, PlanSettings } from "./Plan.js";

/**
 * The lines of the floor plan as the assembly line sees them: owner, WIP limit and the line of a path.
 * A floor plan also serves core's `LineDirectory` (what an assembly line takes as `lines`), which asks
 * for owner and WIP limit and, optionally, which lines and operators exist.
 */
export interface FloorLineDirectory {
  /** The accountable operator of a line, undefined when the line is unknown or unowned. */
  ownerOf(lineId: string): string | undefined;
  /** The WIP limit of a line, undefined when it has none or is unknown. */
  wipLimitOf(lineId: string): number | undefined;
  /** The line owning a repository path (CODEOWNERS semantics), undefined when no pattern claims it. */
  lineForPath(path: string): string | undefined;
}

/** Which line claims a path, through which pattern. */
export interface PathOwnership {
  /** The repository path asked about. */
  readonly path: string;
  /** Id of the line that claims it. */
  readonly line: string;
  /** The pattern of the line that matched (the last matching one in plan order). */
  readonly pattern: string;
  /** The line's accountable operator; undefined when the line is unowned. */
  readonly owner?: string | undefined;
}

/** Options of {@link FloorGraph.dependencies} and {@link FloorGraph.dependents}; a key it does not list is refused. */
export interface ReachOptions {
  /** Follow edges transitively (default true). */
  readonly transitive?: boolean;
  /** Stop after this many edges (default unlimited). */
  readonly depth?: number;
}

/**
 * The floor plan as a graph (on graphology) with its queries: who owns a line
 * or a path, what depends on what. It is the read model the event-backed
 * `FloorPlan` folds into; build one directly from a plan with `buildFloorGraph`.
 *
 * Query results are computed from typed-array indexes that are rebuilt on the
 * first query after a change. A query given an argument of the wrong type
 * (`42` or `null` for a line id) throws a `ValidationError` naming it.
 */
export class FloorGraph implements FloorLineDirectory {
  /** The underlying graphology graph; call {@link FloorGraph.changed} after editing it directly. */
  readonly graph: FloorGraphology;
  #paths: PathIndex<string> | undefined;
  #dependencies: DependencyIndex | undefined;
  #owners: Map<string, string> | undefined;
  /** Line and pattern pairs path lookups skip and have warned about. */
  readonly #skipped = new Set<string>();

  /** Wraps a graph, or starts an empty one. */
  constructor(graph: FloorGraphology = new MultiDirectedGraph()) {
    this.graph = graph;
  }

  /** Drops the derived indexes; they are rebuilt on the next query. */
  changed(): void {
    this.#paths = undefined;
    this.#dependencies = undefined;
    this.#owners = undefined;
  }

  /** Plan-wide settings. */
  get settings(): PlanSettings {
    return this.graph.getAttribute("settings") ?? { cycles: "warning" };
  }

  /** The product node, if declared. */
  product(): ProductNode | undefined {
    for (const node of this.graph.nodes()) {
      const attributes = this.graph.getNodeAttributes(node);
      if (attributes.kind === "product") return attributes;
    }
    return undefined;
  }

  /** Every domain, in declaration order. */
  domains(): DomainNode[] {
    return this.#nodesOf<DomainNode>("domain");
  }

  /** Every operator, in declaration order. */
  operators(): OperatorNode[] {
    return this.#nodesOf<OperatorNode>("operator");
  }

  /** One operator, if declared. */
  operator(id: string): OperatorNode | undefined {
    checkArguments("operator", { id: [Text, id] });
    const key = nodeKey("operator", id);
    return this.graph.hasNode(key) ? (this.graph.getNodeAttributes(key) as OperatorNode) : undefined;
  }

  /** Every line with its owner and contributors, in plan order. */
  lines(): LineInfo[] {
    return this.#lineNodes().map((node) => this.#info(node));
  }

  /** Ids of every line, in plan order. */
  lineIds(): string[] {
    return this.#lineNodes().map((node) => node.id);
  }

  /** One line with its owner and contributors, if declared. */
  line(id: string): LineInfo | undefined {
    checkArguments("line", { id: [Text, id] });
    const node = this.#lineNode(id);
    return node === undefined ? undefined : this.#info(node);
  }

  /** Tells whether a line is declared. */
  hasLine(lineId: string): boolean {
    checkArguments("hasLine", { lineId: [Text, lineId] });
    return this.graph.hasNode(nodeKey("line", lineId));
  }

  /** The accountable operator of a line, undefined when the line is unknown or unowned. */
  ownerOf(lineId: string): string | undefined {
    checkArguments("ownerOf", { lineId: [Text, lineId] });
    if (this.#owners === undefined) {
      const owners = new Map<string, string>();
      this.graph.forEachEdge((_edge, attributes, source, target) => {
        if (attributes.relation === "owns")
          owners.set(target.slice("line:".length), source.slice("operator:".length));
      });
      this.#owners = owners;
    }
    return this.#owners.get(lineId);
  }

  /** The further operators of a line with their roles. */
  contributorsOf(lineId: string): ContributorDecl[] {
    checkArguments("contributorsOf", { lineId: [Text, lineId] });
    const key = nodeKey("line", lineId);
    if (!this.graph.hasNode(key)) return [];
    const contributors: ContributorDecl[] = [];
    this.graph.forEachInEdge(key, (_edge, attributes, source) => {
      if (attributes.relation === "contributes") {
        contributors.push({
          operator: source.slice("operator:".length),
          role: String(attributes.attributes.role),
        });
      }
    });
    return contributors;
  }

  /**
   * Lines an operator owns (and, with `contributions`, those they contribute to), in plan order.
   *
   * @throws NotFoundError when the operator is not declared.
   * @throws ValidationError when an option is malformed or unknown, naming it and the options.
   */
  linesOf(operatorId: string, options: { readonly contributions?: boolean } = {}): string[] {
    checkArguments("linesOf", { operatorId: [Text, operatorId] });
    parsed(LinesOfOptionsSchema, options, "linesOf options");
    const key = nodeKey("operator", operatorId);
    if (!this.graph.hasNode(key))
      throw new NotFoundError({
        message: `operator "${operatorId}" is not in the floor plan`,
        entity: "operator",
        id: operatorId,
      });
    const lines: LineNode[] = [];
    this.graph.forEachOutEdge(key, (_edge, attributes, _source, target) => {
      if (
        attributes.relation === "owns" ||
        (options.contributions === true && attributes.relation === "contributes")
      ) {
        lines.push(this.graph.getNodeAttributes(target) as LineNode);
      }
    });
    return [...new Set(lines)].sort((a, b) => a.order - b.order).map((line) => line.id);
  }

  /** The WIP limit of a line, undefined when it has none or is unknown. */
  wipLimitOf(lineId: string): number | undefined {
    checkArguments("wipLimitOf", { lineId: [Text, lineId] });
    return this.#lineNode(lineId)?.wipLimit;
  }

  /**
   * The line owning a repository path: the last line pattern (in plan order) that matches, as in CODEOWNERS.
   * The path is read from the repository root: a Windows backslash is `/`, `.` and `..` segments are resolved, a leading `/`
   * is the root, and a path without a trailing `/` is also the folder a folder pattern names (`apps/web` for `/apps/web/`).
   * Whitespace is part of the path, even at either end (`docs/notes.md `, a legal file name): it is never trimmed.
   *
   * @throws ValidationError naming the path when it is blank, climbs above the root (`../x`) or is the root.
   */
  lineForPath(path: string): string | undefined {
    return this.#pathIndex().match(repositoryPath(path, "path"))?.value;
  }

  /**
   * Which line claims a path and through which pattern, or undefined when none does; `path` in the answer is
   * the repository path as read (`apps/web/x.ts` for `./apps\web\x.ts`).
   *
   * @throws ValidationError as {@link FloorGraph.lineForPath} does.
   */
  explainPath(path: string): PathOwnership | undefined {
    const read = repositoryPath(path, "path");
    const match: PathMatch<string> | undefined = this.#pathIndex().match(read);
    if (match === undefined) return undefined;
    return { path: read, line: match.value, pattern: match.pattern, owner: this.ownerOf(match.value) };
  }

  /**
   * Groups paths by the line that claims them; paths no line claims are listed apart. Each path is read as
   * {@link FloorGraph.lineForPath} reads it and listed as read.
   *
   * @throws ValidationError naming the path and its place (`paths[2]`) when one is refused, as by {@link FloorGraph.lineForPath}.
   */
  linesForPaths(paths: Iterable<string>): {
    /** Line id to the given paths it claims (as read), in the order given. */
    readonly byLine: Map<string, string[]>;
    /** The given paths no line claims (as read), in the order given. */
    readonly unclaimed: string[];
  } {
    checkArguments("linesForPaths", { paths: [Paths, paths] });
    const byLine = new Map<string, string[]>();
    const unclaimed: string[] = [];
    const index = this.#pathIndex();
    let at = 0;
    for (const given of paths) {
      const path = repositoryPath(given, `paths[${at++}]`);
      const line = index.match(path)?.value;
      if (line === undefined) unclaimed.push(path);
      else {
        const claimed = byLine.get(line);
        if (claimed === undefined) byLine.set(line, [path]);
        else claimed.push(path);
      }
    }
    return { byLine, unclaimed };
  }

  /** Every dependency between lines. */
  dependencyList(): DependencyInfo[] {
    const list: DependencyInfo[] = [];
    this.graph.forEachEdge((_edge, attributes, source, target) => {
      if (attributes.relation !== "dependsOn") return;
      list.push({
        from: source.slice("line:".length),
        to: target.slice("line:".length),
        kind: attributes.attributes.kind as DependencyKind,
        criticality: attributes.attributes.criticality as Criticality,
        ...(attributes.attributes.contract === undefined
          ? {}
          : { contract: attributes.attributes.contract as string }),
      });
    });
    return list;
  }

  /**
   * Lines a line depends on, direct or transitive, each with its depth and the chain of edges leading to it:
   * nearest first, and at each depth in an order the plan fixes (lines in plan order, each
   * line's edges in the plan order of the lines at their other end), whatever the order of the edits
   * that made it.
   *
   * @throws NotFoundError when the line is not declared.
   * @throws ValidationError when an option is malformed or unknown (`transitve`), naming it and the options.
   */
  dependencies(lineId: string, options: ReachOptions = {}): ReachedLine[] {
    checkArguments("dependencies", { lineId: [Text, lineId] });
    return this.#reach(lineId, "out", options);
  }

  /**
   * Lines that depend on a line, direct or transitive, each with its depth and the chain of edges leading to it:
   * nearest first, and at each depth in an order the plan fixes (lines in plan order, each
   * line's edges in the plan order of the lines at their other end), whatever the order of the edits
   * that made it.
   *
   * @throws NotFoundError when the line is not declared.
   * @throws ValidationError when an option is malformed or unknown (`transitve`), naming it and the options.
   */
  dependents(lineId: string, options: ReachOptions = {}): ReachedLine[] {
    checkArguments("dependents", { lineId: [Text, lineId] });
    return this.#reach(lineId, "in", options);
  }

  /** Dependency cycles, each printed as the line ids around it (`a -> b -> a`), first line repeated at the end. */
  cycles(): string[][] {
    const index = this.dependencyIndex();
    return index
      .cycles()
      .map((component) => index.cycleThrough(component).map((node) => index.ids[node] ?? "?"));
  }

  /**
   * @internal The typed-array copy of the dependencies, rebuilt after changes.
   * Its edges are in plan order (of the dependent line, then of the line it
   * depends on), not in the order the log happened to add them, so walks,
   * their ties and their chains are the same for the same plan however it
   * was reached (edits over time, or `buildFloorGraph` of its `toPlan()`).
   */
  dependencyIndex(): DependencyIndex {
    if (this.#dependencies === undefined) {
      const ids = this.lineIds();
      const position = new Map(ids.map((id, at) => [id, at]));
      const at = (id: string) => position.get(id) ?? -1;
      const edges = this.dependencyList().sort((a, b) => at(a.from) - at(b.from) || at(a.to) - at(b.to));
      this.#dependencies = new DependencyIndex(ids, edges);
    }
    return this.#dependencies;
  }

  #reach(lineId: string, direction: "in" | "out", options: ReachOptions): ReachedLine[] {
    parsed(ReachOptionsSchema, options, "reach options");
    const index = this.dependencyIndex();
    const start = index.indexOf.get(lineId);
    if (start === undefined)
      throw new NotFoundError({
        message: `line "${lineId}" is not in the floor plan`,
        entity: "line",
        id: lineId,
      });
    const depth = options.transitive === false ? 1 : (options.depth ?? Number.POSITIVE_INFINITY);
    if (!(depth >= 1))
      throw new ValidationError({
        message: `depth must be at least 1, got ${depth}`,
        issues: [{ path: "depth", message: "must be at least 1" }],
      });
    const reach = index.reach([start], direction, depth, Number.POSITIVE_INFINITY);
    const lines: ReachedLine[] = [];
    for (const node of reach.reached) {
      const chain = index.chain(reach, node, direction).reverse();
      lines.push({
        line: index.ids[node] ?? "?",
        depth: reach.distance[node] ?? 0,
        criticality: criticalityOfRank(reach.chainRank[node] ?? 1),
        path: chain.map((edge) => index.step(edge)),
      });
    }
    return lines;
  }

  #pathIndex(): PathIndex<string> {
    if (this.#paths === undefined) {
      const rules = this.#lineNodes().flatMap((line) =>
        line.paths.map((pattern) => ({ pattern, value: line.id })),
      );
      this.#paths = new PathIndex(rules, (rule, reason) => this.#warnSkipped(rule.value, reason));
    }
    return this.#paths;
  }

  /** Says once per line and pattern (the index is rebuilt after each change) that path lookups skip a pattern stored earlier. */
  #warnSkipped(lineId: string, reason: string): void {
    const key = `${lineId}\n${reason}`;
    if (this.#skipped.has(key)) return;
    this.#skipped.add(key);
    process.emitWarning(
      `floor plan line "${lineId}": ${reason}; path lookups skip this pattern: declare the line again without it (factory.yaml and plan apply, or declareLine)`,
      { type: "FloorPlanWarning", code: "FLOORPLAN_PATTERN_SKIPPED" },
    );
  }

  #lineNode(id: string): LineNode | undefined {
    const key = nodeKey("line", id);
    return this.graph.hasNode(key) ? (this.graph.getNodeAttributes(key) as LineNode) : undefined;
  }

  #lineNodes(): LineNode[] {
    return this.#nodesOf<LineNode>("line").sort((a, b) => a.order - b.order);
  }

  #nodesOf<Node>(kind: string): Node[] {
    const nodes: Node[] = [];
    this.graph.forEachNode((_key, attributes) => {
      if (attributes.kind === kind) nodes.push(attributes as Node);
    });
    return nodes;
  }

  #info(node: LineNode): LineInfo {
    const { kind: _kind, order: _order, ...rest } = node;
    return { ...rest, owner: this.ownerOf(node.id), contributors: this.contributorsOf(node.id) };
  }
}
