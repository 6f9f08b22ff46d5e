/**
 * Incremental import of a folder of markdown notes.
 *
 * @module
 */
import { basename, relative, resolve, sep } from "node:path";
import {
  anObject,
  checkArguments,
  countAppended,
  ValidationError,
  validationErrorFromZod,
} from "@software-factory/core";
import { z } from "zod";
import type { KnowledgeDocument } from "../DocumentStore.js";
import { aKnowledgeBase, Text } from "../internal/arguments.js";
import { inUserWords } from "../internal/issueWords.js";
import type { CaptureOrReviseOptions, CaptureOrReviseResult, KnowledgeBase } from "../KnowledgeBase.js";
import { type DocumentKindSchema, SourceSchema } from "../schemas.js";
import { folderPathSourceSystem, folderSourceSystem } from "./folderSource.js";
import { type FormerCopy, formerCopyWarning, retireFormerCopy, retirePathCopy } from "./formerCopies.js";
import { FrontMatterError, frontMatterList } from "./frontMatter.js";
import { unreadFrontMatterKeys } from "./frontMatterKeys.js";
import {
  assertFolder,
  inUnreadFolder,
  type MarkdownScan,
  readText,
  scanMarkdown,
} from "./markdownFolderFiles.js";
import { frontMatterPath, NOTE_FRONT_MATTER_KEYS, readMarkdown } from "./markdownNote.js";
import { moveRenamedFiles, type RenameText } from "./moveRenamedFiles.js";
import type { ImportProblem, ImportProgress, ImportReport } from "./progress.js";
import type { RenamedFile } from "./renamedFiles.js";

/** Options of {@link importMarkdownFolder}. */
export interface ImportMarkdownFolderOptions {
  /**
   * Source system recorded on the documents, 1 to 100 characters as every
   * source system; documents of this system missing from the folder are
   * retracted. Default: one system per folder of a git repository,
   * `markdown:<path of the folder in its repository>` (`markdown:docs`,
   * `markdown:packages/a/docs`), and `markdown:<folder name>` outside any
   * repository, the same for every copy of the folder
   * ({@link folderSourceSystem}). Give one when the folder needs an identity
   * of its own: two folders of one name outside git, or a folder whose path
   * in its repository changes.
   */
  readonly system?: string;
  /** Kind of documents whose front matter names none (default `note`). */
  readonly kind?: z.infer<typeof DocumentKindSchema>;
  /** Lines every imported document concerns, besides those in its front matter. */
  readonly lines?: readonly string[];
  /** Called after each file. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Who imports (recorded as the actor). */
  readonly actor?: string;
  /**
   * Files of the folder (relative to it, with `/`) to leave alone, as
   * another importer files them: each is neither captured nor revised, no
   * removed file's document moves to it, and it counts as present, so a
   * document of it from an earlier import is not retracted as removed (what
   * becomes of that is the caller's to decide: `factory import docs` leaves
   * the pages that `importCodebase` filed first, with
   * `planCodebasePages` of `@software-factory/intelligence`).
   */
  readonly except?: ReadonlySet<string>;
}

/** What {@link importMarkdownFolder} did: the counts, problems and warnings, the source system it wrote, and the documents it moved there. */
export interface ImportMarkdownFolderReport extends ImportReport {
  /** The source system the folder's documents are recorded under. */
  readonly system: string;
  /**
   * Documents of the folder's files that an earlier import recorded under
   * another system and that are surely this file's copies: each is
   * retracted, so a file keeps one live document. Under
   * `markdown:<folder name>` (shared by every folder of that name) sure means
   * it holds the file's text now, or the text of a version of the file its
   * git repository committed; under `markdown:<the folder's absolute path>`
   * (what one earlier release used outside git, see
   * {@link folderPathSourceSystem}) every copy is this folder's.
   */
  readonly moved: number;
  /**
   * Documents left under `markdown:<folder name>` for a file of the folder
   * that may be stale copies of it: their text is neither the file's nor one
   * its repository committed, so they may be another folder's file of the
   * same name. They are kept, each with a warning naming its id; retract the
   * ones that are this folder's (`knowledge.retract(id, reason)`).
   */
  readonly possiblyStale: readonly FormerCopy[];
  /**
   * Files renamed since the last import (`git mv a.md b.md`): the document
   * of the removed file moved to the new one ({@link KnowledgeBase.move}),
   * keeping its id, links, lines and decisions, and was revised when the
   * text changed too. See {@link importMarkdownFolder} for the rules.
   */
  readonly renamed: readonly RenamedFile[];
  /**
   * Folders under the folder that could not be read (`locked`, or `.` for
   * the folder itself), each also a problem: their files were not imported,
   * and their documents from earlier imports were neither retracted nor
   * moved, as the files may still be there.
   */
  readonly unreadFolders: readonly string[];
}

