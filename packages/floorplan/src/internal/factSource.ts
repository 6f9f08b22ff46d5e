import type { FloorGraph } from "../FloorGraph.js";
import { edgeKey, nodeKey } from "../graphTypes.js";
import type { ProvenanceSource } from "../model.js";

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
