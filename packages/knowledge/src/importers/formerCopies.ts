/**
 * The documents earlier releases of the folder importer recorded for a
 * file under the folder's former source systems, and how an import retires
 * them once the file is imported under its own.
 *
 * @module
 */
import { decodeText } from "@software-factory/core";
import type { KnowledgeDocument } from "../DocumentStore.js";
import type { KnowledgeBase } from "../KnowledgeBase.js";
import { committedVersions } from "./committedVersions.js";
import type { folderPathSourceSystem } from "./folderSource.js";
import type { ImportMarkdownFolderReport } from "./importMarkdownFolder.js";
import { readMarkdown } from "./markdownNote.js";

/** A document an earlier import recorded for a file under the folder's former source system (see {@link ImportMarkdownFolderReport.possiblyStale}). */
export interface FormerCopy {
  /** The file, relative to the folder, with `/`. */
  readonly item: string;
  /** The document's id. */
  readonly id: string;
  /** The former source system it was recorded under. */
  readonly system: string;
}

/**
 * Retracts the live document recorded for the file just imported under the
 * folder's absolute path ({@link folderPathSourceSystem}), whatever it
 * holds: that system is this folder's alone. Returns whether there was one.
 */
export async function retirePathCopy(
  knowledge: KnowledgeBase,
  byPath: string,
  imported: KnowledgeDocument,
  actor: { actor?: string },
): Promise<boolean> {
  const earlier = await knowledge.bySource(byPath, imported.source.uri as string);
  if (earlier === undefined || earlier.retracted !== undefined) return false;
  await knowledge.retract(
    earlier.id,
    `${imported.source.uri} is now imported as ${imported.id} (${imported.source.system})`,
    actor,
  );
  return true;
}

/**
 * Retracts the document an earlier import recorded for a file under the
 * folder's former system when it is surely the file's copy: it holds the
 * text just imported, or that of a version of the file its git repository
 * committed. Returns `moved` when it did, the copy when it is kept (it may be
 * another folder's file of the same name), `none` when there is no live one.
 */
export async function retireFormerCopy(
  knowledge: KnowledgeBase,
  legacy: string,
  file: string,
  imported: KnowledgeDocument,
  actor: { actor?: string },
): Promise<"moved" | "none" | FormerCopy> {
  const uri = imported.source.uri as string;
  const earlier = await knowledge.bySource(legacy, uri);
  if (earlier === undefined || earlier.retracted !== undefined) return "none";
  const sure =
    earlier.contentHash === imported.contentHash ||
    committedVersions(file).some((version) => holdsVersion(earlier, uri, version));
  if (!sure) return { item: uri, id: earlier.id, system: legacy };
  await knowledge.retract(
    earlier.id,
    `${uri} is now imported as ${imported.id} (${imported.source.system})`,
    actor,
  );
  return "moved";
}

/**
 * The warning for a document kept under a folder's former system that may be
 * a stale copy of the file: what it is, why it is kept, what to do.
 */
export function formerCopyWarning(copy: FormerCopy, folderName: string): string {
  return `possibly a stale copy: ${copy.id} (${copy.system}) was imported for this file before each folder had its own source system, and its text is neither the file's nor a version of it committed to git; it may be the file of another folder named ${folderName}, so it is kept: retract it if it is this file's`;
}

/** Whether a document holds the title and body that importing `version` of the file at `uri` gives. */
function holdsVersion(document: KnowledgeDocument, uri: string, version: Buffer): boolean {
  const read = decodeText(version);
  if (!("text" in read)) return false;
  try {
    const { title, body } = readMarkdown(read.text, uri);
    return document.title === title && document.body === body;
  } catch {
    return false;
  }
}
