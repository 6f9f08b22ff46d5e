/**
 * Imports a folder of markdown into the knowledge base: notes of every kind
 * through the knowledge importer, and decision records (`kind: decision`;
 * Nygard or MADR sections, read by the knowledge base's
 * `parseDecisionRecord`) into the decision log.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { decodeText, NotFoundError, validationErrorFromZod } from "@software-factory/core";
import { type CopyRetraction, planCodebasePages } from "@software-factory/intelligence";
import {
  FrontMatterError,
  FrontMatterListSchema,
  folderPathSourceSystem,
  folderSourceSystem,
  frontMatterList,
  type ImportMarkdownFolderReport,
  type ImportProblem,
  type ImportProgress,
  importMarkdownFolder,
  type KnowledgeBase,
  markdownFiles,
  parseFrontMatter,
} from "@software-factory/knowledge";
import { z } from "zod";
import {
  moveRenamedDecisions,
  recordDecisionFile,
  retractStaleDecisions,
} from "./internal/decisionRecords.js";

/** Options of {@link importDocs}. */
export interface ImportDocsOptions {
  /** Called after each file. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Who imports. */
  readonly actor?: string;
  /**
   * Whether the floor plan has a line: given, the files whose front matter
   * names a line it lacks are reported together in
   * {@link ImportDocsReport.unknownLines} (they are not imported, as before).
   */
  readonly hasLine?: (line: string) => boolean;
  /**
   * The folder's identity in the knowledge base, instead of its path in its
   * git repository (or its name outside git): notes are recorded under
   * `markdown:<system>` and decisions under `decisions:<system>`
   * ({@link DocsSystemSchema}). Nothing recorded under another system is
   * moved to it.
   */
  readonly system?: string;
}

/** The longest prefix a docs system is recorded under (`decisions:`), so both systems stay within the knowledge base's 100 characters. */
const SYSTEM_PREFIX_CHARS = "decisions:".length;

/**
 * A name given for a docs folder's source systems (`factory import docs
 * --system`): what `markdown:` and `decisions:` are followed by, so it makes
 * a source system as the knowledge base takes one (at most 100 characters)
 * with either; no blank at either end, no control character.
 */
export const DocsSystemSchema = z
  .string()
  .min(1, "give a name such as handbook")
  .max(100 - SYSTEM_PREFIX_CHARS, `at most ${100 - SYSTEM_PREFIX_CHARS} characters`)
  .regex(/^\S(?:.*\S)?$/, "no blank at the start or end")
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
  .regex(/^[^\u0000-\u001f\u007f]*$/, "no control characters");

/** Files not imported because their front matter names lines the floor plan lacks. */
export interface UnknownLines {
  /** The lines named that the floor plan lacks, sorted. */
  readonly lines: readonly string[];
  /** The files (relative to the folder) naming one of them, sorted. */
  readonly files: readonly string[];
}

/** A file of the folder that `import codebase` filed first, left to it. */
export interface LeftFile {
  /** The file, relative to the folder. */
  readonly item: string;
  /** The codebase import's document of it. */
  readonly id: string;
  /** Its address under the source system `codebase` (`<repository>:<path>`). */
  readonly uri: string;
}

/** The outcome of {@link importDocs}: the importer's counts plus decisions recorded. */
export interface ImportDocsReport extends ImportMarkdownFolderReport {
  /** Decision records recorded (new) or revised. */
  readonly decisions: number;
  /** Files that `import codebase` filed first: not imported again here, so each file is one document (sorted). */
  readonly left: readonly LeftFile[];
  /** Later copies of files that both importers held, retracted: this folder's where the codebase import came first, the codebase import's where this folder's did. */
  readonly retractedCopies: readonly CopyRetraction[];
  /** Set when {@link ImportDocsOptions.hasLine} was given and some files name lines the floor plan lacks. */
  readonly unknownLines?: UnknownLines;
}

const LinesFrontMatterSchema = z.object({ lines: FrontMatterListSchema.optional() }).loose();

