/**
 * One file, one document: a markdown page of a repository that both
 * `importCodebase` (source system `codebase`, address
 * `<repository>:<path from the scanned folder>`) and a folder import
 * (`factory import docs`, `markdown:<folder>` for notes and
 * `decisions:<folder>` for decisions, address relative to the folder) would
 * file stays with the importer that filed it first: the other leaves it.
 * Where an earlier release left a live copy with each, the copy captured
 * later is retracted, whichever import runs.
 *
 * @module
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { checkArguments, decodeText, withMethods } from "@software-factory/core";
import {
  folderSourceSystem,
  type KnowledgeBase,
  type KnowledgeDocument,
  parseFrontMatter,
} from "@software-factory/knowledge";
import { z } from "zod";

/** The source system `importCodebase` files documents under (re-exported by `planImport` as `CODEBASE_SYSTEM`). */
const CODEBASE = "codebase";

/** Whether a document is live: neither retracted nor superseded. */
export function isLive(document: KnowledgeDocument | undefined): document is KnowledgeDocument {
  return document !== undefined && document.retracted === undefined && document.supersededBy === undefined;
}

/** Whether `first` was captured before `second` (by the log position of their first revisions). */
export function capturedBefore(first: KnowledgeDocument, second: KnowledgeDocument): boolean {
  return (first.revisions[0]?.seq ?? first.seq) < (second.revisions[0]?.seq ?? second.seq);
}

/** The reason a later copy of a file is retracted: the document that keeps it. */
export function laterCopyReason(file: string, kept: KnowledgeDocument): string {
  return `${file} is filed as ${kept.id} (${kept.source.system} ${kept.source.uri}), captured first: one document per file`;
}

/**
 * `start` and the folders above it, nearest first, up to and including the
 * top of the git repository holding it (the first with a `.git` entry), or
 * up to the file system's root outside any repository.
 */
function foldersUp(start: string): string[] {
  const folders: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    folders.push(dir);
    if (existsSync(join(dir, ".git")) || dirname(dir) === dir) return folders;
  }
}

/** `path` relative to `from`, with `/`. */
function posixRelative(from: string, path: string): string {
  return relative(from, path).split(sep).join("/");
}

/** A later copy of a page that both importers filed (before either knew of the other), retracted so one document stays. */
export interface CopyRetraction {
  /** The document retracted. */
  readonly id: string;
  /** Why, naming the document that keeps the page. */
  readonly reason: string;
}

/** What a folder import does with the files of its folder that a codebase import files too ({@link planCodebasePages}). */
export interface CodebasePages {
  /** Files (relative to the folder, with `/`) the codebase import filed first, with its document: the folder import leaves them. */
  readonly left: ReadonlyMap<string, KnowledgeDocument>;
  /** Later copies to retract: the folder's own where the codebase import filed the file first, the codebase's where the folder's came first. */
  readonly retractions: readonly CopyRetraction[];
}

/**
 * Which files of `folder` (paths relative to it, with `/`) a folder import
 * leaves to a codebase import, and which later copies it retracts, so each
 * file is one document, kept by the importer that filed it first. The
 * codebase import's document of a file is the live `codebase` one at
 * `<name>:<path>`, where `<name>` is the name of the folder it scanned (the
 * default of `importCodebase`'s `repository`) and `<path>` the file's path
 * from it: the repository's top, or a folder of it holding the file (or any
 * folder outside git) when the document holds the file's text, as another
 * repository of that name may have a file at that path. A codebase import
 * given another `repository` name is not recognised. The
 * folder import's own document is its live one at the file's address in one
 * of `systems` (`markdown:docs`, `decisions:docs`). Reads only.
 *
 * @throws ValidationError naming each argument that is not what it should be (a knowledge base, a folder, lists of strings); nothing is read.
 * @example
 * ```ts
 * const pages = await planCodebasePages(factory.knowledge, "docs", ["cli.md"], ["markdown:docs"]);
 * pages.left.get("cli.md")?.source.uri; // "shop:docs/cli.md"
 * ```
 */
export async function planCodebasePages(
  knowledge: KnowledgeBase,
  folder: string,
  files: readonly string[],
  systems: readonly string[],
): Promise<CodebasePages> {
  checkArguments("planCodebasePages", {
    knowledge: [withMethods("a knowledge base (factory.knowledge)", "fromSystem", "bySource"), knowledge],
    folder: [z.string(), folder],
    files: [z.array(z.string()), files],
    systems: [z.array(z.string()), systems],
  });
  const filed = new Map<string, KnowledgeDocument>();
  for (const document of await knowledge.fromSystem(CODEBASE))
    if (isLive(document) && document.source.uri !== undefined) filed.set(document.source.uri, document);
  const left = new Map<string, KnowledgeDocument>();
  const retractions: CopyRetraction[] = [];
  if (filed.size === 0) return { left, retractions };
  const root = realpathSync(folder);
  for (const uri of files) {
    const path = join(root, uri);
    const copy = codebaseCopyOf(filed, path);
    if (copy === undefined) continue;
    const own = await liveAt(knowledge, systems, uri);
    if (own === undefined || capturedBefore(copy, own)) {
      left.set(uri, copy);
      if (own !== undefined) retractions.push({ id: own.id, reason: laterCopyReason(uri, copy) });
    } else retractions.push({ id: copy.id, reason: laterCopyReason(uri, own) });
  }
  return { left, retractions };
}

