/**
 * Incremental import of a folder of markdown notes.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { z } from "zod";
import type { KnowledgeBase } from "../KnowledgeBase.js";
import { DocumentKindSchema } from "../schemas.js";
import { FrontMatterError, parseFrontMatter } from "./frontMatter.js";
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
    tags: z.union([z.array(z.string()), z.string()]).optional(),
    lines: z.union([z.array(z.string()), z.string()]).optional(),
    author: z.string().optional(),
    date: z.union([z.string(), z.date()]).optional(),
    validFrom: z.union([z.string(), z.date()]).optional(),
    validTo: z.union([z.string(), z.date()]).optional(),
  })
  .loose();

/**
 * Imports every `.md` file under a folder: a new file is captured, a changed
 * one revised (an unchanged one costs nothing), and a file that disappeared is
 * retracted. Front matter may give `title`, `kind`, `tags`, `lines`, `author`,
 * `date`, `validFrom`, `validTo`; without a title the first `# heading` or the
 * file name is used. A bad file is reported with its line and skipped; the
 * others are imported. Safe to run again after an interruption.
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
  const write = options.actor === undefined ? {} : { actor: options.actor };
  const seen = new Set<string>();
  for (const [done, file] of files.entries()) {
    const uri = relative(root, file).split(sep).join("/");
    seen.add(uri);
    try {
      const { data, body } = parseFrontMatter(readFileSync(file, "utf8"));
      const meta = FrontMatterSchema.safeParse(data);
      if (!meta.success) {
        const issue = meta.error.issues[0];
        throw new FrontMatterError(`front matter field ${issue?.path.join(".")}: ${issue?.message}`, 1);
      }
      const front = meta.data;
      const title =
        front.title ??
        /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ??
        basename(uri).replace(/\.(md|markdown)$/i, "");
      const lines = [...new Set([...(options.lines ?? []), ...frontMatterList(front.lines)])];
      const existing = await knowledge.bySource(system, uri);
      if (existing === undefined || existing.retracted !== undefined) {
        await knowledge.capture(
          {
            kind: front.kind ?? options.kind ?? "note",
            title,
            body,
            source: {
              system,
              uri,
              ...(front.author === undefined ? {} : { author: front.author }),
              ...(front.date === undefined ? {} : { capturedAt: instant(front.date) }),
            },
            tags: frontMatterList(front.tags),
            lines,
            ...(front.validFrom === undefined ? {} : { validFrom: instant(front.validFrom) }),
            ...(front.validTo === undefined ? {} : { validTo: instant(front.validTo) }),
          },
          write,
        );
        counts.captured += 1;
      } else {
        const { changed } = await knowledge.revise(
          existing.id,
          {
            title,
            body,
            tags: frontMatterList(front.tags),
            lines,
            ...(front.validFrom === undefined ? {} : { validFrom: instant(front.validFrom) }),
            validTo: front.validTo === undefined ? null : instant(front.validTo),
            reason: `re-imported from ${uri}`,
          },
          write,
        );
        counts[changed ? "revised" : "unchanged"] += 1;
      }
    } catch (error) {
      const line = error instanceof FrontMatterError ? error.line : undefined;
      problems.push({
        item: uri,
        ...(line === undefined ? {} : { line }),
        message: (error as Error).message,
      });
    }
    options.onProgress?.({ done: done + 1, total: files.length, item: uri });
  }
  for (const document of await knowledge.fromSystem(system)) {
    const uri = document.source.uri;
    if (uri === undefined || seen.has(uri) || document.retracted !== undefined) continue;
    await knowledge.retract(document.id, `${uri} was removed from ${system}`, write);
    counts.retracted += 1;
  }
  return { ...counts, problems };
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

function instant(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new FrontMatterError(`"${String(value)}" is not a date`, 1);
  return date.toISOString();
}
