/**
 * Claude Code's project rules (`.claude/rules/**\/*.md`): markdown files, each
 * with optional YAML front matter whose `paths` scopes it to the files its
 * globs match; a rule without `paths` applies always, as CLAUDE.md does.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatIssues, inPlainWords, ValidationError, type ValidationIssue } from "@software-factory/core";
import { z } from "zod";
import { readUtf8File } from "../internal/utf8File.js";
import { globAt, invalidRule, readFrontMatter, skippedFile } from "./frontMatter.js";
import { braceProblem } from "./glob.js";
import { type InstructionStandard, instructionId } from "./InstructionStandard.js";

/** The front matter Claude Code reads in a rule: `paths`, one glob or a list of them. */
const ClaudeRuleFrontMatterSchema = z.object({
  paths: z
    .union([z.string(), z.array(z.string())], { error: "paths is a glob or a list of globs" })
    .nullable()
    .optional(),
});

/** A `paths:` line whose value is unquoted, read verbatim (`paths: **\/*.ts` would be a YAML alias). */
const VERBATIM = /^(paths:[ \t]*)([^\s"'[|>].*?)[ \t]*$/;

/**
 * Loads the rules of a `.claude/rules` folder and its subfolders, sorted by
 * path: each `.md` file is a standard (format `claude-md`) whose id is its
 * path without `.md`, prefixed by `claude-rules` (`frontend/react.md` is
 * `claude-rules-frontend-react`), whose globs are its `paths`, and which
 * always applies when it has none. Other front matter keys are ignored, as
 * Claude Code ignores them, each passed to `warn` with its line and column.
 * A missing folder has no rules; symbolic links are not followed. With
 * `skipInvalid`, a malformed file is left out, its problems passed to `warn`.
 *
 * @throws ValidationError listing each bad file with file:line:column (bad YAML, a `paths` that is not globs, a glob whose braces do not balance, front matter never closed), unless `skipInvalid`.
 */
export function loadClaudeRules(
  dir: string,
  warn: (warning: ValidationIssue) => void,
  skipInvalid = false,
): InstructionStandard[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  const standards: InstructionStandard[] = [];
  const issues: ValidationIssue[] = [];
  for (const path of ruleFiles(dir)) {
    const file = join(dir, path);
    try {
      standards.push(parseClaudeRule(readUtf8File(file, "Claude rule"), file, path, warn));
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...error.issues);
      else throw error;
    }
  }
  if (skipInvalid) for (const issue of skippedFile(issues)) warn(issue);
  else if (issues.length > 0)
    throw new ValidationError({ message: formatIssues("Claude rules", issues), issues });
  return standards;
}

function parseClaudeRule(
  text: string,
  file: string,
  path: string,
  warn: (warning: ValidationIssue) => void,
): InstructionStandard {
  const source = text.replace(/^\uFEFF/, "");
  const lines = source.split(/\r?\n/);
  const id = instructionId(`claude-rules ${path.replace(/\.md$/i, "").split("/").join(" ")}`);
  const at = { format: "claude-md" as const, file, line: 1 };
  const always = (instructions: string): InstructionStandard => ({
    id,
    instructions: instructions.trim(),
    globs: [],
    alwaysApply: true,
    source: at,
  });
  const frontMatter = readFrontMatter(lines, VERBATIM, file, "Claude rule");
  if (frontMatter === undefined) return always(source);
  const { fields: front, close, keyAt } = frontMatter;
  const parsed = ClaudeRuleFrontMatterSchema.safeParse(front);
  if (!parsed.success) {
    throw invalidRule(
      "Claude rule",
      file,
      parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: inPlainWords(issue),
        ...keyAt(String(issue.path[0] ?? ""), false),
      })),
    );
  }
  for (const key of Object.keys(front).filter((key) => key !== "paths")) {
    warn({
      path: key,
      file,
      message: `unknown key "${key}" ignored, as Claude Code ignores it; a Claude rule has paths`,
      ...keyAt(key, true),
    });
  }
  const body = lines.slice(close + 1).join("\n");
  const { paths } = parsed.data;
  const globs = (typeof paths === "string" ? [paths] : (paths ?? []))
    .map((glob) => glob.trim())
    .filter((glob) => glob !== "");
  const unbalanced = globs.flatMap((glob, index) => {
    const message = braceProblem(glob);
    return message === undefined
      ? []
      : [{ path: `paths.${index}`, message, ...globAt(lines, glob, keyAt("paths")) }];
  });
  if (unbalanced.length > 0) throw invalidRule("Claude rule", file, unbalanced);
  if (globs.length === 0) return always(body);
  return { id, instructions: body.trim(), globs, alwaysApply: false, source: at };
}

/** The `.md` files under a rules folder, as `/`-separated paths relative to it, sorted; links are not followed. */
function ruleFiles(dir: string, prefix = ""): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) paths.push(...ruleFiles(dir, path));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith(".md")) paths.push(path);
  }
  return paths.sort();
}
