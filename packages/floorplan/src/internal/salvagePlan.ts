/**
 * The parts of a plan that pass the schema, for checking references, owners
 * and cycles while schema errors are reported too: each field the schema
 * rejects is left out (an item whose id or other required field is rejected
 * is left out whole), and paths into the salvaged plan map back to the places
 * of the original.
 *
 * @module
 */
import type { z } from "zod";
import { type Plan, PlanSchema } from "../Plan.js";

/** A plan built from what parsed, and the way back to the original's paths. */
export interface SalvagedPlan {
  readonly plan: Plan;
  /** Paths (`lines[2].owner`) of the original that were left out. */
  readonly removed: ReadonlySet<string>;
  /** The original path of a path into {@link SalvagedPlan.plan}. */
  original(path: readonly (string | number)[]): (string | number)[];
}

/** Marks an array item left out; items are dropped only when the arrays are rebuilt, so indices stay those of the original. */
const GONE = Symbol("left out");

/** A plan path as text: `lines[2].dependsOn[0]`. */
export function joinPath(segments: readonly (string | number)[]): string {
  return segments
    .map((segment) => (typeof segment === "number" ? `[${segment}]` : segment))
    .join(".")
    .replace(/\.\[/g, "[");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clone(item)]));
  return value;
}

/** Rebuilds the arrays without the items left out; `indices` gets, per array (keyed by its original path), the original index of each kept item. */
function compact(value: unknown, path: string, indices: Map<string, number[]>): unknown {
  if (Array.isArray(value)) {
    const kept: number[] = [];
    const items: unknown[] = [];
    value.forEach((item, index) => {
      if (item === GONE) return;
      kept.push(index);
      items.push(compact(item, `${path}[${index}]`, indices));
    });
    indices.set(path, kept);
    return items;
  }
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, compact(item, `${path}.${key}`, indices)]),
    );
  return value;
}

function toOriginal(
  segments: readonly PropertyKey[],
  indices: ReadonlyMap<string, number[]>,
): (string | number)[] {
  const out: (string | number)[] = [];
  let key = "";
  for (const segment of segments) {
    if (typeof segment === "number") {
      const index = indices.get(key)?.[segment] ?? segment;
      out.push(index);
      key = `${key}[${index}]`;
    } else {
      out.push(String(segment));
      key = `${key}.${String(segment)}`;
    }
  }
  return out;
}

function at(root: unknown, segments: readonly (string | number)[]): { found: boolean; value: unknown } {
  let node = root;
  for (const segment of segments) {
    if (Array.isArray(node) && typeof segment === "number" && segment < node.length && node[segment] !== GONE)
      node = node[segment];
    else if (isRecord(node) && typeof segment === "string" && Object.hasOwn(node, segment))
      node = node[segment];
    else return { found: false, value: undefined };
  }
  return { found: true, value: node };
}

/** Leaves out the value at a path (an array item is marked, an object key deleted); false at the root. */
function leaveOut(root: unknown, segments: readonly (string | number)[]): boolean {
  const last = segments.at(-1);
  if (last === undefined) return false;
  const parent = at(root, segments.slice(0, -1));
  if (!parent.found) return false;
  if (Array.isArray(parent.value) && typeof last === "number") {
    if (parent.value[last] === GONE) return false;
    parent.value[last] = GONE;
    return true;
  }
  if (isRecord(parent.value) && typeof last === "string" && Object.hasOwn(parent.value, last)) {
    delete parent.value[last];
    return true;
  }
  return false;
}

/** Rounds of leaving out before giving up: each round leaves out what the last parse rejected, and a missing required field takes its item in the next. */
const MAX_ROUNDS = 8;

/**
 * The plan made of what parses in `data` (a mapping read from a file), or
 * undefined when too little of it does (the root is not a mapping, or the
 * schema keeps rejecting what is left).
 */
export function salvagePlan(data: unknown): SalvagedPlan | undefined {
  if (!isRecord(data)) return undefined;
  const working = clone(data);
  const removed = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const indices = new Map<string, number[]>();
    const parsed = PlanSchema.safeParse(compact(working, "", indices));
    if (parsed.success) return { plan: parsed.data, removed, original: (path) => toOriginal(path, indices) };
    let progress = false;
    for (const issue of parsed.error.issues as z.core.$ZodIssue[]) {
      const path = toOriginal(issue.path, indices);
      const targets =
        issue.code === "unrecognized_keys"
          ? issue.keys.map((key) => [...path, key])
          : [at(working, path).found ? path : path.slice(0, -1)];
      for (const target of targets) {
        if (!leaveOut(working, target)) continue;
        removed.add(joinPath(target));
        progress = true;
      }
    }
    if (!progress) return undefined;
  }
  return undefined;
}
