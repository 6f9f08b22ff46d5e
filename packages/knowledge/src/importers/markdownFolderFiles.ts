/**
 * The markdown files of a folder to import: checking that it is a folder,
 * finding its files (symbolic links left out), and reading one as text.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkArguments, decodeText, NotFoundError, ValidationError } from "@software-factory/core";
import { Text } from "../internal/arguments.js";

/**
 * Checks that the folder to import is one.
 *
 * @throws NotFoundError when nothing is at `root`; ValidationError when something else than a folder is.
 */
export function assertFolder(folder: string, root: string): void {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (stat === undefined) {
    throw new NotFoundError({
      message: `cannot import ${folder}: ${root} does not exist (give a folder of markdown files)`,
      entity: "folder",
      id: folder,
      field: "folder",
    });
  }
  if (!stat.isDirectory()) {
    const message = `${root} is not a folder (give a folder of markdown files)`;
    throw new ValidationError({
      message: `cannot import ${folder}: ${message}`,
      issues: [{ path: "folder", message }],
    });
  }
}

/** A file's text, or why it is not a markdown text file (a NUL byte, bytes that are not UTF-8), with where. */
export function readText(file: string): string | { notText: string } {
  const read = decodeText(readFileSync(file));
  if ("text" in read) return read.text;
  const { line, column, message } = read.notText;
  return {
    notText: `${message.replace(/^is /, "")} (line ${line}, column ${column}); markdown files are read as UTF-8`,
  };
}

/**
 * Every `.md`/`.markdown` file under a folder (hidden folders and
 * `node_modules` skipped), as absolute paths in name order. Symbolic links
 * are not followed: a linked file or folder is left out.
 */
export function markdownFiles(root: string): string[] {
  checkArguments("markdownFiles", { root: [Text, root] });
  return scanMarkdown(root).files;
}

/** A symbolic link {@link scanMarkdown} left out: to a markdown file (by its name) or to a folder. */
export interface SkippedLink {
  readonly path: string;
  readonly to: "markdown" | "folder";
}

/** The markdown files under a folder, and the symbolic links to markdown files or folders left out. */
export function scanMarkdown(root: string): { files: string[]; links: SkippedLink[] } {
  const files: string[] = [];
  const links: SkippedLink[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      const markdown = /\.(md|markdown)$/i.test(entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && markdown) files.push(path);
      else if (entry.isSymbolicLink() && markdown) links.push({ path, to: "markdown" });
      else if (entry.isSymbolicLink() && linksToFolder(path)) {
        links.push({ path, to: "folder" });
      }
    }
  };
  walk(root);
  return { files, links };
}

/** Whether a symbolic link leads to a folder (not when it is broken, loops or cannot be read). */
function linksToFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
