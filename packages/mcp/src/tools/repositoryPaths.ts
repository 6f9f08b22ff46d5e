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
import { gitTopLevel, pathInRepository } from "@software-factory/intelligence";

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
