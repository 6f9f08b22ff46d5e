/**
 * The SKILL.md format of Agent Skills: YAML front matter and markdown
 * instructions, parsed with file:line:column errors and written back.
 *
 * @module
 */
import type { ValidationIssue } from "@software-factory/core";
import { checkArguments, inPlainWords } from "@software-factory/core";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from "yaml";
import { z } from "zod";
import { aSkillMd, Text } from "../internal/arguments.js";
import { errorText } from "../internal/errorText.js";
import { invalid } from "./skillIssues.js";

/** An error message for a field that is absent; zod's own (`expected string, received number`) otherwise. */
function missingOr(message: string) {
  return (issue: { readonly input: unknown }) => (issue.input === undefined ? message : undefined);
}

/** An error message for a text over the format's limit, with its length: zod's own (`Too big: expected string to have <=1024 characters`) says neither. */
function tooLong(field: string, max: number, advice: string) {
  return (issue: { readonly input: unknown }) =>
    `${field} is ${String(issue.input).length.toLocaleString("en")} characters, over the ${max.toLocaleString("en")} the Agent Skills format allows; ${advice}`;
}

/** What a YAML value is, in the words of a SKILL.md's author. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (value === null) return "empty value";
  if (typeof value === "object") return "map";
  return typeof value === "boolean" ? "true/false" : typeof value;
}

/** Front matter of a SKILL.md, as the Agent Skills format defines it. */
export const SkillFrontMatterSchema = z.strictObject({
  /** The skill's name: lowercase letters, digits and single hyphens, 1 to 64 characters; equals its folder's name. */
  name: z
    .string({ error: missingOr("name is missing: the skill's name, equal to its folder's name") })
    .min(1)
    .max(64, { error: tooLong("name", 64, "shorten it, and the folder's name with it") })
    .regex(
      /^[a-z0-9]+(-[a-z0-9]+)*$/,
      "name is lowercase letters, digits and single hyphens (1-64 characters)",
    ),
  /** What the skill does and when to use it, at most 1024 characters: agents pick skills by it. */
  description: z
    .string({ error: missingOr("description is missing: say what the skill does and when to use it") })
    .trim()
    .min(1, "description must say what the skill does and when to use it")
    .max(1024, {
      error: tooLong(
        "description",
        1024,
        "keep what the skill does and when to use it there, and move the rest to the body",
      ),
    }),
  /** The license the skill is shared under (a name, or the file bundled with it). */
  license: z.string().min(1).optional(),
  /** What the skill needs from its environment (a product, system packages, network), at most 500 characters. */
  compatibility: z
    .string()
    .min(1)
    .max(500, { error: tooLong("compatibility", 500, "name only what the skill needs from its environment") })
    .optional(),
  /** Other properties, string to string; fields the format does not define go here. */
  metadata: z
    .record(
      z.string(),
      z.string({
        error: (issue) =>
          `metadata values are strings, as the Agent Skills format defines them; write this ${kindOf(issue.input)} as a quoted string, as in version: "1.0" or tags: "a, b"`,
      }),
    )
    .optional(),
  /** Tools the skill may use without asking, space-delimited (`Bash(git:*) Read`). */
  "allowed-tools": z
    .string({ error: 'allowed-tools is one space-delimited text of tools, as in "Bash(git:*) Read"' })
    .min(1, 'allowed-tools names at least one tool, as in "Bash(git:*) Read"')
    .optional(),
});
/** Front matter of a SKILL.md. */
export type SkillFrontMatter = z.infer<typeof SkillFrontMatterSchema>;

/** An instruction skill: a SKILL.md and the files next to it, loaded on demand. */
export interface InstructionSkill extends SkillFrontMatter {
  /** Markdown instructions: the body of SKILL.md, without leading blank lines and trailing whitespace, its lines ending in `\n` (a CRLF file's too). */
  readonly instructions: string;
  /** Folder of the skill, when it was loaded from one. */
  readonly dir?: string;
  /** Paths (relative to the folder) of its files but SKILL.md: in `scripts/`, `references/`, `assets/` or elsewhere in the folder. */
  readonly files: readonly string[];
}

/**
 * Parses a SKILL.md. `folder` is the name of the folder it lives in, which the
 * `name` must equal. Every problem is reported at once, with file:line:column.
 *
 * @throws ValidationError naming each problem and where it is.
 */
