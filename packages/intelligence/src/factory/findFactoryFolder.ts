/**
 * Where the factory is when neither `--dir` nor `FACTORY_DIR` names it: the
 * `.factory` folder of the current folder or of the nearest parent, as git
 * finds its repository from a subfolder.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The name of a factory folder in a project (`factory init` with no `--dir` creates it). */
export const FACTORY_FOLDER = ".factory";

/**
 * The `.factory` folder of `cwd` or of its nearest parent that has one,
 * searching up to and including the root of the git repository holding `cwd`
 * (the first folder, from `cwd` up, with a `.git` folder or file), or up to
 * the file system's root outside git; undefined when there is none. A factory
 * outside the repository (in the home folder, or in a folder above a
 * submodule) is not taken for the repository's.
 */
export function findFactoryFolder(cwd: string = process.cwd()): string | undefined {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    const candidate = join(folder, FACTORY_FOLDER);
    if (statSync(candidate, { throwIfNoEntry: false })?.isDirectory() === true) return candidate;
    if (existsSync(join(folder, ".git")) || dirname(folder) === folder) return undefined;
  }
}
