/**
 * Repository paths as `who_owns`, `impact_of_change` and `get_context` take
 * them. The floor plan matches paths relative to the repository's root, but a
 * coding agent often has a file's absolute path: one inside the repository
 * the server runs in is made relative to its root, as `factory who-owns` and
 * `factory impact` read such a path. Any other path is left as it is (`/src/`
 * stays a path from the root, as in CODEOWNERS).
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { formatIssues, ValidationError } from "@software-factory/core";
import { gitTopLevel, pathInRepository } from "@software-factory/intelligence";
import { z } from "zod";
import { PATH_MAX } from "./shared.js";

/**
 * Paths `who_owns`, `impact_of_change` and `get_context` take in one call,
 * the same for the three (they took 500, 5,000 and 200): a larger change is
 * `impact_of_change`'s `gitRange`.
 */
export const PATHS_MAX = 500;

/**
 * Paths each of these tools echoes at most in its answer (`who_owns` its
 * claimed and unclaimed paths, `impact_of_change` its unclaimed paths and
 * each changed line's), `omitted` counting the rest: 5,000 unclaimed paths
 * made a 549 KB answer, and 500 unclaimed paths of `who_owns` 42,901 characters.
 */
export const ECHOED_PATHS_MAX = 100;

/** The `paths` argument of these tools: at most {@link PATHS_MAX}, each a path of at most {@link PATH_MAX} characters. */
export const RepositoryPaths = z.array(z.string().min(1).max(PATH_MAX)).max(PATHS_MAX);

/** The description of a `paths` argument ({@link RepositoryPaths}); `what` says what the tool does with them. */
export const pathsDescription = (what: string) =>
  `Repository paths, at most ${PATHS_MAX} (src/checkout/cart.ts; an absolute one inside the server's repository is read from its root): ${what}`;

let cachedRoot: string | undefined;

/**
 * The root of the repository the server runs in: the top folder of the git
 * repository holding its working folder (where `impact_of_change` reads a
 * `gitRange`), else that folder. Asked of git once per process.
 */
export function serverRepositoryRoot(): string {
  cachedRoot ??= gitTopLevel(process.cwd()) ?? process.cwd();
  return cachedRoot;
}

/**
 * `path` as a repository path: relative to `root` when it is an absolute path
 * inside it (symbolic links of an existing path followed), a trailing `/` (a
 * folder) kept; else as given.
 */
export function repositoryPath(path: string, root = serverRepositoryRoot()): string {
  if (!isAbsolute(path)) return path;
  const found = pathInRepository(root, path);
  if (found === undefined || found === "") return path;
  return path.endsWith("/") ? `${found}/` : found;
}

/** What reads repository paths as the floor plan does: the floor plan, or its view at an instant. */
interface PathReader {
  /** Groups paths by line; refuses a path it cannot read, naming its place (`paths[1]`). */
  linesForPaths(paths: Iterable<string>): unknown;
}

/**
 * The `paths` argument of `tool` as repository paths ({@link repositoryPath}),
 * each checked as the floor plan reads it, so `who_owns`, `get_context` and
 * `impact_of_change` refuse a path the same way, naming its place.
 *
 * @throws ValidationError (`E_VALIDATION`) as `<tool> input is invalid:
 *   paths[1]: "../x" climbs above the repository root; ...`.
 */
export function readPaths(tool: string, plan: PathReader, paths: readonly string[]): string[] {
  const read = paths.map((path) => repositoryPath(path));
  try {
    plan.linesForPaths(read);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // The floor plan's message quotes the path after its place: `paths[1]: "../x" climbs above...`.
    const issues = error.issues.map((issue) => {
      const place = `${issue.path}: `;
      const told = error.issues.length === 1 && error.message.startsWith(place);
      return { ...issue, message: told ? error.message.slice(place.length) : issue.message };
    });
    throw new ValidationError({ message: formatIssues(`${tool} input`, issues), issues });
  }
  return read;
}
