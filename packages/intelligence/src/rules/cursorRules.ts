/**
 * Cursor project rules (`.cursor/rules/*.mdc`): YAML front matter with
 * `description`, `globs` and `alwaysApply`, then a markdown body. Read into
 * {@link InstructionStandard}s with positioned errors, and written back.
 *
 * @module
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import {
  aFunction,
  checkArguments,
  formatIssues,
  inPlainWords,
  makeFolders,
  strictInput,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { stringify } from "yaml";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { parseInput } from "../internal/parse.js";
import { readUtf8File } from "../internal/utf8File.js";
import { globAt, invalidRule, readFrontMatter, skippedFile } from "./frontMatter.js";
import { braceProblem } from "./glob.js";
import { type InstructionStandard, InstructionStandardSchema, instructionId } from "./InstructionStandard.js";
import { standardsForExport } from "./standardsForExport.js";

const CursorFrontMatterSchema = z.object({
  description: z.string().nullable().optional(),
  globs: z
    .union([z.string(), z.array(z.string())], {
      error: "globs is a comma-separated string or a list of globs",
    })
    .nullable()
    .optional(),
  alwaysApply: z.boolean({ error: "alwaysApply is true or false (a YAML boolean, not a string)" }).optional(),
});

/**
 * A `description` or `globs` line whose value Cursor wrote unquoted, to be read verbatim: Cursor does
 * not write YAML there (`globs: *.ts` would be an alias, `description: Use: this` a nested map).
 */
const VERBATIM = /^((?:description|globs):[ \t]*)([^\s"'[|>].*?)[ \t]*$/;

/** The keys Cursor reads in a rule's front matter. */
const CURSOR_KEYS = ["description", "globs", "alwaysApply"];

/** Options of {@link parseCursorRule}. */
export interface ParseCursorRuleOptions {
  /**
   * Called for each front matter key Cursor does not read (`name`, `trigger`,
   * a misspelt `alwaysapply`), with its file, line and column: the rule is
   * loaded without it, as Cursor loads it. Defaults to a process warning
   * (`process.emitWarning`, code `FACTORY_SKIPPED_INSTRUCTIONS`).
   */
  readonly onWarning?: (warning: ValidationIssue) => void;
}

/**
 * Parses the text of a `.mdc` rule. The id is the file name without `.mdc`,
 * kebab-cased. An unquoted `description` or `globs` value is taken verbatim,
 * as Cursor writes and reads it (`globs: *.ts, src/**` would be a YAML alias). Keys other than the
 * three Cursor defines are ignored, as Cursor ignores them, each with a
 * warning naming its line and column (option `onWarning`), since a misspelt
 * `alwaysapply` changes when the rule applies. A file without front matter is a
 * rule applied only on request (no globs, not always applied).
 *
 * @throws ValidationError naming each problem with file:line:column (bad YAML,
 * a key of the wrong type, front matter never closed, a glob whose `{` is
 * never closed or whose `}` closes nothing, as `src/**\/*.{ts,tsx`).
 */
export function parseCursorRule(
  text: string,
  file: string,
  options: ParseCursorRuleOptions = {},
): InstructionStandard {
  checkArguments("parseCursorRule", {
    text: [Text, text],
    file: [Text, file],
    options: [strictInput({ onWarning: aFunction.optional() }).optional(), options],
  });
  const source = text.replace(/^\uFEFF/, "");
  const lines = source.split(/\r?\n/);
  const id = instructionId(basename(file).replace(/\.mdc$/i, ""));
  const at = { format: "cursor" as const, file, line: 1 };
  const frontMatter = readFrontMatter(lines, VERBATIM, file, "cursor rule");
  if (frontMatter === undefined) {
    return { id, instructions: source.trim(), globs: [], alwaysApply: false, source: at };
  }
  const { fields: front, close, keyAt } = frontMatter;
  const parsed = CursorFrontMatterSchema.safeParse(front);
  if (!parsed.success) {
    throw invalidRule(
      "cursor rule",
      file,
      parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: inPlainWords(issue),
        ...keyAt(issue.path[0]),
      })),
    );
  }
  const warn = options.onWarning ?? warnSkipped;
  for (const key of Object.keys(front).filter((key) => !CURSOR_KEYS.includes(key))) {
    const meant = CURSOR_KEYS.find((known) => known.toLowerCase() === key.toLowerCase());
    warn({
      path: key,
      file,
      message: `unknown key "${key}" ignored, as Cursor ignores it; a Cursor rule has description, globs and alwaysApply${meant === undefined ? "" : ` (did you mean ${meant}?)`}`,
      ...keyAt(key, true),
    });
  }
  const { description, globs, alwaysApply } = parsed.data;
  const globList = (typeof globs === "string" ? splitGlobs(globs) : (globs ?? []))
    .map((glob) => glob.trim())
    .filter((glob) => glob !== "");
  const unbalanced = globList.flatMap((glob, index) => {
    const message = braceProblem(glob);
    return message === undefined
      ? []
      : [{ path: `globs.${index}`, message, ...globAt(lines, glob, keyAt("globs")) }];
  });
  if (unbalanced.length > 0) throw invalidRule("cursor rule", file, unbalanced);
  return {
    id,
    ...(description === undefined || description === null || description.trim() === ""
      ? {}
      : { description: description.trim() }),
    instructions: lines
      .slice(close + 1)
      .join("\n")
      .trim(),
    globs: globList,
    alwaysApply: alwaysApply ?? false,
    source: at,
  };
}

