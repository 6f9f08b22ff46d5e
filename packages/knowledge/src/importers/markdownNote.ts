/**
 * A markdown file read as the folder importer records it: front matter
 * fields, title and body, and the front matter field behind a bad field of
 * the document.
 *
 * @module
 */
import { basename } from "node:path";
import { firstSafeLine } from "@software-factory/core";
import { z } from "zod";
import { DocumentKindSchema } from "../schemas.js";
import {
  type FrontMatterFile,
  FrontMatterInstantSchema,
  FrontMatterListSchema,
  frontMatterFields,
  parseFrontMatter,
} from "./frontMatter.js";

/** A text field that a key left blank (`title:`, as templates leave it) does not set. */
const unsetWhenBlank = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());

const FrontMatterSchema = z
  .object({
    title: unsetWhenBlank(z.string().min(1)),
    kind: unsetWhenBlank(DocumentKindSchema),
    tags: FrontMatterListSchema.optional(),
    lines: FrontMatterListSchema.optional(),
    author: unsetWhenBlank(z.string()),
    date: FrontMatterInstantSchema.optional(),
    validFrom: FrontMatterInstantSchema.optional(),
    validTo: FrontMatterInstantSchema.optional(),
  })
  .loose();

/** The front matter keys `importMarkdownFolder` reads from a note. */
export const NOTE_FRONT_MATTER_KEYS: readonly string[] = Object.keys(FrontMatterSchema.shape);

/**
 * A markdown file's front matter, title and body, as imported; throws
 * `FrontMatterError` for bad front matter. The title is the front matter's,
 * else the first `# ` heading, else the file name, made one line by
 * `toSafeLine` (a tab, a newline or a bidi override would make the capture
 * refuse it): the first of them with anything left. The body keeps the
 * heading as written.
 */
export function readMarkdown(
  text: string,
  uri: string,
): { front: z.infer<typeof FrontMatterSchema>; title: string; body: string; file: FrontMatterFile } {
  const file = parseFrontMatter(text);
  const front = frontMatterFields(file, FrontMatterSchema);
  const title = firstSafeLine(
    front.title,
    /^#\s+(.+)$/m.exec(file.body)?.[1],
    basename(uri).replace(/\.(md|markdown)$/i, ""),
    uri,
  );
  return { front, title, body: file.body, file };
}

/** The front matter field behind a bad field of the captured document (`source.author` is `author`), when the front matter has it. */
export function frontMatterPath(path: string, data: Record<string, unknown>): PropertyKey[] | undefined {
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
