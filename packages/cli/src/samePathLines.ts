/**
 * Lines an import proposes that claim exactly the paths of another line of
 * the floor plan under another id (CODEOWNERS' `packages-cart` and the
 * workspace's `shop-cart`, both `/packages/cart/`): merged, both stay, and
 * only the later one answers who-owns and routing for those paths.
 *
 * @module
 */
import type { Plan, PlanProblem } from "@software-factory/floorplan";

/** A line's paths as one comparable key (order does not matter); undefined for a line with none. */
function pathsKey(paths: readonly string[]): string | undefined {
  return paths.length === 0 ? undefined : [...new Set(paths)].sort().join("\n");
}

/**
 * A warning for each proposed line whose paths are exactly those of a line the
 * floor plan already has under another id, naming both and the paths; its
 * path is the line's place in `placed`: the proposed plan (the `--out` file)
 * by default, the merged floor plan once the proposal is merged into it, as
 * the merge's own warnings count.
 */
export function samePathLines(
  existing: Plan["lines"],
  proposed: Plan["lines"],
  placed: Plan["lines"] = proposed,
): PlanProblem[] {
  const byPaths = new Map<string, string[]>();
  for (const line of existing) {
    const key = pathsKey(line.paths);
    if (key !== undefined) byPaths.set(key, [...(byPaths.get(key) ?? []), line.id]);
  }
  return proposed.flatMap((line, index) => {
    const key = pathsKey(line.paths);
    const others = (key === undefined ? [] : (byPaths.get(key) ?? [])).filter((id) => id !== line.id);
    const place = placed === proposed ? index : placed.findIndex((placedLine) => placedLine.id === line.id);
    return others.map((other) => ({
      code: "same-paths",
      severity: "warning" as const,
      path: `lines[${place}].paths`,
      message: `line "${line.id}" claims the same paths as line "${other}" (${line.paths.join(" ")}): both stay, and only the later one in the floor plan answers who-owns and routing for them`,
      hint: `keep one: factory plan apply a factory.yaml without "${other}" or without "${line.id}" (apply replaces the floor plan), or import with --out to edit the proposal before merging it`,
    }));
  });
}
