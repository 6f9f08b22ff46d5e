/**
 * Replacing a file in one step that survives a crash or a power loss, for
 * every package that rewrites a file in place (`factory.yaml`, index
 * manifests, cache snapshots).
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { validationErrorFromZod } from "./errors.js";
import { strictInput } from "./strictInput.js";

/** Options of {@link replaceFile} and {@link replaceFileSync}. */
export interface ReplaceFileOptions {
  /**
   * Where to write before the rename (replaced if it exists): on the file
   * system of the file replaced, which is a link's target. Default: a hidden,
   * randomly named file beside it. Name it to recognise what a killed process left.
   */
  readonly temporary?: string;
}

/** What {@link replaceFile} writes: text (as UTF-8), bytes, or a function that writes into the open temporary file. */
export type FileContent = string | Uint8Array | ((file: FileHandle) => Promise<void>);

const filePath = z.string().min(1, { error: "must be a file path" });
const inputSchema = (content: z.ZodType) =>
  z.object({ path: filePath, content, options: strictInput({ temporary: filePath.optional() }) });
const text = z.union([z.string(), z.instanceof(Uint8Array)], { error: "must be text or bytes" });
const ReplaceFileInputSchema = inputSchema(
  z.union([text, z.custom((value) => typeof value === "function")], {
    error: "must be text, bytes or a function that writes into the file",
  }),
);
const ReplaceFileSyncInputSchema = inputSchema(text);

/**
 * Replaces the file at `path` with `content` in one step: a crash, a full
 * disk or a killed process leaves the old file or the new one, never a part.
 *
 * The content is written to a temporary file beside the file and flushed,
 * renamed over the file, and the folder flushed so the rename lasts. A link
 * stays a link (its target is replaced); the file keeps its permissions (a
 * new file's follow the umask). When a step fails, the temporary file is
 * removed. A function as `content` writes into the open temporary file.
 *
 * @throws ValidationError (path `path`, `content` or `options`) when an argument is not of its kind; nothing is written.
 * @throws the error of the step that failed (`ENOSPC` when the disk is full, what `content` threw).
 * @example
 * ```ts
 * await replaceFile("factory.yaml", "version: 1\n");
 * await replaceFile("parts.bin", async (file) => {
 *   for (const part of parts) await file.write(part);
 * });
 * ```
 */
export async function replaceFile(
  path: string,
  content: FileContent,
  options: ReplaceFileOptions = {},
): Promise<void> {
  checked(ReplaceFileInputSchema, { path, content, options });
  const { target, mode } = targetOf(path);
  const temporary = options.temporary ?? temporaryBeside(target);
  try {
    const file = await open(temporary, "w");
    try {
      if (typeof content === "function") await content(file);
      else await file.writeFile(content);
      if (mode !== undefined) await file.chmod(mode);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(target));
}

/**
 * As {@link replaceFile}, in the calling thread, for text or bytes.
 *
 * @throws ValidationError (path `path`, `content` or `options`) when an argument is not of its kind; nothing is written.
 * @throws the error of the step that failed (`ENOSPC` when the disk is full).
 * @example
 * ```ts
 * replaceFileSync("index.json", JSON.stringify(manifest), { temporary: `index.json.${process.pid}.tmp` });
 * ```
 */
export function replaceFileSync(
  path: string,
  content: string | Uint8Array,
  options: ReplaceFileOptions = {},
): void {
  checked(ReplaceFileSyncInputSchema, { path, content, options });
  const { target, mode } = targetOf(path);
  const temporary = options.temporary ?? temporaryBeside(target);
  try {
    const descriptor = openSync(temporary, "w");
    try {
      writeFileSync(descriptor, content);
      if (mode !== undefined) fchmodSync(descriptor, mode);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolderSync(dirname(target));
}

function checked(schema: typeof ReplaceFileInputSchema, input: unknown): void {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "replaceFile" });
}

/**
 * The file to replace (a link's target) and its permissions, `undefined` when
 * there is no file yet. Two lookups of metadata, done in the calling thread
 * by both forms.
 */
function targetOf(path: string): { target: string; mode: number | undefined } {
  try {
    const target = realpathSync(path);
    return { target, mode: statSync(target).mode & 0o7777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { target: path, mode: undefined };
    throw error;
  }
}

const temporaryBeside = (target: string) =>
  join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);

/**
 * Flushes a folder's entries (a rename into it) to the disk. Systems that
 * cannot open a folder (Windows), or refuse to flush one opened for reading,
 * keep renames in their journal: nothing to do.
 */
async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, "r").catch(() => undefined);
  await folder?.sync().catch(() => {});
  await folder?.close();
}

/** As {@link syncFolder}, in the calling thread. */
function syncFolderSync(path: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, "r");
    fsyncSync(descriptor);
  } catch {
    // Journaled renames: see syncFolder.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