/**
 * Imports every `.md` file under a folder: a new file is captured, a changed
 * one revised (an unchanged one costs nothing), and a file that disappeared is
 * retracted. Changed and unchanged are since the last import, not against
 * the document as it reads now ({@link CaptureOrReviseOptions.reimport}): a
 * file unchanged since writes nothing, even when its document was revised by
 * hand (`knowledge.revise`) since; a changed one is revised all the same,
 * with a warning naming the revision it replaces, by whom and why. A file
 * whose document was retracted (other than for its file's removal) is
 * skipped with a warning naming the retraction while it is unchanged since
 * its last import; edited since, it is captured anew as a new document, with
 * a warning naming the retracted one. Front matter is optional; it may give `title`, `kind`, `tags`,
 * `lines`, `author`, `date`, `validFrom`, `validTo`; without a title the first
 * `# heading` or the file name is used, made one line (`toSafeLine`: a tab
 * or newline becomes a space, a bidi override is dropped) as a capture takes
 * it; the body keeps the heading as written. A file whose content cannot be
 * imported is a problem (in `problems`) and skipped: bad front matter
 * (reported with its line and column), a file that is not UTF-8 text (a
 * binary file named `.md`; its line and column are in the message), an empty
 * file (blank, or front matter with nothing after it: a document needs a
 * body), a file that cannot be read (`permission denied (EACCES)`), a file
 * whose name is not UTF-8 (named with its bad bytes escaped, `caf\xe9.md`).
 * Its document from an earlier import, if any, is kept as it was
 * (deleting the file retracts it). A folder that cannot be read is a
 * problem too, listed in `unreadFolders`: the documents of its files are
 * neither retracted nor moved. A symbolic link to a `.md` file or to a
 * folder is skipped with a warning (links are not followed), and so is a
 * `.md` entry that is no regular file (a named pipe, a socket, a device),
 * which is never opened. A front matter key that is not read but is a case
 * variant or near miss of one that is (`Tags`) is a warning at the key
 * ({@link unreadFrontMatterKeys}); other keys are ignored. The others are
 * imported. A file renamed since the last import keeps its document
 * (counted in `renamed`, not as a capture and a retraction): when a document
 * of the folder's system lost its file and exactly one new file holds its
 * title and body, or failing that shares at least 80 % of its body's lines
 * with it (and with no other removed file's), the document moves to the new
 * file and is revised if the text changed. Any other
 * new file is a new document; one that fits several removed files, or that
 * a removed file fits along with another new file, is said in a warning.
 * A file of kind `decision` is never taken as a renamed note (the import
 * refuses it). Only the folder's own system is searched
 * ({@link moveRenamedFiles}): a file moved to another imported folder is no
 * rename, its document is retracted here and the other folder's import
 * captures a new one.
 * Safe to run again after an interruption, and while other
 * processes import the same folder: each file stays one document
 * ({@link KnowledgeBase.captureOrRevise}).
 *
 * Each folder of a git repository has its own source system (see
 * {@link ImportMarkdownFolderOptions.system}), so importing a folder never
 * retracts nor revises the documents of another folder there with the same
 * name; outside git a folder's name is its system, so copies of it in other
 * places revise the same documents.
 * A folder with no markdown file left retracts every document it imported,
 * and says so in a warning. A document that an earlier version of this
 * importer recorded for a file under `markdown:<folder name>` is retracted
 * once the file is imported under the folder's own system, whatever its
 * content, when it is surely this file's copy: it holds the file's text, or
 * the text of a version the file's git repository committed (counted in
 * `moved`; the file's document id changes). Any other is kept, as it may be
 * another folder's file of the same name, and named in `possiblyStale` and a
 * warning. The documents one earlier release recorded under
 * `markdown:<the folder's absolute path>` ({@link folderPathSourceSystem})
 * are this folder's: each is retracted once its file is imported (counted in
 * `moved`), or when its file is gone (counted in `retracted`); a file that
 * fails to import keeps its document there until it imports.
 *
 * @throws ValidationError (`E_VALIDATION`, path `system`) when `options.system`
 * is no source system (empty, or over 100 characters); nothing is written.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `folder`) when `folder` does not exist.
 * @throws ValidationError (`E_VALIDATION`, path `folder`) when `folder` is a file or anything else but a folder.
 */
