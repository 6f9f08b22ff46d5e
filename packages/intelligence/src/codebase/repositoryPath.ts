/**
 * Where a path sits in a git repository: the repository's top folder, and an
 * absolute path made relative to it, as the floor plan's patterns match
 * paths. Shared by `factory who-owns`/`impact`/`context --path` and the MCP
 * tools that take paths.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import { untrustedGit } from "@software-factory/core";

/** The top folder of the git repository holding `folder`, or undefined when it is in none (or git cannot run). */
export function gitTopLevel(folder: string): string | undefined {
  try {
    const git = untrustedGit(folder, ["rev-parse", "--show-toplevel"]);
    const top = execFileSync(git.file, git.args, {
      ...git.options,
      stdio: ["ignore", "pipe", "ignore"],
      encoding: "utf8",
    }).trim();
    return top === "" ? undefined : top;
  } catch {
    return undefined;
  }
}

/** `path` relative to `root` with `/` separators (`""` for `root` itself), or undefined when it is outside `root`. */
function inside(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

/**
 * The absolute `path` relative to the folder `root`, with `/` separators
 * (`""` when it is `root` itself), trying the real paths too when it is not
 * (a root or an existing path reached through a symbolic link); undefined
 * when it is outside `root`.
 *
 * @example
 * ```ts
 * pathInRepository("/home/ana/shop", "/home/ana/shop/src/cart.ts"); // "src/cart.ts"
 * pathInRepository("/home/ana/shop", "/etc/hosts"); // undefined
 * ```
 */
export function pathInRepository(root: string, path: string): string | undefined {
  const direct = inside(root, path);
  if (direct !== undefined || !existsSync(path) || !existsSync(root)) return direct;
  return inside(realpathSync(root), realpathSync(path));
}