/**
 * A comma-separated `globs` text split at its commas outside braces, so
 * `src/*.{ts,tsx}, docs/*.md` is two globs, the first matching `.ts` and
 * `.tsx` files, rather than `src/*.{ts`, `tsx}` and `docs/*.md`.
 */
function splitGlobs(text: string): string[] {
  const globs: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "{") depth++;
    else if (char === "}" && depth > 0) depth--;
    else if (char === "," && depth === 0) {
      globs.push(text.slice(start, index));
      start = index + 1;
    }
  }
  globs.push(text.slice(start));
  return globs;
}

/** Options of {@link loadCursorRules}. */
export interface LoadCursorRulesOptions {
  /**
   * Folder, relative to the repository root, whose `.cursor/rules` this is
   * (`packages/web`); empty or absent for the root's. A nested folder's rules
   * apply under it, as Cursor applies nested rules.
   */
  readonly folder?: string;
  /**
   * Called for each thing skipped rather than loaded, naming its path: a
   * symbolic link (links are not followed), a rules path that is a file, a
   * front matter key Cursor does not read (with its line and column).
   * Defaults to a process warning (`process.emitWarning`, code `FACTORY_SKIPPED_INSTRUCTIONS`).
   */
  readonly onWarning?: (warning: ValidationIssue) => void;
  /**
   * Whether a malformed rule file (bad front matter, a glob never closed, not
   * UTF-8, unreadable) is skipped, each of its problems passed to `onWarning`
   * with its line and column, while the other rules load (default false: the
   * problems of every file are thrown together).
   */
  readonly skipInvalid?: boolean;
}

/**
 * Emits a skipped instruction file as a process warning (`file:line:column:
 * message` when it has a place): what a loader does when its caller gave no `onWarning`.
 */
export function warnSkipped(warning: ValidationIssue): void {
  const place = [warning.file ?? "", warning.line, warning.column].filter((part) => part !== undefined);
  process.emitWarning(`${place.join(":")}: ${warning.message}`, { code: "FACTORY_SKIPPED_INSTRUCTIONS" });
}

/**
 * Loads every `*.mdc` file in a rules folder (`.cursor/rules`) and its
 * subfolders, sorted by path; problems of all files are reported together. A
 * missing folder has no rules. A rule in a subfolder of the rules folder has
 * its id prefixed by the subfolder (`frontend/react.mdc` is `frontend-react`).
 * The rules of a nested folder's `.cursor/rules` (option `folder`) apply under
 * that folder: their globs are taken relative to it, an always-applied rule
 * applies to `<folder>/**`, and their ids are prefixed by the folder.
 * Symbolic links are not followed: each is skipped with a warning naming it
 * (option `onWarning`), as is a rules path that is a file, and with
 * `skipInvalid` a malformed rule file.
 *
 * @throws ValidationError listing each bad file with file:line:column (a file
 * that is not UTF-8 or cannot be read included), unless `skipInvalid`.
 */
