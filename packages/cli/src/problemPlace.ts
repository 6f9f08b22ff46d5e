/**
 * Where a floor plan problem is, as a person reads it: its path with the
 * entry it points into named (`lines[2] (checkout).dependsOn[0]`), since an
 * index alone means nothing to someone reading an import's output, and for a
 * merged plan it counts entries they never saw.
 *
 * @module
 */
import type { Plan } from "@software-factory/floorplan";

/** The id of the entry `section[index]` of `plan`, or what names a relation (`supersedes a -> b`). */
function entryName(plan: Plan, section: string, index: number): string | undefined {
  if (section === "relations") {
    const relation = plan.relations[index];
    return relation === undefined ? undefined : `${relation.type} ${relation.from} -> ${relation.to}`;
  }
  if (section !== "lines" && section !== "operators" && section !== "domains") return undefined;
  return plan[section][index]?.id;
}

/**
 * `path` with the entry it starts in named by its id from `plan`:
 * `lines[2].dependsOn[0]` is `lines[2] (checkout).dependsOn[0]`. A path into
 * no such entry, or with no plan, is returned as it is.
 *
 * @example
 * ```ts
 * namedPath(plan, "lines[2]"); // "lines[2] (checkout)"
 * ```
 */
export function namedPath(plan: Plan | undefined, path: string): string {
  const match = /^(\w+)\[(\d+)\]/.exec(path);
  if (plan === undefined || match === null) return path;
  const name = entryName(plan, match[1] ?? "", Number(match[2]));
  return name === undefined ? path : `${match[0]} (${name})${path.slice(match[0].length)}`;
}
