import type { FloorGraph } from "../FloorGraph.js";
import type { ProvenanceSource } from "../model.js";
import type { Plan } from "../Plan.js";
import { edgeKey, nodeKey } from "./keys.js";

/** The keys (as {@link factSourceOf} takes them) of the facts a plan states. */
export function factKeys(plan: Partial<Pick<Plan, "operators" | "domains" | "lines">>): Set<string> {
  const keys = new Set<string>();
  for (const operator of plan.operators ?? []) keys.add(`operator:${operator.id}`);
  for (const domain of plan.domains ?? []) keys.add(`domain:${domain.id}`);
  for (const line of plan.lines ?? []) {
    keys.add(`line:${line.id}`);
    if (line.owner !== undefined) keys.add(`owner:${line.id}`);
    for (const dependency of line.dependsOn) keys.add(`dependency:${line.id}->${dependency.line}`);
  }
  return keys;
}

/**
 * Where a fact of the graph came from, by the keys of plan refs: `line:<id>`,
 * `operator:<id>`, `domain:<id>`, `owner:<line>` and `dependency:<from>-><to>`;
 * undefined for a fact the graph does not hold.
 */
export function factSourceOf(floor: FloorGraph, key: string): ProvenanceSource | undefined {
  const graph = floor.graph;
  const colon = key.indexOf(":");
  const kind = key.slice(0, colon);
  const id = key.slice(colon + 1);
  switch (kind) {
    case "line":
    case "operator":
    case "domain": {
      const node = nodeKey(kind, id);
      return graph.hasNode(node) ? graph.getNodeAttributes(node).provenance.source : undefined;
    }
    case "owner": {
      const line = nodeKey("line", id);
      if (!graph.hasNode(line)) return undefined;
      let source: ProvenanceSource | undefined;
      graph.forEachInEdge(line, (_edge, attributes) => {
        if (attributes.relation === "owns") source = attributes.provenance.source;
      });
      return source;
    }
    case "dependency": {
      const [from = "", to = ""] = id.split("->");
      const edge = edgeKey("dependsOn", nodeKey("line", from), nodeKey("line", to));
      return graph.hasEdge(edge) ? graph.getEdgeAttributes(edge).provenance.source : undefined;
    }
    default:
      return undefined;
  }
}
