/**
 * The markdown files of a folder to import: checking that it is a folder,
 * finding its files (symbolic links, named pipes and other entries that are
 * no regular file left out, with why), and reading one as text.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  type Stats,
  statSync,
} from "node:fs";
import { join, sep } from "node:path";
import { checkArguments, decodeText, NotFoundError, ValidationError } from "@software-factory/core";
import { Text } from "../internal/arguments.js";
import type { ImportProblem } from "./progress.js";

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

/**
 * A file's text, or why it is skipped: it is not a regular file (opened
 * without blocking, so a named pipe put in a listed file's place is never
 * waited on), it cannot be read (`permission denied (EACCES)`), or it is not
 * markdown text (a NUL byte, bytes that are not UTF-8), with where.
 */
export function readText(file: string): string | { readonly skipped: string } {
  let bytes: Buffer;
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const kind = entryKind(fstatSync(fd));
      if (kind !== undefined) return { skipped: `not a regular file (${kind})` };
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (!isSystemError(error)) throw error;
    return { skipped: `cannot read the file: ${whyNotRead(error)}` };
  }
  const read = decodeText(bytes);
  if ("text" in read) return read.text;
  const { line, column, message } = read.notText;
  return {
    skipped: `${message.replace(/^is /, "")} (line ${line}, column ${column}); markdown files are read as UTF-8`,
  };
}

/**
 * Every `.md`/`.markdown` file under a folder (hidden folders and
 * `node_modules` skipped), as absolute paths in name order. Symbolic links
 * are not followed: a linked file or folder is left out, and so is what is
 * no regular file (a named pipe, a socket, a device), a file or folder whose
 * name is not UTF-8, and what is in a folder that cannot be read.
 */
export function markdownFiles(root: string): string[] {
  checkArguments("markdownFiles", { root: [Text, root] });
  return [...scanMarkdown(root).files];
}

/** What {@link scanMarkdown} found under a folder. */
export interface MarkdownScan {
  /** The markdown files, absolute paths in name order. */
  readonly files: readonly string[];
  /** Markdown entries left out on purpose (symbolic links, named pipes, sockets, devices), relative to the folder, each with why. */
  readonly warnings: readonly ImportProblem[];
  /** Entries that could not be taken (a name that is not UTF-8, a folder that cannot be read), relative to the folder, each with why. */
  readonly problems: readonly ImportProblem[];
  /**
   * The folders that could not be read, relative to the folder with `/`
   * (`.` for the folder itself): whether a file of theirs is still there is
   * unknown, so its document is neither retracted nor moved.
   */
  readonly unread: readonly string[];
}

/** A folder entry's name as bytes, its text when the bytes are UTF-8, and its name to show (`caf\xe9.md`). */
interface EntryName {
  readonly bytes: Buffer;
  readonly text: string | undefined;
  readonly shown: string;
}

/** The markdown files under a folder, and what was left out, with why (see {@link MarkdownScan}). */
export function scanMarkdown(root: string): MarkdownScan {
  const files: string[] = [];
  const warnings: ImportProblem[] = [];
  const problems: ImportProblem[] = [];
  const unread: string[] = [];
  /** Walks `dir` (its bytes; its path when every name up to it is UTF-8), shown as `item` (`""` for the root). */
  const walk = (dir: Buffer, path: string | undefined, item: string): void => {
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: "buffer" });
    } catch (error) {
      if (!isSystemError(error)) throw error;
      problems.push({
        item: item === "" ? "." : item,
        message: `skipped: cannot read the folder: ${whyNotRead(error)}; its files are not imported, and their documents from earlier imports are kept`,
      });
      if (path !== undefined) unread.push(item === "" ? "." : item);
      return;
    }
    const named = entries
      .map((entry) => ({ entry, name: entryName(entry.name) }))
      .sort((a, b) => a.name.shown.localeCompare(b.name.shown));
    for (const { entry, name } of named) {
      if (name.shown.startsWith(".") || name.shown === "node_modules") continue;
      const bytes = Buffer.concat([dir, Buffer.from(sep), name.bytes]);
      const child = path === undefined || name.text === undefined ? undefined : join(path, name.text);
      const at = item === "" ? name.shown : `${item}/${name.shown}`;
      if (entry.isDirectory()) {
        walk(bytes, child, at);
        continue;
      }
      if (!/\.(md|markdown)$/i.test(name.shown)) {
        if (entry.isSymbolicLink() && linksToFolder(bytes))
          warnings.push({ item: at, message: LINK_TO_FOLDER });
        continue;
      }
      if (entry.isSymbolicLink()) warnings.push({ item: at, message: LINK_TO_FILE });
      else if (!entry.isFile())
        warnings.push({
          item: at,
          message: `skipped: not a regular file (${entryKind(entry) ?? "unknown"})`,
        });
      else if (child !== undefined) files.push(child);
      else
        problems.push({
          item: at,
          message:
            name.text === undefined
              ? "skipped: the file name is not UTF-8 (rename the file: names are read as UTF-8)"
              : "skipped: the name of a folder above it is not UTF-8 (rename the folder: names are read as UTF-8)",
        });
    }
  };
  walk(Buffer.from(root), root, "");
  return { files, warnings, problems, unread };
}

