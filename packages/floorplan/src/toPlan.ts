import { checkArguments } from "@software-factory/core";
import type { FloorGraph } from "./FloorGraph.js";
import type { DomainNode, LineInfo, OperatorNode } from "./graphTypes.js";
import { aFloorGraph } from "./internal/arguments.js";
import type { DependencyDecl, LineDecl, Plan, RelationDecl } from "./Plan.js";

const builtIn = new Set(["partOf", "dependsOn", "owns", "contributes"]);

function strip<Node extends { kind: string; provenance: unknown }>(
  node: Node,
): Omit<Node, "kind" | "provenance"> {
  const { kind: _kind, provenance: _provenance, ...rest } = node;
  return rest;
}

function lineDecl(line: LineInfo, dependsOn: DependencyDecl[]): LineDecl {
  const { provenance: _provenance, owner, contributors, ...rest } = line;
  return {
    ...rest,
    paths: [...rest.paths],
    tags: [...rest.tags],
    knowledge: [...rest.knowledge],
    ...(owner === undefined ? {} : { owner }),
    contributors: [...contributors],
    dependsOn,
  };
}

/** The current state of a floor plan graph as a plan, ready to save as `factory.yaml` or to diff. */
export function toPlan(floor: FloorGraph): Plan {
  checkArguments("toPlan", { floor: [aFloorGraph, floor] });
  const dependencies = new Map<string, DependencyDecl[]>();
  for (const dependency of floor.dependencyList()) {
    const { from, to, ...rest } = dependency;
    const list = dependencies.get(from) ?? [];
    list.push({
      line: to,
      kind: rest.kind,
      criticality: rest.criticality,
      ...(rest.contract === undefined ? {} : { contract: rest.contract }),
    });
    dependencies.set(from, list);
  }
  const relations: RelationDecl[] = [];
  floor.graph.forEachEdge((_edge, attributes, source, target) => {
    if (!builtIn.has(attributes.relation))
      relations.push({
        type: attributes.relation,
        from: source,
        to: target,
        attributes: { ...attributes.attributes },
      });
  });
  const product = floor.product();
  return {
    version: 1,
    ...(product === undefined ? {} : { product: strip(product) }),
    settings: floor.settings,
    operators: floor.operators().map((operator: OperatorNode) => strip(operator)),
    domains: floor.domains().map((domain: DomainNode) => strip(domain)),
    lines: floor.lines().map((line) => lineDecl(line, dependencies.get(line.id) ?? [])),
    relations,
  };
}
