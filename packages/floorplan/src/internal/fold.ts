import type { StoredEvent } from "@software-factory/core";
import type { FloorGraph } from "../FloorGraph.js";
import type { FloorEdge, FloorNode } from "../graphTypes.js";
import type { Provenance, ProvenanceInput } from "../model.js";
import type { PlanSettings } from "../Plan.js";
import { edgeKey, nodeKey } from "./keys.js";

/** An event reduced to what folding needs (stored events and planned ones alike). */
export interface FoldableEvent {
  readonly type: string;
  readonly subject: string;
  readonly data: unknown;
  readonly at: string;
}

type Data = Record<string, unknown> & { provenance?: ProvenanceInput };

const provenanceOf = (data: Data, at: string): Provenance => ({
  ...(data.provenance ?? { source: "inferred" }),
  lastSeen: at,
});

function withoutProvenance(data: Data): Record<string, unknown> {
  const { provenance: _provenance, ...rest } = data;
  return rest;
}

function setNode(floor: FloorGraph, node: FloorNode): void {
  const key = nodeKey(node.kind, node.id);
  if (floor.graph.hasNode(key)) floor.graph.replaceNodeAttributes(key, node);
  else floor.graph.addNode(key, node);
}

function setEdge(floor: FloorGraph, relation: string, source: string, target: string, edge: FloorEdge): void {
  const graph = floor.graph;
  if (!graph.hasNode(source) || !graph.hasNode(target)) return;
  const key = edgeKey(relation, source, target);
  if (graph.hasEdge(key)) graph.replaceEdgeAttributes(key, edge);
  else graph.addDirectedEdgeWithKey(key, source, target, edge);
}

function dropEdge(floor: FloorGraph, relation: string, source: string, target: string): void {
  const key = edgeKey(relation, source, target);
  if (floor.graph.hasEdge(key)) floor.graph.dropEdge(key);
}

function dropNode(floor: FloorGraph, key: string): void {
  if (floor.graph.hasNode(key)) floor.graph.dropNode(key);
}

function linkPartOf(floor: FloorGraph, source: string, target: string, provenance: Provenance): void {
  const graph = floor.graph;
  graph.forEachOutEdge(source, (edge, attributes) => {
    if (attributes.relation === "partOf") graph.dropEdge(edge);
  });
  setEdge(floor, "partOf", source, target, { relation: "partOf", attributes: {}, provenance });
}

/**
 * Folds one floor-plan event into the graph. Never throws: an event naming a
 * node that does not exist (it can only come from a hand-written append) is
 * skipped, as a projection must not stop on one event.
 *
 * @returns whether the graph changed.
 */
export function foldEvent(floor: FloorGraph, event: FoldableEvent | StoredEvent): boolean {
  const data = event.data as Data;
  const at = event.at;
  const graph = floor.graph;
  switch (event.type) {
    case "floorplan.product.declared": {
      const provenance = provenanceOf(data, at);
      const product = nodeKey("product", String(data.id));
      // A factory has one product: declaring another id renames it (the old node and its edges go).
      for (const key of graph.filterNodes(
        (key, attributes) => attributes.kind === "product" && key !== product,
      ))
        graph.dropNode(key);
      setNode(floor, { ...(withoutProvenance(data) as { id: string }), kind: "product", provenance });
      graph.forEachNode((key, attributes) => {
        if (attributes.kind === "domain") linkPartOf(floor, key, product, provenance);
      });
      break;
    }
    case "floorplan.domain.declared": {
      const provenance = provenanceOf(data, at);
      const key = nodeKey("domain", String(data.id));
      setNode(floor, { ...(withoutProvenance(data) as { id: string }), kind: "domain", provenance });
      const product = floor.product();
      if (product !== undefined) linkPartOf(floor, key, nodeKey("product", product.id), provenance);
      graph.forEachNode((lineKey, attributes) => {
        if (attributes.kind === "line" && attributes.domain === data.id)
          linkPartOf(floor, lineKey, key, attributes.provenance);
      });
      break;
    }
    case "floorplan.domain.retired":
      dropNode(floor, nodeKey("domain", String(data.id)));
      break;
    case "floorplan.operator.declared":
      setNode(floor, {
        ...(withoutProvenance(data) as { id: string; roles: []; handles: Record<string, string> }),
        kind: "operator",
        provenance: provenanceOf(data, at),
      });
      break;
    case "floorplan.operator.retired":
      dropNode(floor, nodeKey("operator", String(data.id)));
      break;
    case "floorplan.line.declared": {
      const provenance = provenanceOf(data, at);
      const key = nodeKey("line", String(data.id));
      setNode(floor, {
        ...(withoutProvenance(data) as { id: string; paths: []; tags: []; knowledge: []; order: number }),
        kind: "line",
        provenance,
      });
      if (typeof data.domain === "string") linkPartOf(floor, key, nodeKey("domain", data.domain), provenance);
      else
        graph.forEachOutEdge(
          key,
          (edge, attributes) => attributes.relation === "partOf" && graph.dropEdge(edge),
        );
      break;
    }
    case "floorplan.line.moved": {
      const key = nodeKey("line", String(data.id));
      const node = graph.hasNode(key) ? graph.getNodeAttributes(key) : undefined;
      if (node?.kind !== "line") return false;
      graph.replaceNodeAttributes(key, { ...node, order: Number(data.order) });
      break;
    }
    case "floorplan.line.retired":
      dropNode(floor, nodeKey("line", String(data.id)));
      break;
    case "floorplan.owner.assigned":
    case "floorplan.owner.unassigned": {
      const line = nodeKey("line", String(data.line));
      if (!graph.hasNode(line)) return false;
      graph.forEachInEdge(line, (edge, attributes) => attributes.relation === "owns" && graph.dropEdge(edge));
      if (event.type === "floorplan.owner.assigned") {
        setEdge(floor, "owns", nodeKey("operator", String(data.operator)), line, {
          relation: "owns",
          attributes: {},
          provenance: provenanceOf(data, at),
        });
      }
      break;
    }
    case "floorplan.contributor.added":
      setEdge(
        floor,
        "contributes",
        nodeKey("operator", String(data.operator)),
        nodeKey("line", String(data.line)),
        {
          relation: "contributes",
          attributes: { role: data.role },
          provenance: provenanceOf(data, at),
        },
      );
      break;
    case "floorplan.contributor.removed":
      dropEdge(
        floor,
        "contributes",
        nodeKey("operator", String(data.operator)),
        nodeKey("line", String(data.line)),
      );
      break;
    case "floorplan.dependency.declared": {
      const { from, to, provenance: _provenance, ...attributes } = data;
      setEdge(floor, "dependsOn", nodeKey("line", String(from)), nodeKey("line", String(to)), {
        relation: "dependsOn",
        attributes,
        provenance: provenanceOf(data, at),
      });
      break;
    }
    case "floorplan.dependency.removed":
      dropEdge(floor, "dependsOn", nodeKey("line", String(data.from)), nodeKey("line", String(data.to)));
      break;
    case "floorplan.relation.added":
      setEdge(floor, String(data.type), String(data.from), String(data.to), {
        relation: String(data.type),
        attributes: (data.attributes ?? {}) as Record<string, unknown>,
        provenance: provenanceOf(data, at),
      });
      break;
    case "floorplan.relation.removed":
      dropEdge(floor, String(data.type), String(data.from), String(data.to));
      break;
    case "floorplan.settings.changed":
      graph.setAttribute("settings", data as unknown as PlanSettings);
      break;
    default:
      return false;
  }
  floor.changed();
  return true;
}
