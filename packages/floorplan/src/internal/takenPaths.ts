/**
 * Paths that an import merged into the floor plan takes from the lines it
 * had: a merge puts new lines after the existing ones, and the last matching
 * pattern wins, so an imported line's broader pattern (CODEOWNERS' default
 * owner `*`, `*.md`) claims a folder or file a line named, and who-owns and
 * routing answer the imported line for it from then on.
 *
 * @module
 */
import type { Plan } from "../Plan.js";
import type { PlanProblem } from "../validatePlan.js";
import { PathIndex } from "./PathIndex.js";
import { literalPath } from "./pattern.js";
import { tidyPath } from "./repositoryPath.js";

/** The index of every line's patterns, in plan order (line by line, then each line's `paths`), as lookups read them. */
function pathIndexOf(lines: Plan["lines"]): PathIndex<string> {
  return new PathIndex(lines.flatMap((line) => line.paths.map((pattern) => ({ pattern, value: line.id }))));
}

/**
 * A `taken-paths` warning for each folder or file a line of `current` names
 * literally (a glob is left out) and claimed, that a line of the import
 * (`imported`, merged into `current` to make `next`) claims in `next` by
 * another pattern, placed at the losing line's pattern in `next`. A path
 * taken by the same pattern is left to validation's `shadowed-pattern`
 * warning (`... is also claimed by ..., which comes later and wins`), and a
 * line the import itself redeclares without the pattern is left out.
 */
export function takenPaths(current: Plan, imported: Plan, next: Plan): PlanProblem[] {
  const importing = imported.lines.filter((line) => line.paths.length > 0);
  if (importing.length === 0) return [];
  const importedLines = new Set(imported.lines.map((line) => line.id));
  const byImport = pathIndexOf(importing);
  let before: PathIndex<string> | undefined;
  let after: PathIndex<string> | undefined;
  let places: Map<string, number> | undefined;
  return current.lines.flatMap((line) =>
    line.paths.flatMap((pattern) => {
      const literal = literalPath(pattern);
      const path = literal === undefined ? undefined : tidyPath(literal);
      // Only a path an imported pattern matches can be taken: the full indexes are built only then.
      if (path === undefined || path === "" || byImport.match(path) === undefined) return [];
      before ??= pathIndexOf(current.lines);
      if (before.match(path)?.value !== line.id) return [];
      after ??= pathIndexOf(next.lines);
      const now = after.match(path);
      if (
        now === undefined ||
        !importedLines.has(now.value) ||
        now.value === line.id ||
        now.pattern === pattern
      )
        return [];
      places ??= new Map(next.lines.map((nextLine, place) => [nextLine.id, place]));
      const place = places.get(line.id);
      const index = place === undefined ? -1 : (next.lines[place]?.paths.indexOf(pattern) ?? -1);
      if (index === -1) return [];
      return [
        {
          code: "taken-paths",
          severity: "warning" as const,
          path: `lines[${place}].paths[${index}]`,
          message: `line "${line.id}" no longer gets ${JSON.stringify(pattern)}: the imported line "${now.value}" comes later in the floor plan and its pattern ${JSON.stringify(now.pattern)} claims it (the last matching pattern wins)`,
          hint: `put "${line.id}" after "${now.value}" (apply a factory.yaml that lists it later), or narrow the imported pattern before merging (edit the proposed plan, or import with --out)`,
        },
      ];
    }),
  );
}
