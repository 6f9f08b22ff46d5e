/**
 * Moving the documents of files renamed since an importer's last run to
 * their new files, so each keeps its id, links, lines and history.
 *
 * @module
 */
import { anObject, checkArguments, ValidationError } from "@software-factory/core";
import type { KnowledgeDocument } from "../DocumentStore.js";
import { DocumentRetractedError } from "../errors.js";
import { aKnowledgeBase, aMap, Text } from "../internal/arguments.js";
import type { KnowledgeBase } from "../KnowledgeBase.js";
import type { ImportProblem } from "./progress.js";
import { type RenamedFile, renamedFiles } from "./renamedFiles.js";

/** The title and body a file or a document is compared by (see {@link moveRenamedFiles}). */
export interface RenameText {
  /** The title (for a file, as the import gives it: front matter, first heading or file name). */
  readonly title: string;
  /** The markdown body, front matter left out. */
  readonly body: string;
}

/** Options of {@link moveRenamedFiles}. */
export interface MoveRenamedFilesOptions {
  /** Who imports (recorded as the actor of each move). */
  readonly actor?: string;
  /**
   * The title and body a live document is compared by (default: its own).
   * Give it when the importer does not record a file's text as it stands:
   * `factory import docs` compares a decision by its title and the markdown
   * of its decision fields without the options, as it reads a decision
   * record.
   */
  readonly textOf?: (document: KnowledgeDocument) => RenameText;
}

/** What {@link moveRenamedFiles} did: the documents it moved, and the warnings about files it did not take as renamed. */
export interface MovedFiles {
  /** The documents moved to their new file, each once. */
  readonly renamed: readonly RenamedFile[];
  /** A new file that fits several removed ones (or the other way round), or a move refused; `item` is the new file. */
  readonly warnings: readonly ImportProblem[];
}

/**
 * Moves to its new file ({@link KnowledgeBase.move}) the document of each
 * file of a source system renamed since the last import, before the import
 * captures, revises and retracts: the live documents of `system` whose file
 * is no longer among `files` are paired with the files that no live
 * document of `system` has, by the rules of `importMarkdownFolder` (same
 * title and body, else at least `RENAME_SIMILARITY` (80 %) of the body's
 * lines, and only one candidate both ways). The import then revises a moved
 * document to its file's text as it revises any other.
 *
 * `files` are every file of the folder (relative paths, the documents'
 * `source.uri`), each with a reader giving the title and body the import
 * records for it, or `undefined` for a file it does not record under
 * `system` (not UTF-8 text, empty, bad front matter, another kind): such a
 * file is never taken as a renamed one, and a document whose file is still
 * there is never moved. A file is read only when some document lost its
 * file. A move refused (another process captured the new file meanwhile,
 * or retracted the document) is no rename, said in a warning.
 *
 * Only `system` is searched: a file moved from one imported folder to
 * another (two source systems) is no rename. The first folder's import
 * retracts its document and the second's captures a new one, as the two
 * imports run at different times and neither knows the other's files.
 *
 * @example
 * ```ts
 * const { renamed } = await moveRenamedFiles(kb, "markdown:docs", new Map([
 *   ["payment-retries.md", () => ({ title: "Retries", body: "We retry twice.\n" })],
 * ]));
 * ```
 */
export async function moveRenamedFiles(
  knowledge: KnowledgeBase,
  system: string,
  files: ReadonlyMap<string, () => RenameText | undefined>,
  options: MoveRenamedFilesOptions = {},
): Promise<MovedFiles> {
  checkArguments("moveRenamedFiles", {
    knowledge: [aKnowledgeBase, knowledge],
    system: [Text, system],
    files: [aMap("a Map from addresses to file readers"), files],
    options: [anObject("an options object"), options],
  });
  const live = (await knowledge.fromSystem(system)).filter((document) => document.retracted === undefined);
  const textOf = options.textOf ?? ((document: KnowledgeDocument) => document);
  const gone = live.flatMap((document) => {
    const uri = document.source.uri;
    if (uri === undefined || files.has(uri)) return [];
    const { title, body } = textOf(document);
    return [{ id: document.id, uri, title, body }];
  });
  if (gone.length === 0) return { renamed: [], warnings: [] };
  const held = new Set(live.map((document) => document.source.uri));
  const arrived = [...files].flatMap(([uri, read]) => {
    const text = held.has(uri) ? undefined : read();
    return text === undefined ? [] : [{ uri, title: text.title, body: text.body }];
  });
  const { renamed, ambiguous } = renamedFiles(gone, arrived);
  const warnings: ImportProblem[] = ambiguous.map(({ item, candidates }) => ({
    item,
    message: `not taken as a rename: more than one file fits (${candidates.join(", ")}), so it is imported as a new document and a removed file's document is retracted`,
  }));
  const moved: RenamedFile[] = [];
  const actor = options.actor === undefined ? {} : { actor: options.actor };
  for (const rename of renamed) {
    try {
      await knowledge.move(rename.id, rename.to, {
        ...actor,
        reason: `${rename.from} was renamed to ${rename.to}`,
      });
      moved.push(rename);
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof DocumentRetractedError)) throw error;
      warnings.push({
        item: rename.to,
        message: `not taken as a rename of ${rename.from}: ${error.message}`,
      });
    }
  }
  return { renamed: moved, warnings };
}
