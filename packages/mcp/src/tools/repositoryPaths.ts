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
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";

let cachedRoot: string | undefined;

/**
 * The root of the repository the server runs in: the top folder of the git
 * repository holding its working folder (where `impact_of_change` reads a
 * `gitRange`), else that folder. Asked of git once per process.
 */
export function serverRepositoryRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let top = "";
  try {
    top = execFileSync("git", ["rev-parse", "--show-toplevel"], {
      stdio: ["ignore", "pipe", "ignore"],
      encoding: "utf8",
    }).trim();
  } catch {
    // Not in a git repository, or no git: the working folder is the root.
  }
  cachedRoot = top === "" ? process.cwd() : top;
  return cachedRoot;
}

/** `path` relative to `root` with `/` separators, or undefined when it is not strictly inside `root`. */
function inside(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

/**
 * `path` as a repository path: relative to `root` when it is an absolute path
 * inside it (symbolic links of an existing path followed), a trailing `/` (a
 * folder) kept; else as given.
 */
export function repositoryPath(path: string, root = serverRepositoryRoot()): string {
  if (!isAbsolute(path)) return path;
  let found = inside(root, path);
  if (found === undefined && existsSync(path) && existsSync(root))
    found = inside(realpathSync(root), realpathSync(path));
  if (found === undefined) return path;
  return path.endsWith("/") ? `${found}/` : found;
}