/**
 * Imports every markdown file under `folder`. Safe to run again: unchanged
 * files cost nothing, changed ones are revised, removed ones retracted, by
 * the re-import rules of `importMarkdownFolder` for notes and decisions
 * alike (a file unchanged since its last import writes nothing, whatever was
 * revised by hand since; a changed one says in a warning which hand revision
 * it replaces; a retracted document's file is skipped with a warning while
 * it is unchanged). A decision that a later decision superseded stays
 * superseded: its file's `status` is not taken, and a warning says when the
 * file gives another. Safe
 * to run from several processes at once: each file stays one document, each
 * decision record one decision. A file that cannot be imported for what it
 * holds (bad front matter or decision record, not UTF-8 text, empty), or
 * cannot be read, or whose name is not UTF-8, is a problem naming it, with
 * its line and column where there is one, and is skipped; the rest imports
 * (`factory import docs` then exits 1). A folder that cannot be read is a
 * problem too, and the notes and decisions of its files are kept. Symbolic
 * links, and entries that are no regular file (a named pipe), are skipped
 * with a warning; so is a front matter key of a decision record that is a
 * slip for one it reads (`Status`), as `importMarkdownFolder` warns of a
 * note's. Decisions are
 * recorded under one source system per folder, as notes are
 * (`decisions:packages/a/docs`; see `folderSourceSystem`), so two folders of
 * one name in a git repository keep their own decisions (outside git the
 * folder's name is its system: `decisions:docs`); a decision recorded before under
 * `decisions:<folder name>` with the same content is retracted when the
 * folder's own system records it (counted in `moved`), and one with another
 * is kept, as it may be another folder's, and named in `possiblyStale` and a
 * warning (notes are also moved when a committed version of the file has
 * their text: see `importMarkdownFolder`). What one earlier release recorded
 * under `decisions:<the folder's absolute path>` (`folderPathSourceSystem`)
 * is this folder's and is retracted once the file's decision is recorded
 * (counted in `moved`). A decision whose file is gone, or is no longer a
 * decision record and imported as a note, is retracted (counted in
 * `retracted`); one whose file failed to import is kept. A decision record
 * renamed since the last import (`git mv adr-1.md 0001-retries.md`) keeps
 * its decision, with its id, links, lines and history, by the rules of the
 * notes (see `importMarkdownFolder`): a decision whose file is gone moves to
 * the one new decision record with its title and decision, or failing that
 * with 80 % of the lines of its decision fields (the options, which are not
 * read from the file, left out), and is revised if the text changed; it is
 * listed in `renamed` with the notes. A record moved to another folder is no
 * rename: that folder has its own system.
 * {@link ImportDocsOptions.system} names the systems instead.
 *
 * Each file is one document: a file that `importCodebase` filed first (a
 * live `codebase` document at `<repository>:<path>`, `<repository>` being the
 * name of the folder it scanned) is left to it, listed in `left`, neither
 * imported nor counted as removed; where both importers hold a live copy,
 * the one captured later is retracted (`retractedCopies`). See
 * `planCodebasePages` of `@software-factory/intelligence`.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `folder`) when `folder` does not exist or is not a folder.
 * @throws ValidationError (`E_VALIDATION`, path `system`) when `options.system` is no {@link DocsSystemSchema}; nothing is written.
 */