/**
 * The live codebase document of the file at `path`: the one named by the
 * repository's top (`shop:docs/guide.md`); else one named by a folder below
 * the top, or by any folder outside git (`docs:guide.md`, as an import of
 * that folder names it), when it holds the file's text, as another
 * repository of that name may hold a file at that path.
 */
function codebaseCopyOf(
  filed: ReadonlyMap<string, KnowledgeDocument>,
  path: string,
): KnowledgeDocument | undefined {
  let body: string | undefined;
  for (const above of foldersUp(dirname(path))) {
    const copy = filed.get(`${basename(above)}:${posixRelative(above, path)}`);
    if (copy === undefined) continue;
    if (existsSync(join(above, ".git"))) return copy;
    body ??= bodyOf(path);
    if (copy.body === body) return copy;
  }
  return undefined;
}

/** A markdown file's body as the codebase import records it: after its front matter, or whole when that does not parse. */
function bodyOf(path: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    // One the scan could not read either, and reported.
    return undefined;
  }
  const read = decodeText(bytes);
  if (!("text" in read)) return undefined;
  try {
    return parseFrontMatter(read.text).body;
  } catch {
    return read.text;
  }
}

/** The live document at `uri` in the first of `systems` holding one. */
async function liveAt(
  knowledge: KnowledgeBase,
  systems: readonly string[],
  uri: string,
): Promise<KnowledgeDocument | undefined> {
  for (const system of systems) {
    const document = await knowledge.bySource(system, uri);
    if (isLive(document)) return document;
  }
  return undefined;
}

/**
 * Finds the live documents that folder imports (`markdown:<folder>` notes,
 * `decisions:<folder>` decisions, each folder named by its default source
 * system, `folderSourceSystem`) hold for files of a repository: give it the
 * folder a codebase import scanned, then ask per file (its path from that
 * folder). A folder imported with a `--system` name of its own is not
 * recognised.
 */
export class FolderCopies {
  readonly #knowledge: KnowledgeBase;
  readonly #root: string;
  readonly #systems = new Map<string, readonly string[]>();
  readonly #documents = new Map<string, Map<string, KnowledgeDocument>>();

  /** Reads the knowledge base `knowledge` for files of the existing folder `root`. */
  constructor(knowledge: KnowledgeBase, root: string) {
    this.#knowledge = knowledge;
    this.#root = existsSync(root) ? realpathSync(root) : resolve(root);
  }

  /**
   * The live document a folder import holds for `file` (relative to the
   * root), the nearest folder's first, when it holds the file's text as the
   * codebase import reads it (`page`: a note's body, a decision's
   * `## Decision`): a folder's default system is its path in its repository
   * (`markdown:docs`), which a folder of another repository shares.
   */
  async of(
    file: string,
    page: { readonly body: string; readonly decision?: { readonly decision: string } },
  ): Promise<KnowledgeDocument | undefined> {
    const path = join(this.#root, file);
    for (const above of foldersUp(dirname(path))) {
      const uri = posixRelative(above, path);
      for (const system of this.#systemsOf(above)) {
        const copy = (await this.#documentsOf(system)).get(uri);
        const same =
          copy?.body === page.body ||
          (copy?.decision !== undefined && copy.decision.decision === page.decision?.decision);
        if (copy !== undefined && same) return copy;
      }
    }
    return undefined;
  }

  #systemsOf(folder: string): readonly string[] {
    let systems = this.#systems.get(folder);
    if (systems === undefined) {
      // A proposal made by hand may name files whose folders are not there: no folder import holds them.
      systems = !existsSync(folder)
        ? []
        : [folderSourceSystem("markdown", folder), folderSourceSystem("decisions", folder)];
      this.#systems.set(folder, systems);
    }
    return systems;
  }

  async #documentsOf(system: string): Promise<Map<string, KnowledgeDocument>> {
    let documents = this.#documents.get(system);
    if (documents === undefined) {
      documents = new Map();
      for (const document of await this.#knowledge.fromSystem(system))
        if (isLive(document) && document.source.uri !== undefined)
          documents.set(document.source.uri, document);
      this.#documents.set(system, documents);
    }
    return documents;
  }
}