export async function importMarkdownFolder(
  knowledge: KnowledgeBase,
  folder: string,
  options: ImportMarkdownFolderOptions = {},
): Promise<ImportMarkdownFolderReport> {
  checkArguments("importMarkdownFolder", {
    knowledge: [aKnowledgeBase, knowledge],
    folder: [Text, folder],
    options: [anObject("an options object"), options],
  });
  checkArguments("importMarkdownFolder", {
    "options.except": [
      z.instanceof(Set, { error: "must be a Set of file paths" }).optional(),
      options.except,
    ],
  });
  const given = SourceSchema.shape.system.optional().safeParse(options.system, { error: inUserWords });
  if (!given.success) {
    throw validationErrorFromZod(given.error.issues, {
      subject: "importMarkdownFolder options",
      pathPrefix: "system",
    });
  }
  const root = resolve(folder);
  assertFolder(folder, root);
  const system = options.system ?? folderSourceSystem("markdown", root);
  // The system this importer used before each folder had its own, shared by the folders of one name.
  const legacy = options.system === undefined ? `markdown:${basename(root)}` : system;
  // The system one release used for a folder outside git: its absolute path (this folder's, surely).
  const byPath = options.system === undefined ? folderPathSourceSystem("markdown", root) : system;
  const scan = scanMarkdown(root);
  const { files, unread } = scan;
  const counts = { captured: 0, revised: 0, unchanged: 0, retracted: 0, moved: 0 };
  const possiblyStale: FormerCopy[] = [];
  const problems: ImportProblem[] = [...scan.problems];
  const warnings: ImportProblem[] = [...scan.warnings];
  const actor = options.actor === undefined ? {} : { actor: options.actor };
  const except = options.except ?? new Set<string>();
  const renamed = await moveRenamedNotes(knowledge, system, root, scan, options, warnings);
  const seen = new Set<string>();
  for (const [done, file] of files.entries()) {
    const uri = relative(root, file).split(sep).join("/");
    seen.add(uri);
    if (except.has(uri)) {
      options.onProgress?.({ done: done + 1, total: files.length, item: uri });
      continue;
    }
    try {
      const text = readText(file);
      if (typeof text !== "string") {
        problems.push({ item: uri, message: `skipped: ${text.skipped}` });
      } else {
        const {
          result: { outcome, document, warnings: said, unreadKeys },
          appended,
        } = await countAppended(() => importFile(knowledge, system, uri, text, options, actor));
        // A run of the same import at the same time may have written this change first: this run wrote nothing.
        counts[appended === 0 ? "unchanged" : outcome] += 1;
        warnings.push(...unreadKeys);
        for (const message of said) warnings.push({ item: uri, message });
        // A file whose document was retracted, left out: nothing of it is moved either.
        if (document.retracted !== undefined) {
          options.onProgress?.({ done: done + 1, total: files.length, item: uri });
          continue;
        }
        if (byPath !== system && (await retirePathCopy(knowledge, byPath, document, actor)))
          counts.moved += 1;
        const former =
          legacy === system ? "none" : await retireFormerCopy(knowledge, legacy, file, document, actor);
        if (former === "moved") counts.moved += 1;
        else if (former !== "none") {
          possiblyStale.push(former);
          warnings.push({
            item: uri,
            message: formerCopyWarning(former, basename(root)),
          });
        }
      }
    } catch (error) {
      const at =
        error instanceof FrontMatterError
          ? { line: error.line, ...(error.column === undefined ? {} : { column: error.column }) }
          : {};
      problems.push({ item: uri, ...at, message: (error as Error).message });
    }
    options.onProgress?.({ done: done + 1, total: files.length, item: uri });
  }
  // A file in a folder that could not be read may still be there: its document stays.
  const present = (uri: string) => seen.has(uri) || inUnreadFolder(uri, unread);
  for (const document of await goneFiles(knowledge, [system, byPath], present)) {
    const { appended } = await countAppended(() =>
      knowledge.retract(document.id, `${document.source.uri} was removed from ${document.source.system}`, {
        ...actor,
        sourceGone: true,
      }),
    );
    // Retracted by a run of the same import at the same time, it is that run's to count.
    if (appended > 0) counts.retracted += 1;
  }
  if (files.length === 0 && counts.retracted > 0) {
    warnings.push({
      item: ".",
      message: `the folder has no markdown file left: ${counts.retracted === 1 ? "the document" : `the ${counts.retracted} documents`} imported from it (${system}) ${counts.retracted === 1 ? "was" : "were"} retracted`,
    });
  }
  return { ...counts, system, possiblyStale, renamed, unreadFolders: unread, problems, warnings };
}

/**
 * Moves the document of each file renamed since the last import to its new
 * file ({@link moveRenamedFiles}). A file is a candidate when the import
 * would record it: UTF-8 text with readable front matter, a body, and a
 * kind other than `decision` (a decision record is no note: the import
 * refuses it, and `factory import docs` pairs decisions on their own), and
 * not one of `options.except`.
 */