export async function importDocs(
  knowledge: KnowledgeBase,
  folder: string,
  options: ImportDocsOptions = {},
): Promise<ImportDocsReport> {
  const root = assertDocsFolder(folder);
  const name = docsSystemName(options.system);
  const decisionFiles = new Set<string>();
  const unknown = { lines: new Set<string>(), files: [] as string[] };
  const files = new Set(markdownFiles(root).map((file) => relative(root, file).split(sep).join("/")));
  const noteSystem = name === undefined ? folderSourceSystem("markdown", root) : `markdown:${name}`;
  const decisionSystem = name === undefined ? folderSourceSystem("decisions", root) : `decisions:${name}`;
  // One document per file: a page the codebase import filed first is left to it, a later copy retracted.
  const pages = await planCodebasePages(knowledge, root, [...files], [noteSystem, decisionSystem]);
  for (const { id, reason } of pages.retractions)
    await knowledge.retract(id, reason, options.actor === undefined ? {} : { actor: options.actor });
  for (const uri of files) {
    if (pages.left.has(uri)) continue;
    const text = textOf(join(root, uri));
    // A file that cannot be read, or is not UTF-8 text, is the importer's problem, not a decision to record.
    if (text === undefined) continue;
    if (/^kind:\s*["']?decision["']?\s*$/m.test(text.split(/\n---/)[0] ?? "")) decisionFiles.add(uri);
    if (options.hasLine === undefined) continue;
    const missing = linesOf(text).filter((line) => !options.hasLine?.(line));
    if (missing.length === 0) continue;
    for (const line of missing) unknown.lines.add(line);
    unknown.files.push(uri);
  }
  const report = await importMarkdownFolder(knowledge, root, {
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.actor === undefined ? {} : { actor: options.actor }),
    ...(name === undefined ? {} : { system: noteSystem }),
    except: new Set(pages.left.keys()),
  });
  const problems: ImportProblem[] = report.problems.filter((problem) => !decisionFiles.has(problem.item));
  const systems = {
    current: decisionSystem,
    byPath: name === undefined ? folderPathSourceSystem("decisions", root) : decisionSystem,
    legacy: name === undefined ? `decisions:${basename(root)}` : decisionSystem,
  };
  // A file in a folder that could not be read may still be there: its decision is neither moved nor retracted.
  const unread = (uri: string) =>
    report.unreadFolders.some((folder) => folder === "." || uri.startsWith(`${folder}/`));
  const renamed = await moveRenamedDecisions(
    knowledge,
    decisionSystem,
    root,
    files,
    decisionFiles,
    unread,
    options.actor,
  );
  let decisions = 0;
  let moved = report.moved;
  const failed = new Set(report.problems.map((problem) => problem.item));
  const possiblyStale = [...report.possiblyStale];
  const warnings = [...report.warnings, ...renamed.warnings];
  for (const uri of decisionFiles) {
    try {
      const recorded = await recordDecisionFile(knowledge, systems, root, uri, options.actor);
      if (recorded.outcome !== "unchanged") decisions += 1;
      warnings.push(...recorded.unreadKeys);
      for (const message of recorded.warnings) warnings.push({ item: uri, message });
      if (recorded.fromPath) moved += 1;
      if (recorded.former === "moved") moved += 1;
      else if (recorded.former !== "none") {
        possiblyStale.push(recorded.former);
        warnings.push({
          item: uri,
          message: `possibly a stale copy: ${recorded.former.id} (${recorded.former.system}) was recorded for this file before each folder had its own source system, and holds another decision than the file's; it may be the file of another folder named ${basename(root)}, so it is kept: retract it if it is this file's`,
        });
      }
    } catch (error) {
      const at =
        error instanceof FrontMatterError
          ? { line: error.line, ...(error.column === undefined ? {} : { column: error.column }) }
          : {};
      problems.push({ item: uri, ...at, message: (error as Error).message });
    }
  }
  // A decision stays while its file is a decision record, or failed to import this time or was skipped (nothing is
  // lost on a bad run), or may be there in a folder that could not be read; that of a file left to the codebase
  // import was retracted above if it came later.
  const stays = (uri: string) =>
    decisionFiles.has(uri) ||
    failed.has(uri) ||
    pages.left.has(uri) ||
    report.warnings.some((warning) => warning.item === uri && warning.message.startsWith("skipped:"));
  const retracted = await retractStaleDecisions(knowledge, systems, files, stays, unread, options.actor);
  return {
    ...report,
    retracted: report.retracted + retracted,
    problems,
    warnings,
    decisions,
    left: [...pages.left].map(([item, { id, source }]) => ({ item, id, uri: source.uri ?? "" })).sort(byItem),
    retractedCopies: pages.retractions,
    moved,
    possiblyStale,
    renamed: [...report.renamed, ...renamed.renamed],
    ...(unknown.files.length === 0
      ? {}
      : { unknownLines: { lines: [...unknown.lines].sort(), files: unknown.files.sort() } }),
  };
}

/** Orders files by their path. */
function byItem(a: { item: string }, b: { item: string }): number {
  return a.item < b.item ? -1 : a.item > b.item ? 1 : 0;
}

/**
 * The name given for a folder's source systems, checked.
 *
 * @throws ValidationError (`E_VALIDATION`, path `system`) when it is no {@link DocsSystemSchema}.
 */
function docsSystemName(system: string | undefined): string | undefined {
  if (system === undefined) return undefined;
  const name = DocsSystemSchema.safeParse(system);
  if (name.success) return name.data;
  throw validationErrorFromZod(name.error.issues, { subject: "import docs options", pathPrefix: "system" });
}

/**
 * The folder `importDocs` reads, made absolute.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `folder`) naming `folder` when it does not exist or is not a folder.
 */
export function assertDocsFolder(folder: string): string {
  const root = resolve(folder);
  const stat = statSync(root, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) return root;
  throw new NotFoundError({
    message: `cannot import ${folder}: ${stat === undefined ? `${root} does not exist` : `${root} is not a folder`} (give a folder of markdown files)`,
    entity: "folder",
    id: folder,
  });
}

/** The text of a markdown file, or undefined when it cannot be read or is not UTF-8 text (the folder import reports it). */
function textOf(file: string): string | undefined {
  try {
    const read = decodeText(readFileSync(file));
    return "text" in read ? read.text : undefined;
  } catch {
    return undefined;
  }
}

/** The lines a markdown file's front matter names (none when it has no readable front matter: the import reports that). */
function linesOf(text: string): string[] {
  try {
    const lines = LinesFrontMatterSchema.safeParse(parseFrontMatter(text).data);
    return lines.success ? frontMatterList(lines.data.lines) : [];
  } catch {
    return [];
  }
}
