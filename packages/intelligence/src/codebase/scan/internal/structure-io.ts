/**
 * Reading a repository's files for the structure scanners: bounded reads,
 * bounded concurrency, and the first paragraph of a README.
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { cutText } from "@software-factory/core";
import { withoutDelimited } from "./text-delimited.js";

/** Files larger than this are never read by the scanners (generated or vendored code). */
const MAX_SCANNED_BYTES = 1024 * 1024;

/** Reads a repository-relative file as UTF-8, or undefined when it is missing, unreadable or over `maxBytes`. */
export async function readRepoText(
  root: string,
  file: string,
  maxBytes = MAX_SCANNED_BYTES,
): Promise<string | undefined> {
  try {
    const path = join(root, file);
    if ((await stat(path)).size > maxBytes) return undefined;
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Maps items with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The folder of a repository-relative path (`.` for a file at the root). */
export function folderOf(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash === -1 ? "." : file.slice(0, slash);
}

/** Joins a folder (`.` for the root) and a relative path, resolving `.` and `..`; undefined when it leaves the root. */
export function joinRelative(folder: string, relative: string): string | undefined {
  const parts = folder === "." ? [] : folder.split("/");
  for (const segment of relative.replace(/\\/g, "/").split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.length === 0 ? "." : parts.join("/");
}

/** A repository-relative file inside a folder (`.` for the root). */
export function inFolder(folder: string, name: string): string {
  return folder === "." ? name : `${folder}/${name}`;
}

/**
 * The first paragraph of prose of a Markdown README: headings, badges, images,
 * HTML, front matter, tables, code fences and link-reference lines are
 * skipped; links keep their text, quotes lose their `>`; at most 500 characters.
 */
export function readmeParagraph(markdown: string): string | undefined {
  const lines = markdown.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, "").split(/\r?\n/);
  const paragraph: string[] = [];
  let fenced = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      fenced = !fenced;
      if (paragraph.length > 0) break;
      continue;
    }
    if (fenced) continue;
    // Links, images and tags stop at the next `[` or `<`, where the next one starts: a run of
    // unclosed `![` or `<` is read once, not once from each of them (quadratic).
    const prose = withoutDelimited(line.replace(/^>\s?/, ""), "<!--", "-->")
      .replace(/\[!\[[^[\]]*\]\([^)[]*\)\]\([^)[]*\)/g, "")
      .replace(/!\[[^[\]]*\]\([^)[]*\)/g, "")
      .replace(/<[^<>]+>/g, "")
      .trim();
    const skipped =
      prose === "" ||
      line.startsWith("#") ||
      line.startsWith("|") ||
      line.startsWith("<") ||
      /^\[[^\]]+\]:/.test(line) ||
      /^(=+|-+|\*+)$/.test(line);
    if (skipped) {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(prose);
  }
  if (paragraph.length === 0) return undefined;
  const text = paragraph
    .join(" ")
    .replace(/\[([^[\]]+)\]\([^)[]*\)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return cutText(text, 500, "...");
}