/** Whether `uri` (a file relative to the folder, with `/`) is in one of the `unread` folders of a {@link MarkdownScan}. */
export function inUnreadFolder(uri: string, unread: readonly string[]): boolean {
  return unread.some((folder) => folder === "." || uri.startsWith(`${folder}/`));
}

const LINK_TO_FILE =
  "skipped: a symbolic link (links are not followed: copy the file into the folder instead)";
const LINK_TO_FOLDER =
  "skipped: a symbolic link to a folder (links are not followed: import that folder on its own)";

/** Strict UTF-8: a name that is not UTF-8 is shown with its bad bytes escaped instead. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A name read from a folder as bytes: its text when it is UTF-8, and how to show it (each byte that is not UTF-8 as `\xe9`). */
function entryName(bytes: Buffer): EntryName {
  if (isUtf8(bytes)) {
    const text = UTF8.decode(bytes);
    return { bytes, text, shown: text };
  }
  let shown = "";
  for (let at = 0; at < bytes.length; ) {
    const length = sequenceLength(bytes, at);
    if (length === 0) {
      shown += `\\x${(bytes[at] ?? 0).toString(16).padStart(2, "0")}`;
      at += 1;
    } else {
      shown += UTF8.decode(bytes.subarray(at, at + length));
      at += length;
    }
  }
  return { bytes, text: undefined, shown };
}

/** The length of the UTF-8 character at `at`, or 0 when the bytes there are not one. */
function sequenceLength(bytes: Buffer, at: number): number {
  const lead = bytes[at] ?? 0;
  const length =
    lead < 0x80
      ? 1
      : lead >= 0xc2 && lead < 0xe0
        ? 2
        : lead >= 0xe0 && lead < 0xf0
          ? 3
          : lead >= 0xf0 && lead < 0xf5
            ? 4
            : 0;
  if (length === 0 || at + length > bytes.length) return 0;
  return isUtf8(bytes.subarray(at, at + length)) ? length : 0;
}

/** What an entry that is no regular file, folder or symbolic link is, in words (`a FIFO`); undefined for a regular file. */
function entryKind(entry: Dirent<Buffer> | Stats): string | undefined {
  if (entry.isFile()) return undefined;
  if (entry.isDirectory()) return "a folder";
  if (entry.isFIFO()) return "a FIFO";
  if (entry.isSocket()) return "a socket";
  if (entry.isCharacterDevice()) return "a character device";
  if (entry.isBlockDevice()) return "a block device";
  return "a symbolic link";
}

/** Whether an error is one the file system gave (it carries a code such as `EACCES` and the call that failed). */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && "syscall" in error
  );
}

/** Why the file system refused a read, in words with its code: `permission denied (EACCES)`. */
function whyNotRead(error: NodeJS.ErrnoException): string {
  const reasons: Readonly<Record<string, string>> = {
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOENT: "it was removed while the folder was read",
    ENOTDIR: "it was replaced by a file while the folder was read",
    EIO: "an input/output error",
    ELOOP: "too many symbolic links",
  };
  const reason = error.code === undefined ? undefined : reasons[error.code];
  return reason === undefined ? error.message : `${reason} (${error.code})`;
}

/** Whether a symbolic link leads to a folder (not when it is broken, loops or cannot be read). */
function linksToFolder(path: Buffer): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