async function moveRenamedNotes(
  knowledge: KnowledgeBase,
  system: string,
  root: string,
  scan: MarkdownScan,
  options: ImportMarkdownFolderOptions,
  warnings: ImportProblem[],
): Promise<readonly RenamedFile[]> {
  const readers = scan.files.map((file): [string, () => RenameText | undefined] => {
    const uri = relative(root, file).split(sep).join("/");
    return [
      uri,
      () => {
        // A file left to another importer keeps its place (its document is not taken as gone) but takes no document.
        if (options.except?.has(uri) === true) return undefined;
        const text = readText(file);
        if (typeof text !== "string") return undefined;
        try {
          const { front, title, body } = readMarkdown(text, uri);
          const recorded = body.trim() !== "" && (front.kind ?? options.kind) !== "decision";
          return recorded ? { title, body } : undefined;
        } catch {
          return undefined; // Bad front matter: the import reports it.
        }
      },
    ];
  });
  // The documents of files in a folder that could not be read keep their place too: those files may be there.
  for (const document of await knowledge.fromSystem(system)) {
    const uri = document.source.uri;
    if (uri !== undefined && inUnreadFolder(uri, scan.unread)) readers.push([uri, () => undefined]);
  }
  const moved = await moveRenamedFiles(knowledge, system, new Map(readers), {
    ...(options.actor === undefined ? {} : { actor: options.actor }),
  });
  warnings.push(...moved.warnings);
  return moved.renamed;
}

/** The live documents of the systems (each once) whose file is not `present` in the folder. */
async function goneFiles(
  knowledge: KnowledgeBase,
  systems: readonly string[],
  present: (uri: string) => boolean,
): Promise<KnowledgeDocument[]> {
  const gone: KnowledgeDocument[] = [];
  for (const system of new Set(systems))
    for (const document of await knowledge.fromSystem(system)) {
      const uri = document.source.uri;
      if (uri !== undefined && !present(uri) && document.retracted === undefined) gone.push(document);
    }
  return gone;
}

/**
 * Captures or revises the one document of a file, as a re-import
 * ({@link CaptureOrReviseOptions.reimport}: its warnings are returned),
 * with a warning for each front matter key that is not read but looks meant
 * as one that is ({@link unreadFrontMatterKeys}); throws `FrontMatterError`
 * for bad front matter.
 */
async function importFile(
  knowledge: KnowledgeBase,
  system: string,
  uri: string,
  text: string,
  options: ImportMarkdownFolderOptions,
  actor: { actor?: string },
): Promise<CaptureOrReviseResult & { unreadKeys: ImportProblem[] }> {
  const { front, title, file } = readMarkdown(text, uri);
  const unreadKeys = unreadFrontMatterKeys(file, NOTE_FRONT_MATTER_KEYS).map(({ line, column, message }) => ({
    item: uri,
    line,
    column,
    message,
  }));
  if (file.body.trim() === "") throw new Error(await emptyFileMessage(knowledge, system, uri, text));
  const write = knowledge.captureOrRevise(
    {
      kind: front.kind ?? options.kind ?? "note",
      title,
      body: file.body,
      source: {
        system,
        uri,
        ...(front.author === undefined ? {} : { author: front.author }),
        ...(front.date === undefined ? {} : { capturedAt: front.date }),
      },
      tags: frontMatterList(front.tags),
      lines: [...new Set([...(options.lines ?? []), ...frontMatterList(front.lines)])],
      ...(front.validFrom === undefined ? {} : { validFrom: front.validFrom }),
      ...(front.validTo === undefined ? {} : { validTo: front.validTo }),
    },
    { ...actor, reason: `re-imported from ${uri}`, reimport: true },
  );
  try {
    return { ...(await write), unreadKeys };
  } catch (error) {
    const field =
      error instanceof ValidationError ? frontMatterPath(error.issues[0]?.path ?? "", file.data) : undefined;
    if (field === undefined) throw error;
    const { line, column } = file.locate(field);
    throw new FrontMatterError((error as Error).message, line, column);
  }
}

/**
 * Why an empty file (blank, or front matter and nothing after it) is not
 * imported, as the CLI's `knowledge capture --file` refuses one; and, when an
 * earlier import recorded a document for it, that the document is kept (an
 * emptied file is more often a mistake than a removal, which deleting the
 * file says).
 */
async function emptyFileMessage(
  knowledge: KnowledgeBase,
  system: string,
  uri: string,
  text: string,
): Promise<string> {
  const what = text.trim() === "" ? "the file is empty" : "the file has front matter and no text after it";
  const earlier = await knowledge.bySource(system, uri);
  const kept =
    earlier === undefined || earlier.retracted !== undefined
      ? ""
      : `; its document ${earlier.id} from an earlier import is kept as it was (delete the file to retract it)`;
  return `skipped: ${what} (a document needs a body)${kept}`;
}
