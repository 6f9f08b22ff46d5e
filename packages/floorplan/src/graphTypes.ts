import { checkArguments } from "@software-factory/core";
import type { MultiDirectedGraph } from "graphology";
import { Text } from "./internal/arguments.js";
import { edgeKey as uncheckedEdgeKey, nodeKey as uncheckedNodeKey } from "./internal/keys.js";
import { type Criticality, type DependencyKind, NodeKindSchema, type Provenance } from "./model.js";
import type { ContributorDecl, DomainDecl, OperatorDecl, PlanSettings, ProductDecl } from "./Plan.js";

/** Attributes of a product node. */
export interface ProductNode extends ProductDecl {
  /** Tells a product node apart from the other kinds. */
  readonly kind: "product";
  /** Where the product was declared, and when last seen. */
  readonly provenance: Provenance;
}

/** Attributes of a domain node. */
export interface DomainNode extends DomainDecl {
  /** Tells a domain node apart from the other kinds. */
  readonly kind: "domain";
  /** Where the domain was declared, and when last seen. */
  readonly provenance: Provenance;
}

/** Attributes of an operator node. */
export interface OperatorNode extends OperatorDecl {
  /** Tells an operator node apart from the other kinds. */
  readonly kind: "operator";
  /** Where the operator was declared, and when last seen. */
  readonly provenance: Provenance;
}

/** Attributes of a line node (owner, contributors and dependencies are edges). */
export interface LineNode {
  /** Tells a line node apart from the other kinds. */
  readonly kind: "line";
  /** The line's id (a lowercase slug). */
  readonly id: string;
  /** Display name; undefined when the plan gives none. */
  readonly name?: string | undefined;
  /** Id of the domain the line is part of; undefined when none. */
  readonly domain?: string | undefined;
  /** What the line does, in a few sentences; undefined when not written. */
  readonly description?: string | undefined;
  /** Code paths of the line, as CODEOWNERS patterns. */
  readonly paths: readonly string[];
  /** Free labels (`pci`, `customer-facing`). */
  readonly tags: readonly string[];
  /** How many work items may be in progress on the line at once; undefined for no limit. */
  readonly wipLimit?: number | undefined;
  /** Links to knowledge (document ids or URLs). */
  readonly knowledge: readonly string[];
  /** Position in the plan; path patterns of later lines win. */
  readonly order: number;
  /** Where the line was declared, and when last seen. */
  readonly provenance: Provenance;
}

/** Attributes of any node of the floor plan graph. */
export type FloorNode = ProductNode | DomainNode | OperatorNode | LineNode;

/** Attributes of an edge: its relation, the relation's attributes and provenance. */
export interface FloorEdge {
  /** The relation's name (`owns`, `dependsOn`, ... or a registered one). */
  readonly relation: string;
  /** The relation's own attributes (a dependency's kind, criticality and contract); empty when it has none. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Where the edge was declared, and when last seen. */
  readonly provenance: Provenance;
}

/** Attributes of the graph itself. */
export interface FloorGraphAttributes {
  /** The plan-wide settings; absent when the plan gives none. */
  readonly settings?: PlanSettings;
}

/** The graphology graph behind a floor plan: node keys are `kind:id`, edge keys `relation:source->target`. */
export type FloorGraphology = MultiDirectedGraph<FloorNode, FloorEdge, FloorGraphAttributes>;

/** A line as the queries return it, with its owner and contributors. */
export interface LineInfo extends Omit<LineNode, "kind" | "order"> {
  /** The accountable operator, undefined when the line is unowned. */
  readonly owner?: string | undefined;
  /** Further operators on the line, each with a role. */
  readonly contributors: readonly ContributorDecl[];
}

/** A dependency between two lines. */
export interface DependencyInfo {
  /** The dependent line. */
  readonly from: string;
  /** The line depended on. */
  readonly to: string;
  /** What the dependency goes through (api, data, event, ...). */
  readonly kind: DependencyKind;
  /** How badly the dependent line breaks when the other changes. */
  readonly criticality: Criticality;
  /** Description of the contract between the two lines; undefined when none is written. */
  readonly contract?: string | undefined;
}

/** One edge of a chain of dependencies. */
export interface DependencyStep {
  /** The dependent line. */
  readonly from: string;
  /** The line depended on. */
  readonly to: string;
  /** What the dependency goes through (api, data, event, ...). */
  readonly kind: DependencyKind;
  /** How badly the dependent line breaks when the other changes. */
  readonly criticality: Criticality;
}

/** A line reached by walking dependencies, with how far and through which edges. */
export interface ReachedLine {
  /** The line's id. */
  readonly line: string;
  /** Number of edges between the start and this line. */
  readonly depth: number;
  /** The weakest criticality along the chain. */
  readonly criticality: Criticality;
  /** The edges connecting the start to this line, in walking order. */
  readonly path: readonly DependencyStep[];
}

/**
 * Key of a node in the graphology graph: `kind:id`.
 *
 * @throws ValidationError naming `kind` or `id` when one is not a node kind or a string.
 */
export function nodeKey(kind: FloorNode["kind"], id: string): string {
  checkArguments("nodeKey", { kind: [NodeKindSchema, kind], id: [Text, id] });
  return uncheckedNodeKey(kind, id);
}

/**
 * Key of an edge in the graphology graph: `relation:source->target`.
 *
 * @throws ValidationError naming `relation`, `source` or `target` when one is not a string.
 */
export function edgeKey(relation: string, source: string, target: string): string {
  checkArguments("edgeKey", { relation: [Text, relation], source: [Text, source], target: [Text, target] });
  return uncheckedEdgeKey(relation, source, target);
}
