/**
 * The keys of nodes and edges in the graphology graph, unchecked: the folding
 * and the queries call them once per fact, so the exported `nodeKey` and
 * `edgeKey` check their arguments and these do not.
 *
 * @module
 */
import type { FloorNode } from "../graphTypes.js";

/** Key of a node in the graphology graph. */
export function nodeKey(kind: FloorNode["kind"], id: string): string {
  return `${kind}:${id}`;
}

/** Key of an edge in the graphology graph. */
export function edgeKey(relation: string, source: string, target: string): string {
  return `${relation}:${source}->${target}`;
}
