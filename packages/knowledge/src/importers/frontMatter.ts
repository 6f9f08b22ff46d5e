/**
 * Front matter of markdown files: YAML between `---` lines (closed by `...`
 * too, as Pandoc and R Markdown write it), or TOML between `+++` lines (as
 * Hugo writes it).
 *
 * @module
 */
import { checkArguments, inPlainWords } from "@software-factory/core";
import * as Data from "effect/Data";
import { parse as parseToml, TomlDate, TomlError } from "smol-toml";
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { aFrontMatterFile, Text } from "../internal/arguments.js";
import { inUserWords } from "../internal/issueWords.js";

/** A 1-based line and column in a file. */
export interface FilePosition {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** A markdown file split into its front matter and its body. */
export interface FrontMatterFile {
  /** The front matter's YAML or TOML as an object; empty when the file has none. */
  readonly data: Record<string, unknown>;
  /** The markdown after the front matter (the whole text when there is none). */
  readonly body: string;
  /** 1-based line of the body's first line in the file. */
  readonly bodyLine: number;
  /**
   * Where the value at a front matter path (`["tags", 1]`) starts in the file;
   * the nearest enclosing value that exists when it does not, else the front
   * matter's first line (line 1 when there is none).
   */
  readonly locate: (path: readonly PropertyKey[]) => FilePosition;
  /** Where a top-level key itself is written in the file (`Tags` of `Tags: [a]`), when the front matter has it. */
  readonly locateKey: (key: string) => FilePosition | undefined;
}

/**
 * Thrown for front matter that is not YAML (or TOML), not a mapping, or has a bad field;
 * carries the 1-based line and column, the `_tag` `FrontMatterError` and the
 * code `E_FRONT_MATTER`.
 */
export class FrontMatterError extends Data.TaggedError("FrontMatterError")<{
  /** What is wrong with the front matter (the YAML or TOML error, or the bad field and why); the position is in `line` and `column`. */
  readonly message: string;
  /** 1-based line in the file. */
  readonly line: number;
  /** 1-based column in the file, when known. */
  readonly column: number | undefined;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_FRONT_MATTER";

  /** An error at a line (and column) of the file. */
  constructor(message: string, line: number, column?: number) {
    super({ message, line, column });
  }
}

/** Opening `---` then YAML up to a `---` or `...` line (Pandoc and R Markdown close it with `...`). */
const YAML_BLOCK = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)??(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
/** Opening `+++` then TOML up to a `+++` line (Hugo's TOML front matter). */
const TOML_BLOCK = /^\+\+\+[ \t]*\r?\n(?:([\s\S]*?)\r?\n)??\+\+\+[ \t]*(?:\r?\n|$)/;

/**
 * Splits front matter from a markdown text: YAML between `---` lines (or
 * closed by `...`, as Pandoc and R Markdown write it), or TOML between
 * `+++` lines (as Hugo writes it). A text without front matter is all body,
 * with no fields. A first line `---` (or `+++`) always opens front matter
 * (as in Jekyll, Hugo and GitHub's renderer), so a text whose front matter
 * no closing line closes is an error rather than a body that starts with
 * YAML; `---` then `---` is empty front matter.
 *
 * TOML's values come out as YAML's do: a date or date-time (`2026-05-01`,
 * `2026-05-01T10:00:00+02:00`, a local date-time or time) is the string it
 * is written as, as YAML reads an unquoted date, so a `date` field means
 * the same instant in either.
 *
 * @throws FrontMatterError at the line and column of a YAML or TOML error, at line 1 when the front matter is never closed, or when it is not a mapping.
 * @throws ValidationError naming `text` when it is not a string.
 */
export function parseFrontMatter(text: string): FrontMatterFile {
  checkArguments("parseFrontMatter", { text: [Text, text] });
  const normalized = text.replace(/^\uFEFF/, "");
  if (/^\+\+\+[ \t]*(?:\r?\n|$)/.test(normalized)) return tomlFrontMatter(normalized);
  const match = YAML_BLOCK.exec(normalized);
  if (match === null && /^---[ \t]*(?:\r?\n|$)/.test(normalized)) {
    throw new FrontMatterError(
      "front matter: the `---` on line 1 opens front matter that no `---` or `...` line closes (close it, or start the file with other text)",
      1,
      1,
    );
  }
  if (match === null)
    return {
      data: {},
      body: normalized,
      bodyLine: 1,
      locate: () => ({ line: 1, column: 1 }),
      locateKey: () => undefined,
    };
  const yaml = match[1] ?? "";
  const lineCounter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter, prettyErrors: false });
  // The YAML starts on the file's second line, after the opening `---`.
  const at = (offset: number): FilePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + 1, column: col };
  };
  const [error] = document.errors;
  if (error !== undefined) {
    const { line, column } = at(error.pos[0]);
    throw new FrontMatterError(`front matter: ${error.message.split("\n")[0]}`, line, column);
  }
  const data: unknown = document.toJS();
  if (data !== null && (typeof data !== "object" || Array.isArray(data))) {
    throw new FrontMatterError("front matter must be a mapping of keys to values", 2, 1);
  }
  const locate = (path: readonly PropertyKey[]): FilePosition => {
    for (let length = path.length; length > 0; length -= 1) {
      const node = document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range !== undefined && node.range !== null) return at(node.range[0]);
    }
    return { line: 2, column: 1 };
  };
  const locateKey = (key: string): FilePosition | undefined => {
    const contents = document.contents;
    if (!isMap(contents)) return undefined;
    for (const { key: node } of contents.items)
      if (isScalar(node) && String(node.value) === key && node.range) return at(node.range[0]);
    return undefined;
  };
  return {
    data: (data ?? {}) as Record<string, unknown>,
    body: normalized.slice(match[0].length),
    bodyLine: match[0].split("\n").length,
    locate,
    locateKey,
  };
}

