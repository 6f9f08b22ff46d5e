/**
 * Front matter keys that an importer does not read but that look meant as
 * one it does: a case variant (`Tags`) or a near miss (`tag`, `valid_from`).
 *
 * @module
 */
import { checkArguments, nearNames } from "@software-factory/core";
import { z } from "zod";
import { aFrontMatterFile } from "../internal/arguments.js";
import type { FilePosition, FrontMatterFile } from "./frontMatter.js";

/** A front matter key that is not read, where it is written, and the key it looks meant as. */
export interface UnreadFrontMatterKey extends FilePosition {
  /** The key as written (`Tags`). */
  readonly key: string;
  /** The key read that it is near (`tags`). */
  readonly meant: string;
  /** The warning to show: `front matter key "Tags" is not read (did you mean "tags"?)`. */
  readonly message: string;
}

/**
 * The top-level keys of a file's front matter that are not among `read` but
 * are a case variant or a near miss of one (core's `nearNames`: `Tags`,
 * `tag`, `valid_from`, `Lines`), each with where the key is written (its
 * name, else its value) and a warning naming the key meant. Every other key
 * is left out: front matter written for other tools (`layout`, `permalink`,
 * `draft`, `weight`, `slug`, `aliases`, `description`) is ignored without a
 * word, as it is no mistake.
 *
 * @throws ValidationError naming `file` or `read` when one is not a parsed file or a list of keys.
 * @example
 * ```ts
 * const file = parseFrontMatter("---\nTags: [support]\n---\nbody\n");
 * unreadFrontMatterKeys(file, ["title", "tags"]);
 * // [{ key: "Tags", meant: "tags", line: 2, column: 1, message: 'front matter key "Tags" is not read (did you mean "tags"?)' }]
 * ```
 */
export function unreadFrontMatterKeys(
  file: FrontMatterFile,
  read: readonly string[],
): UnreadFrontMatterKey[] {
  checkArguments("unreadFrontMatterKeys", {
    file: [aFrontMatterFile, file],
    read: [z.array(z.string(), { error: "must be a list of front matter keys" }), read],
  });
  const unread: UnreadFrontMatterKey[] = [];
  for (const key of Object.keys(file.data)) {
    if (read.includes(key)) continue;
    const [meant] = nearNames(key, read, { max: 1 });
    if (meant === undefined) continue;
    // A file made by hand rather than by parseFrontMatter may not locate keys: its value's place then.
    const { line, column } = file.locateKey?.(key) ?? file.locate([key]);
    const message = `front matter key "${key}" is not read (did you mean "${meant}"?)`;
    unread.push({ key, meant, line, column, message });
  }
  return unread;
}