export function loadCursorRules(dir: string, options: LoadCursorRulesOptions = {}): InstructionStandard[] {
  checkArguments("loadCursorRules", {
    dir: [Text, dir],
    options: [
      strictInput({
        folder: z.string().optional(),
        onWarning: aFunction.optional(),
        skipInvalid: z.boolean().optional(),
      }).optional(),
      options,
    ],
  });
  const warn = options.onWarning ?? warnSkipped;
  const stats = statSync(dir, { throwIfNoEntry: false });
  if (stats === undefined) return [];
  if (!stats.isDirectory()) {
    warn({ path: "", file: dir, message: "is a file, not a folder of Cursor rules; skipped" });
    return [];
  }
  const folder = (options.folder ?? "").replace(/\\/g, "/").replace(/^\.?\/+|\/+$/g, "");
  const standards: InstructionStandard[] = [];
  const issues: ValidationIssue[] = [];
  for (const path of ruleFiles(dir, warn)) {
    const file = join(dir, path);
    try {
      const rule = parseCursorRule(readUtf8File(file, "cursor rule"), file, { onWarning: warn });
      const subfolder = path.split("/").slice(0, -1).join("-");
      standards.push(
        scoped(subfolder === "" ? rule : { ...rule, id: instructionId(`${subfolder}-${rule.id}`) }, folder),
      );
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...error.issues);
      else if (isFsError(error)) issues.push({ path: "", message: error.message, file });
      else throw error;
    }
  }
  if (options.skipInvalid === true) for (const issue of skippedFile(issues)) warn(issue);
  else if (issues.length > 0)
    throw new ValidationError({ message: formatIssues("cursor rules", issues), issues });
  return standards;
}

/**
 * The `.mdc` files under a rules folder, as `/`-separated paths relative to
 * it, sorted; each symbolic link is passed to `warn` instead.
 */
function ruleFiles(dir: string, warn: (warning: ValidationIssue) => void, prefix = ""): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isSymbolicLink()) {
      warn({
        path,
        file: join(dir, path),
        message: "is a symbolic link; links are not followed, so it was skipped",
      });
    } else if (entry.isDirectory()) paths.push(...ruleFiles(dir, warn, path));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith(".mdc")) paths.push(path);
  }
  return paths.sort();
}

/** An error from the file system (`EACCES`, `EISDIR`), whose message names the operation. */
function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

/** A rule of a nested folder's `.cursor/rules`, made to apply under that folder. */
function scoped(rule: InstructionStandard, folder: string): InstructionStandard {
  if (folder === "") return rule;
  const under = (glob: string) => `${folder}/${glob.replace(/^\.?\/+/, "")}`;
  return {
    ...rule,
    id: instructionId(`${folder}-${rule.id}`),
    globs: rule.alwaysApply ? [`${folder}/**`] : rule.globs.map(under),
    alwaysApply: false,
  };
}

/**
 * The `.mdc` text of a standard, as Cursor writes it: `globs` comma-separated
 * and unquoted (quoted only when they start with a character that YAML would
 * read otherwise, as `[abc]/**` or `"`), `alwaysApply` always present.
 *
 * @throws ValidationError when the standard is malformed, or a glob holds a comma outside braces (Cursor's list cannot; `*.{ts,tsx}` is one glob).
 */
export function formatCursorRule(standard: InstructionStandard): string {
  checkArguments("formatCursorRule", { standard: [InstructionStandardSchema, standard] });
  const valid = parseInput(InstructionStandardSchema, standard, `standard ${standard.id}`);
  const comma = valid.globs.findIndex((glob) => splitGlobs(glob).length > 1);
  if (comma !== -1) {
    const issues = [
      { path: `globs.${comma}`, message: `glob "${valid.globs[comma]}" holds a comma outside braces` },
    ];
    throw new ValidationError({ message: formatIssues(`standard ${valid.id}`, issues), issues });
  }
  const description =
    valid.description === undefined
      ? "description:"
      : stringify({ description: valid.description }, { lineWidth: 0 }).trimEnd();
  const globs = valid.globs.join(",");
  return [
    "---",
    description,
    `globs:${globs === "" ? "" : ` ${VERBATIM.test(`globs: ${globs}`) ? globs : JSON.stringify(globs)}`}`,
    `alwaysApply: ${valid.alwaysApply}`,
    "---",
    "",
    valid.instructions.trim(),
    "",
  ].join("\n");
}

/**
 * Writes each standard as `<dir>/<id>.mdc` (creating the folder); returns the
 * files written. Standards read through a CLAUDE.md's `@path` imports are
 * each a rule, and the `@` of their imports is dropped (see
 * {@link standardsForExport}).
 *
 * @throws ValidationError when a standard is malformed.
 */
export function exportCursorRules(standards: readonly InstructionStandard[], dir: string): string[] {
  checkArguments("exportCursorRules", {
    standards: [z.array(InstructionStandardSchema), standards],
    dir: [Text, dir],
  });
  const texts = standardsForExport(standards).map((standard) => [
    join(dir, `${standard.id}.mdc`),
    formatCursorRule(standard),
  ]);
  makeFolders(dir);
  for (const [file, text] of texts) writeFileSync(file as string, text as string);
  return texts.map(([file]) => file as string);
}
