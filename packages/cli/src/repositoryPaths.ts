/**
 * Paths a shell user gives (`who-owns`, `impact`, `context --path`), read the
 * way git reads them: relative to the current folder, then made relative to
 * the repository's root, which is what the floor plan's patterns match. So
 * `/home/ana/shop/src/cart.ts`, `./src/cart.ts`, and `cart.ts` typed in
 * `src/` all name `src/cart.ts`.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { gitTopLevel, pathInRepository } from "@software-factory/intelligence";
import { UsageError } from "./exitCodes.js";

/** The root the paths are relative to, and what it is (for messages). */
export interface RepositoryRoot {
  /** Absolute folder. */
  readonly folder: string;
  /** `the repository`, or what else the folder is. */
  readonly what: string;
}

/**
 * The root repository paths are relative to: the git repository of the
 * current folder, else the folder holding the factory's folder (`--dir`,
 * `.factory` by default), as `factory init` lays a factory out in a project.
 */
export function repositoryRoot(factoryDir: string, cwd = process.cwd()): RepositoryRoot {
  const top = gitTopLevel(cwd);
  if (top !== undefined) return { folder: top, what: "the repository" };
  return { folder: dirname(resolve(cwd, factoryDir)), what: "the folder holding the factory" };
}

/**
 * Whether an absolute `path` is a repository path written from the root, as
 * CODEOWNERS patterns and the floor plan's paths are (`/services/pay/x.ts`):
 * its first folder does not exist on this machine, so it names no file here.
 */
function isRootedRepositoryPath(path: string): boolean {
  const first = path.split(/[\\/]+/).find((segment) => segment !== "");
  return isAbsolute(path) && first !== undefined && !existsSync(resolve("/", first));
}

/**
 * Each given path as a repository path: resolved against `cwd`, then made
 * relative to `root`; a folder (given with a trailing `/`, or a folder on
 * disk) ends with `/`, as the floor plan asks a folder. An absolute path
 * whose first folder does not exist here (`/services/pay/x.ts`) is read from
 * the root, as a CODEOWNERS pattern is. A `\` is read as `/`, as the floor
 * plan reads it, so a Windows path (`..\other`, `src\pay.ts`) is read as
 * its `/` form is.
 *
 * @throws UsageError naming `argument` and the path when it is outside the root, or is the root itself.
 * @example
 * ```ts
 * // in /home/ana/shop/src, a git repository at /home/ana/shop
 * repositoryPaths(["cart.ts", "/home/ana/shop/README.md"], "<paths>", repositoryRoot(".factory"));
 * // ["src/cart.ts", "README.md"]
 * ```
 */
export function repositoryPaths(
  given: readonly string[],
  argument: string,
  root: RepositoryRoot,
  cwd = process.cwd(),
): string[] {
  return given.map((path) => {
    // A Windows `\` separates folders, as the floor plan reads it (`src\pay.ts` is `src/pay.ts`).
    const slashed = path.replace(/\\/g, "/");
    const absolute = resolve(cwd, slashed);
    const found =
      pathInRepository(root.folder, absolute) ??
      (isRootedRepositoryPath(slashed)
        ? pathInRepository(root.folder, resolve(root.folder, `.${absolute}`))
        : undefined);
    if (found === undefined)
      throw new UsageError(
        `${argument}: ${path} is outside ${root.what} (${root.folder}); give a path inside it, relative to the current folder or absolute`,
      );
    if (found === "")
      throw new UsageError(
        `${argument}: ${path} is ${root.what} itself (${root.folder}); give a file or folder inside it`,
      );
    // A folder is asked as one (`services/payments/`), which the floor plan's directory patterns claim.
    const folder =
      slashed.endsWith("/") ||
      statSync(resolve(root.folder, found), { throwIfNoEntry: false })?.isDirectory();
    return folder === true ? `${found}/` : found;
  });
}