/** Hugo's TOML front matter between `+++` lines, the text's first line being `+++`. */
function tomlFrontMatter(text: string): FrontMatterFile {
  const match = TOML_BLOCK.exec(text);
  if (match === null) {
    throw new FrontMatterError(
      "front matter: the `+++` on line 1 opens TOML front matter that no `+++` line closes (close it, or start the file with other text)",
      1,
      1,
    );
  }
  const toml = match[1] ?? "";
  let data: Record<string, unknown>;
  try {
    data = fromToml(parseToml(toml)) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // The TOML starts on the file's second line, after the opening `+++`.
    const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "");
    throw new FrontMatterError(`front matter: ${reason}`, error.line + 1, error.column);
  }
  const lines = toml.split(/\r?\n/);
  const locate = (path: readonly PropertyKey[]): FilePosition => {
    const key = path[0];
    if (typeof key === "string") {
      const found = tomlKeyPosition(lines, key);
      if (found !== undefined) return found;
    }
    return { line: 2, column: 1 };
  };
  const locateKey = (key: string): FilePosition | undefined => {
    const found = tomlKeyPosition(lines, key);
    if (found === undefined) return undefined;
    const line = lines[found.line - 2] ?? "";
    // The key's first character, or its table header's `[`.
    return { line: found.line, column: line.search(/\S/) + 1 };
  };
  return {
    data,
    body: text.slice(match[0].length),
    bodyLine: match[0].split("\n").length,
    locate,
    locateKey,
  };
}

/** A TOML value as YAML would give it: a date or time as the string it is written as, in arrays and tables too. */
function fromToml(value: unknown): unknown {
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map(fromToml);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fromToml(inner)]));
  }
  return value;
}

/**
 * Where a top-level key's value starts in TOML front matter (`tags = [...]`
 * before any table), or its table's header (`[tags]`); as file positions,
 * the TOML starting on the file's second line.
 */
function tomlKeyPosition(lines: readonly string[], key: string): FilePosition | undefined {
  const name = `(?:${escaped(key)}|"${escaped(key)}"|'${escaped(key)}')`;
  const assignment = new RegExp(`^\\s*${name}\\s*=\\s*`);
  const table = new RegExp(`^\\s*\\[{1,2}\\s*${name}\\s*\\]`);
  let inTable = false;
  for (const [index, line] of lines.entries()) {
    if (table.test(line)) return { line: index + 2, column: line.search(/\S/) + 1 };
    if (/^\s*\[/.test(line)) inTable = true;
    const assigned = inTable ? null : assignment.exec(line);
    if (assigned !== null) return { line: index + 2, column: assigned[0].length + 1 };
  }
  return undefined;
}

/** A text matched literally in a regular expression. */
function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Checks the fields of a file's front matter against a schema.
 *
 * @throws FrontMatterError naming the first bad field, at the line and column of its value.
 * @throws ValidationError naming `file` or `schema` when one is not a parsed file or a zod schema.
 * @example
 * ```ts
 * const file = parseFrontMatter(text);
 * const { title } = frontMatterFields(file, z.object({ title: z.string().optional() }));
 * ```
 */
export function frontMatterFields<Schema extends z.ZodType>(
  file: FrontMatterFile,
  schema: Schema,
): z.output<Schema> {
  checkArguments("frontMatterFields", {
    file: [aFrontMatterFile, file],
    schema: [z.instanceof(z.ZodType), schema],
  });
  const result = schema.safeParse(file.data, { error: inUserWords });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const { line, column } = file.locate(path);
  throw new FrontMatterError(
    `front matter field ${path.map(String).join(".") || "(root)"}: ${issue === undefined ? "is invalid" : inPlainWords(issue)}`,
    line,
    column,
  );
}

/**
 * A date or instant in front matter (`2026-05-01`, `2026-05-01T10:00:00+02:00`,
 * a YAML timestamp, or a TOML date or date-time, written so without quotes), as an ISO 8601 UTC instant; a key left blank
 * (`date:`, as templates leave it) is no date; anything else is an issue at
 * its field.
 */
export const FrontMatterInstantSchema = z
  .union([z.string(), z.date(), z.null()])
  .transform((value, context) => {
    if (value === null) return undefined;
    const date = value instanceof Date ? value : new Date(value);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
    context.addIssue({ code: "custom", message: `"${String(value)}" is not a date` });
    return z.NEVER;
  });

/**
 * A list in front matter: a YAML list of words, or one comma-separated
 * string (`tags: a, b`); a number in the list is its word as YAML reads it
 * (`tags: [2024, q1]`); a key left blank (`tags:`, as templates leave it) is
 * no list.
 */
export const FrontMatterListSchema = z
  .union([z.array(z.union([z.string(), z.number().transform(String)])), z.string(), z.null()], {
    error: "must be a list of words ([a, b]) or a comma-separated string (a, b)",
  })
  .transform((value) => value ?? undefined);

/**
 * A front matter list field: an array, or a comma-separated string; blanks dropped.
 *
 * @throws ValidationError naming `value` when it is not a string, a list of strings or undefined.
 */
export function frontMatterList(value: string | string[] | undefined): string[] {
  checkArguments("frontMatterList", {
    value: [z.union([z.string(), z.array(z.string())]).optional(), value],
  });
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : value.split(","))
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
