/**
 * The repository's own CODEOWNERS, for `factory import codeowners` without a
 * file: found where GitHub and GitLab look, read with the rule of each fact.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { NotFoundError } from "@software-factory/core";
import {
  codeownersToPlan,
  type OperatorDecl,
  type Plan,
  type PlanProblem,
  parseCodeowners,
  readSourceText,
} from "@software-factory/floorplan";

/**
 * Where a repository's CODEOWNERS is looked for, first found wins: GitHub's
 * places in its order (`.github/`, the root, `docs/`), then GitLab's one more
 * (GitLab reads the root, `docs/`, then `.gitlab/`).
 */
const CODEOWNERS_PLACES = [
  ".github/CODEOWNERS",
  "CODEOWNERS",
  "docs/CODEOWNERS",
  ".gitlab/CODEOWNERS",
] as const;

/** The error of no CODEOWNERS in any of {@link CODEOWNERS_PLACES} of `root`. */
function noCodeowners(root: string): NotFoundError {
  return new NotFoundError({
    message: `no CODEOWNERS in ${root} (looked in .github/, the root, docs/ and .gitlab/); give its path: factory import codeowners <file>`,
    entity: "file",
    id: "CODEOWNERS",
  });
}

/**
 * The repository's CODEOWNERS, relative to `root` (`.gitlab/CODEOWNERS`): the
 * first of {@link CODEOWNERS_PLACES} that exists.
 *
 * @throws NotFoundError naming `root` and the places when there is none.
 */
export function findRepositoryCodeowners(root: string): string {
  const found = CODEOWNERS_PLACES.find((place) => existsSync(join(root, place)));
  if (found === undefined) throw noCodeowners(root);
  return found;
}

/**
 * Proposes a plan from the repository's CODEOWNERS ({@link findRepositoryCodeowners}):
 * one line per rule, and for each line and owner the rule it came from
 * (`.gitlab/CODEOWNERS:4`), keyed as `applyPlan`'s `refs` option expects.
 *
 * @throws NotFoundError when the repository has none; ValidationError naming the file when it is not UTF-8 text.
 */
export async function proposeFromRepositoryCodeowners(
  root: string,
  operators: readonly OperatorDecl[],
): Promise<{ plan: Plan; problems: readonly PlanProblem[]; file: string; refs: Map<string, string> }> {
  const file = findRepositoryCodeowners(root);
  const path = join(root, file);
  const parsed = parseCodeowners(await readSourceText(path), path);
  const plan = codeownersToPlan(parsed.rules, { operators });
  const refs = new Map<string, string>();
  plan.lines.forEach((line, index) => {
    const ref = `${file}:${parsed.rules[index]?.line ?? 0}`;
    refs.set(`line:${line.id}`, ref);
    if (line.owner !== undefined) refs.set(`owner:${line.id}`, ref);
  });
  return { plan, problems: parsed.problems, file, refs };
}