export function parseSkillMd(
  text: string,
  file: string,
  folder?: string,
): Omit<InstructionSkill, "files" | "dir"> {
  checkArguments("parseSkillMd", {
    text: [Text, text],
    file: [Text, file],
    folder: [Text.optional(), folder],
  });
  // Empty front matter (`---` right after `---`) is front matter too: its fields are missing.
  const source = text.replace(/^\uFEFF/, "");
  const match = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)??---[ \t]*(?:\r?\n|$)/.exec(source);
  if (match === null) {
    throw invalid(file, [
      {
        path: "",
        message: "SKILL.md must start with YAML front matter between --- lines",
        line: 1,
        column: 1,
      },
    ]);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(match[1] ?? "", { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const position = lineCounter.linePos(offset);
    return { line: position.line + 1, column: position.col };
  };
  const yamlErrors = document.errors.map((error) => ({
    path: "",
    message: error.message.split("\n")[0] as string,
    ...at(error.pos[0]),
  }));
  if (yamlErrors.length > 0) throw invalid(file, yamlErrors);
  const front = frontMatterValue(document, file);
  const parsed = SkillFrontMatterSchema.safeParse(front);
  const positionOf = (path: readonly PropertyKey[], onKey = false) =>
    at(offsetOf(document.contents, path, onKey) ?? 0);
  const issues: (ValidationIssue & { line: number; column: number })[] = [];
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          path: [...issue.path, key].join("."),
          message: `the Agent Skills format has no field "${key}"; put it under metadata`,
          ...positionOf([...issue.path, key], true),
        });
      }
      continue;
    }
    issues.push({ path: issue.path.join("."), message: inPlainWords(issue), ...positionOf(issue.path) });
  }
  // Checked even when other fields are wrong, so that every problem is reported at once.
  const name = (front as { name?: unknown } | null)?.name;
  if (folder !== undefined && typeof name === "string" && name !== folder && !issues.some(isNameIssue)) {
    issues.push({
      path: "name",
      message: `name "${name}" must equal the folder name "${folder}"`,
      ...positionOf(["name"]),
    });
  }
  if (issues.length > 0 || !parsed.success) throw invalid(file, issues);
  return { ...parsed.data, instructions: bodyText(source.slice(match[0].length).replace(/\r\n?/g, "\n")) };
}

/**
 * The front matter as plain values. The YAML library throws here, not while
 * parsing, when aliases expand past its limit (an alias bomb); that is a
 * problem of the file like bad YAML.
 */
function frontMatterValue(document: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return document.toJS() ?? {};
  } catch (error) {
    throw invalid(file, [{ path: "", message: errorText(error), line: 2, column: 1 }]);
  }
}

/** The instructions of a SKILL.md body: without its leading blank lines and trailing whitespace, so that export and load agree. */
function bodyText(body: string): string {
  return body.replace(/^\s*\n/, "").trimEnd();
}

function isNameIssue(issue: ValidationIssue): boolean {
  return issue.path === "name";
}

/**
 * Offset in the front matter of the node at `path` (a field, `metadata.version`):
 * of its value, or of its key when `onKey` or when it has no value; when the
 * path does not exist, of the deepest part of it that does.
 */
function offsetOf(node: unknown, path: readonly PropertyKey[], onKey: boolean): number | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  let key: unknown;
  let value: unknown;
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(head),
    );
    key = pair?.key;
    value = pair?.value;
  } else if (isSeq(node)) {
    value = node.items[Number(head)];
  }
  const start = (part: unknown) => (part as { range?: [number] } | null | undefined)?.range?.[0];
  const here = rest.length === 0 && onKey ? (start(key) ?? start(value)) : (start(value) ?? start(key));
  return (rest.length === 0 ? undefined : offsetOf(value, rest, onKey)) ?? here;
}

/**
 * The SKILL.md text of a skill: front matter and instructions. Each field is
 * written on one line however long (a description is not wrapped at 80
 * characters), as skills are usually written.
 */
export function formatSkillMd(skill: Omit<InstructionSkill, "files" | "dir">): string {
  checkArguments("formatSkillMd", { skill: [aSkillMd, skill] });
  const { instructions, ...front } = skill;
  const ordered = Object.fromEntries(
    ["name", "description", "license", "compatibility", "metadata", "allowed-tools"]
      .filter((key) => (front as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, (front as Record<string, unknown>)[key]]),
  );
  return `---\n${stringify(ordered, { lineWidth: 0 }).trimEnd()}\n---\n\n${bodyText(instructions)}\n`;
}
