import type { MultiDirectedGraph } from "graphology";
import type { Criticality, DependencyKind, Provenance } from "./model.js";
import type { ContributorDecl, DomainDecl, OperatorDecl, PlanSettings, ProductDecl } from "./Plan.js";

/** Attributes of a product node. */
export interface ProductNode extends ProductDecl {
  readonly kind: "product";
  readonly provenance: Provenance;
}

/** Attributes of a domain node. */
export interface DomainNode extends DomainDecl {
  readonly kind: "domain";
  readonly provenance: Provenance;
}

/** Attributes of an operator node. */
export interface OperatorNode extends OperatorDecl {
  readonly kind: "operator";
  readonly provenance: Provenance;
}

/** Attributes of a line node (owner, contributors and dependencies are edges). */
export interface LineNode {
  readonly kind: "line";
  readonly id: string;
  readonly name?: string | undefined;
  readonly domain?: string | undefined;
  readonly description?: string | undefined;
  readonly paths: readonly string[];
  readonly tags: readonly string[];
  readonly wipLimit?: number | undefined;
  readonly knowledge: readonly string[];
  /** Position in the plan; path patterns of later lines win. */
  readonly order: number;
  readonly provenance: Provenance;
}

/** Attributes of any node of the floor plan graph. */
export type FloorNode = ProductNode | DomainNode | OperatorNode | LineNode;

/** Attributes of an edge: its relation, the relation's attributes and provenance. */
export interface FloorEdge {
  readonly relation: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly provenance: Provenance;
}

/** Attributes of the graph itself. */
export interface FloorGraphAttributes {
  readonly settings?: PlanSettings;
}

/** The graphology graph behind a floor plan: node keys are `kind:id`, edge keys `relation:source->target`. */
export type FloorGraphology = MultiDirectedGraph<FloorNode, FloorEdge, FloorGraphAttributes>;

/** A line as the queries return it, with its owner and contributors. */
export interface LineInfo extends Omit<LineNode, "kind" | "order"> {
  /** The accountable operator, undefined when the line is unowned. */
  readonly owner?: string | undefined;
  readonly contributors: readonly ContributorDecl[];
}

/** A dependency between two lines. */
export interface DependencyInfo {
  /** The dependent line. */
  readonly from: string;
  /** The line depended on. */
  readonly to: string;
  readonly kind: DependencyKind;
  readonly criticality: Criticality;
  readonly contract?: string | undefined;
}

/** One edge of a chain of dependencies. */
export interface DependencyStep {
  readonly from: string;
  readonly to: string;
  readonly kind: DependencyKind;
  readonly criticality: Criticality;
}

/** A line reached by walking dependencies, with how far and through which edges. */
export interface ReachedLine {
  readonly line: string;
  /** Number of edges between the start and this line. */
  readonly depth: number;
  /** The weakest criticality along the chain. */
  readonly criticality: Criticality;
  /** The edges connecting the start to this line, in walking order. */
  readonly path: readonly DependencyStep[];
}

/** Key of a node in the graphology graph. */
export function nodeKey(kind: FloorNode["kind"], id: string): string {
  return `${kind}:${id}`;
}

/** Key of an edge in the graphology graph. */
export function edgeKey(relation: string, source: string, target: string): string {
  return `${relation}:${source}->${target}`;
}
