/**
 * The one reading of a path the floor plan is asked about (`lineForPath`,
 * `explainPath`, `linesForPaths`, `impact`, `health`'s files): repository
 * paths from the root, with `/` between folders, as its patterns match them.
 *
 * @module
 */
import { ValidationError } from "@software-factory/core";
import { quoted } from "./pattern.js";

/** What a path needs before it is read: a backslash, `//`, a `.` or `..` segment, a leading `/`. */
const UNTIDY = /\\|\/\/|(?:^|\/)\.{1,2}(?:\/|$)|^\//;

/**
 * `path` with `/` separators (a Windows `\` is one), its `.` and empty
 * segments dropped, each `..` taking back the folder before it, and no
 * leading `/` (the root, as in CODEOWNERS); a folder (a trailing `/`, `.` or
 * `..`) keeps a trailing `/`. Undefined when a `..` climbs above the root.
 */
export function tidyPath(path: string): string | undefined {
  if (!UNTIDY.test(path)) return path;
  const segments = path.replace(/\\/g, "/").split("/");
  const last = segments[segments.length - 1];
  const folder = last === "" || last === "." || last === "..";
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") kept.push(segment);
    else if (kept.pop() === undefined) return undefined;
  }
  return folder && kept.length > 0 ? `${kept.join("/")}/` : kept.join("/");
}

/**
 * The repository path a path given to a lookup names ({@link tidyPath}).
 * A path is data: whitespace in it, even at either end (`docs/notes.md `, a
 * legal file name git keeps), is part of the name and never trimmed.
 *
 * @throws ValidationError naming `field` and the path when it is not a string
 * (`42` from plain JavaScript), is blank (empty or only whitespace), climbs above the repository root (`../x`), or names
 * the root itself (`.`, `/`).
 */
export function repositoryPath(path: string, field: string): string {
  if (typeof path !== "string") {
    const why = "must be a repository path (a string)";
    throw new ValidationError({
      message: `${field}: ${why}, got ${path === null ? "null" : Array.isArray(path) ? "an array" : typeof path}`,
      issues: [{ path: field, message: why }],
    });
  }
  const refuse = (why: string) =>
    new ValidationError({
      message: `${field}: ${quoted(path)} ${why}`,
      issues: [{ path: field, message: why }],
    });
  if (path.trim() === "") throw refuse("is blank; give a file or folder path from the repository root");
  const tidy = tidyPath(path);
  if (tidy === undefined)
    throw refuse("climbs above the repository root; give the path from the root (services/billing/x.ts)");
  if (tidy === "") throw refuse("is the repository root itself; give a file or folder inside it");
  return tidy;
}
