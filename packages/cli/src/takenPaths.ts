/**
 * Paths that a merged floor plan import takes from the lines the factory had:
 * an imported line placed after them whose broader pattern (a CODEOWNERS
 * default owner `*`, a `/packages/` rule) claims a folder or file a line
 * declared, so that, the last matching pattern winning, who-owns and routing
 * now answer the imported line for it.
 *
 * @module
 */
import { ValidationError } from "@software-factory/core";
import type { FloorPlan, Plan, PlanProblem } from "@software-factory/floorplan";

/** A folder or file a line's pattern names, and that the line claimed before an import. */
export interface Claim {
  /** The line that claimed it. */
  readonly line: string;
  /** The line's pattern (`/bench/`). */
  readonly pattern: string;
  /** The pattern's place in the line's paths. */
  readonly index: number;
  /** The path asked, as who-owns asks it (`bench/`). */
  readonly path: string;
}

/** The path a pattern names literally, asked as who-owns asks it (`/bench/` is `bench/`); undefined for a glob. */
function literalPath(pattern: string): string | undefined {
  if (/[*?[\]\\]/.test(pattern)) return undefined;
  const path = pattern.replace(/^\/+/, "");
  return path === "" ? undefined : path;
}

/** The line claiming `path` and the pattern it claims it by; undefined when none does or the path is refused. */
function claimOf(floorplan: FloorPlan, path: string): { line: string; pattern: string } | undefined {
  try {
    return floorplan.explainPath(path);
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/**
 * The folders and files the patterns of `lines` name literally (globs left
 * out) that each line claims in `floorplan` now: read before a merge, to be
 * compared with {@link takenPaths} after it.
 */
export function claimedPaths(floorplan: FloorPlan, lines: Plan["lines"]): Claim[] {
  return lines.flatMap((line) =>
    line.paths.flatMap((pattern, index) => {
      const path = literalPath(pattern);
      if (path === undefined || claimOf(floorplan, path)?.line !== line.id) return [];
      return [{ line: line.id, pattern, index, path }];
    }),
  );
}

/**
 * A warning for each claim that, after the merge, a line of the import
 * (`imported`) claims by another pattern, placed at the losing line's pattern
 * in the merged floor plan (`merged`). A claim taken by the same pattern is
 * left to the merge's own warning (`... is also claimed by ..., which comes
 * later and wins`).
 */
export function takenPaths(
  floorplan: FloorPlan,
  claims: readonly Claim[],
  imported: ReadonlySet<string>,
  merged: Plan["lines"],
): PlanProblem[] {
  return claims.flatMap((claim) => {
    const now = claimOf(floorplan, claim.path);
    if (
      now === undefined ||
      now.line === claim.line ||
      !imported.has(now.line) ||
      now.pattern === claim.pattern
    )
      return [];
    const place = merged.findIndex((line) => line.id === claim.line);
    return [
      {
        code: "taken-paths",
        severity: "warning" as const,
        path: `lines[${place}].paths[${claim.index}]`,
        message: `line "${claim.line}" no longer gets ${JSON.stringify(claim.pattern)}: the imported line "${now.line}" comes later in the floor plan and its pattern ${JSON.stringify(now.pattern)} claims it (the last matching pattern wins)`,
        hint: `put "${claim.line}" after "${now.line}" (factory plan apply a factory.yaml that lists it later), or import with --out and narrow the pattern before merging`,
      },
    ];
  });
}
