import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/** Splits a plan path (`lines[3].dependsOn[0]`) into keys and indices. */
export function splitPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(match[1]);
  }
  return parts;
}

function keyText(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/**
 * The 1-based line and column of the node at a path, or of its nearest existing
 * ancestor when the path names something missing. With `atKey`, points at the
 * key of the last segment instead of its value (for unknown keys).
 */
export function positionOf(
  document: Document,
  counter: LineCounter,
  path: readonly (string | number)[],
  atKey = false,
): { line: number; column: number } | undefined {
  let node: unknown = document.contents;
  let found: Node | undefined = (document.contents ?? undefined) as Node | undefined;
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === segment);
      if (pair === undefined) break;
      const last = index === path.length - 1;
      if (last && atKey && pair.key !== null && typeof pair.key === "object") {
        found = pair.key as Node;
        break;
      }
      node = pair.value;
      found = ((pair.value ?? pair.key) as Node | undefined) ?? found;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) break;
      node = item;
      found = item as Node;
    } else {
      break;
    }
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = counter.linePos(offset);
  return { line, column: col };
}
