/**
 * Lines an import proposes that claim exactly the paths of another line of
 * the floor plan under another id (CODEOWNERS' `packages-cart` and the
 * workspace's `shop-cart`, both `/packages/cart/`): merged, both stay, and
 * only the later one answers who-owns and routing for those paths.
 *
 * @module
 */
import { checkedPlans } from "./internal/planArgument.js";
import type { Plan } from "./Plan.js";
import { merged } from "./planEvents.js";
import type { PlanProblem } from "./validatePlan.js";

/** A line's paths as one comparable key (order does not matter); undefined for a line with none. */
function pathsKey(paths: readonly string[]): string | undefined {
  return paths.length === 0 ? undefined : [...new Set(paths)].sort().join("\n");
}

/**
 * A `same-paths` warning for each line of `proposed` whose paths are exactly
 * those of a line of the floor plan under another id, once `proposed` is
 * merged into `current` (a line it redeclares counts with the paths it
 * proposes), placed at the proposed line's paths in `proposed`. Before
 * merging an import, or instead of it (a proposal written to a file to edit).
 *
 * @example
 * ```ts
 * const proposed = await importWorkspaces(".");
 * for (const warning of samePathLines(floorplan.toPlan(), proposed)) console.warn(warning.message);
 * ```
 * @throws ValidationError naming `current` or `proposed` and the place inside it when one is not a plan (see `PlanSchema`).
 */
export function samePathLines(current: Plan, proposed: Plan): PlanProblem[] {
  const plans = checkedPlans("samePathLines", { current, proposed });
  return samePaths(plans.current, plans.proposed, merged(plans.current, plans.proposed), plans.proposed);
}

/**
 * {@link samePathLines} of plans already checked, with `next` the merge of
 * `proposed` into `current`, placed in `placed`: `proposed`, or `next` once
 * merged (as the merge's other warnings are).
 */
export function samePaths(current: Plan, proposed: Plan, next: Plan, placed: Plan): PlanProblem[] {
  const had = new Set(current.lines.map((line) => line.id));
  const byPaths = new Map<string, string[]>();
  for (const line of next.lines) {
    const key = had.has(line.id) ? pathsKey(line.paths) : undefined;
    if (key !== undefined) byPaths.set(key, [...(byPaths.get(key) ?? []), line.id]);
  }
  let places: Map<string, number> | undefined;
  return proposed.lines.flatMap((line) => {
    const key = pathsKey(line.paths);
    const others = (key === undefined ? [] : (byPaths.get(key) ?? [])).filter((id) => id !== line.id);
    if (others.length === 0) return [];
    places ??= new Map(placed.lines.map((placedLine, place) => [placedLine.id, place]));
    const path = `lines[${places.get(line.id) ?? -1}].paths`;
    return others.map((other) => ({
      code: "same-paths",
      severity: "warning" as const,
      path,
      message: `line "${line.id}" claims the same paths as line "${other}" (${line.paths.join(" ")}): both stay, and only the later one in the floor plan answers who-owns and routing for them`,
      hint: `keep one: apply a factory.yaml without "${other}" or without "${line.id}" (applying one replaces the floor plan), or leave "${line.id}" out of the import before merging (edit the proposed plan, or import with --out)`,
    }));
  });
}
