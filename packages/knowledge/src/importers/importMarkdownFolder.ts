/**
 * Incremental import of a folder of markdown notes.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { ValidationError } from "@software-factory/core";
import { z } from "zod";
import type { KnowledgeBase } from "../KnowledgeBase.js";
import { DocumentKindSchema } from "../schemas.js";
import {
  FrontMatterError,
  FrontMatterInstantSchema,
  FrontMatterListSchema,
  frontMatterFields,
  parseFrontMatter,
} from "./frontMatter.js";
import type { ImportProblem, ImportProgress, ImportReport } from "./progress.js";

/** Options of {@link importMarkdownFolder}. */
export interface ImportMarkdownFolderOptions {
  /** Source system recorded on the documents; documents of this system missing from the folder are retracted (default `markdown:<folder name>`). */
  readonly system?: string;
  /** Kind of documents whose front matter names none (default `note`). */
  readonly kind?: z.infer<typeof DocumentKindSchema>;
  /** Lines every imported document concerns, besides those in its front matter. */
  readonly lines?: readonly string[];
  /** Called after each file. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Who imports (recorded as the actor). */
  readonly actor?: string;
}

const FrontMatterSchema = z
  .object({
    title: z.string().min(1).optional(),
    kind: DocumentKindSchema.optional(),
    tags: FrontMatterListSchema.optional(),
    lines: FrontMatterListSchema.optional(),
    author: z.string().optional(),
    date: FrontMatterInstantSchema.optional(),
    validFrom: FrontMatterInstantSchema.optional(),
    validTo: FrontMatterInstantSchema.optional(),
  })
  .loose();

/**
 * Imports every `.md` file under a folder: a new file is captured, a changed
 * one revised (an unchanged one costs nothing), and a file that disappeared is
 * retracted. Front matter is optional; it may give `title`, `kind`, `tags`,
 * `lines`, `author`, `date`, `validFrom`, `validTo`; without a title the first
 * `# heading` or the file name is used. A file with bad front matter is a
 * problem reported with its line and column and skipped; a file that is not
 * UTF-8 text (a binary file named `.md`) is skipped with a warning; the others
 * are imported. Safe to run again after an interruption, and while other
 * processes import the same folder: each file stays one document
 * ({@link KnowledgeBase.captureOrRevise}).
 */
export async function importMarkdownFolder(
  knowledge: KnowledgeBase,
  folder: string,
  options: ImportMarkdownFolderOptions = {},
): Promise<ImportReport> {
  const root = resolve(folder);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`cannot import ${folder}: it is not a folder`);
  }
  const system = options.system ?? `markdown:${basename(root)}`;
  const files = markdownFiles(root);
  const counts = { captured: 0, revised: 0, unchanged: 0, retracted: 0 };
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const actor = options.actor === undefined ? {} : { actor: options.actor };
  const seen = new Set<string>();
  for (const [done, file] of files.entries()) {
    const uri = relative(root, file).split(sep).join("/");
    seen.add(uri);
    try {
      const text = readText(file);
      if (typeof text !== "string") {
        warnings.push({ item: uri, message: `skipped: ${text.notText}` });
      } else {
        const outcome = await importFile(knowledge, system, uri, text, options, actor);
        counts[outcome] += 1;
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
  for (const document of await knowledge.fromSystem(system)) {
    const uri = document.source.uri;
    if (uri === undefined || seen.has(uri) || document.retracted !== undefined) continue;
    await knowledge.retract(document.id, `${uri} was removed from ${system}`, actor);
    counts.retracted += 1;
  }
  return { ...counts, problems, warnings };
}

/** Captures or revises the one document of a file; throws `FrontMatterError` for bad front matter. */
async function importFile(
  knowledge: KnowledgeBase,
  system: string,
  uri: string,
  text: string,
  options: ImportMarkdownFolderOptions,
  actor: { actor?: string },
): Promise<"captured" | "revised" | "unchanged"> {
  const file = parseFrontMatter(text);
  const front = frontMatterFields(file, FrontMatterSchema);
  const title =
    front.title ??
    /^#\s+(.+)$/m.exec(file.body)?.[1]?.trim() ??
    basename(uri).replace(/\.(md|markdown)$/i, "");
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
    { ...actor, reason: `re-imported from ${uri}` },
  );
  try {
    return (await write).outcome;
  } catch (error) {
    const field =
      error instanceof ValidationError ? frontMatterPath(error.issues[0]?.path ?? "", file.data) : undefined;
    if (field === undefined) throw error;
    const { line, column } = file.locate(field);
    throw new FrontMatterError((error as Error).message, line, column);
  }
}

/** The front matter field behind a bad field of the captured document (`source.author` is `author`), when the front matter has it. */
function frontMatterPath(path: string, data: Record<string, unknown>): PropertyKey[] | undefined {
  const match = /^(\w+)(?:\.(\w+))?(?:\[(\d+)\])?/.exec(path);
  if (match === null) return undefined;
  const [, head, sub, index] = match;
  const key =
    head === "source"
      ? ({ author: "author", capturedAt: "date" } as Record<string, string>)[sub ?? ""]
      : head;
  if (key === undefined || !(key in data)) return undefined;
  return index === undefined ? [key] : [key, Number(index)];
}

/** A file's text, or why it is not a markdown text file (a NUL byte, bytes that are not UTF-8). */
function readText(file: string): string | { notText: string } {
  const bytes = readFileSync(file);
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { notText: `a binary file (a NUL byte at offset ${nul}), not markdown text` };
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { notText: "not UTF-8 text (markdown files are read as UTF-8)" };
  }
}

/** Every `.md`/`.markdown` file under a folder (hidden folders and `node_modules` skipped), as absolute paths in name order. */
export function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.(md|markdown)$/i.test(entry.name)) found.push(path);
    }
  };
  walk(root);
  return found;
}

/** A front matter list field: an array, or a comma-separated string; blanks dropped. */
export function frontMatterList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : value.split(","))
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
