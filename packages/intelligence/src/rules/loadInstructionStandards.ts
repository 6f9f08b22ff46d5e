/**
 * Every instruction file of a repository, read at once: Cursor rules,
 * `AGENTS.md` and `CLAUDE.md` files.
 *
 * @module
 */
import { readdirSync, type Stats, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import {
  aFunction,
  checkArguments,
  formatIssues,
  strictInput,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { readUtf8File } from "../internal/utf8File.js";
import { loadAgentsMd, parseAgentsMd } from "./agentsMd.js";
import { withClaudeImports } from "./claudeImports.js";
import { loadClaudeRules } from "./claudeRules.js";
import { loadCursorRules, warnSkipped } from "./cursorRules.js";
import { skippedFile } from "./frontMatter.js";
import type { InstructionStandard } from "./InstructionStandard.js";

/** Folders never searched for instruction files. */
const SKIPPED = new Set(["node_modules", "dist", "build", "out", "target", "vendor", "coverage"]);

const INSTRUCTION_FILES = ["AGENTS.md", "CLAUDE.md"];

/** Options of {@link loadInstructionStandards}. */
export interface LoadInstructionStandardsOptions {
  /**
   * Called for each instruction file skipped rather than loaded, naming its
   * path: an `AGENTS.md` or `CLAUDE.md` that is a folder, a symbolic link in
   * a `.cursor/rules` folder, a CLAUDE.md `@path` import not followed (with
   * its line and column), with `skipInvalid` each problem of a malformed
   * file. Defaults to a process warning (`process.emitWarning`,
   * code `FACTORY_SKIPPED_INSTRUCTIONS`).
   */
  readonly onWarning?: (warning: ValidationIssue) => void;
  /**
   * Whether a malformed instruction file (a Cursor or Claude rule whose front
   * matter is not YAML, a glob never closed, an `Applies to:` line without a
   * glob, a file that is not UTF-8 or cannot be read) is skipped, each of its
   * problems passed to `onWarning` with its file, line and column, while the
   * other files load: what a reader serving the instructions wants (as
   * `openFactory({ instructionsFrom })` does). Default false: the problems of
   * every file are thrown together.
   */
  readonly skipInvalid?: boolean;
}

/**
 * Reads a repository's instruction standards: the Cursor rules of
 * `.cursor/rules` at the root and its `.cursorrules` (Cursor's older single
 * file, which it still applies always: one standard, `cursorrules`), then from the root down every `AGENTS.md`,
 * `CLAUDE.md` and `.claude/CLAUDE.md` (which Claude Code reads as the
 * folder's `CLAUDE.md`), the root's Claude Code rules (`.claude/rules/**` `.md`
 * files: their front matter's `paths` are their globs; without, they always
 * apply), and every nested folder's `.cursor/rules` (skipping
 * hidden folders, `node_modules`, `dist`, `build`, `out`, `target`, `vendor`,
 * `coverage`), a nested file's sections and a nested folder's rules applying
 * under that folder. An id
 * taken by an earlier standard gets `-2`, `-3`, so none is lost. The problems
 * of every file are reported together. An `AGENTS.md` or `CLAUDE.md` that is
 * a folder is skipped with a warning (option `onWarning`). A CLAUDE.md's
 * `@path` imports are followed as {@link loadAgentsMd} follows them, but for
 * a file this loader reads anyway (`@AGENTS.md`), which is not repeated: the
 * imports written in it are followed as Claude Code follows them (CLAUDE.md →
 * AGENTS.md → `@docs/x.md`, AGENTS.md counting as a hop), scoped like the
 * CLAUDE.md section importing it. An AGENTS.md that no CLAUDE.md imports is
 * read without following `@` (Codex and other AGENTS.md readers do not).
 * With `skipInvalid`, a malformed file is skipped with a warning instead.
 *
 * @throws ValidationError listing each bad file with file:line:column (a file
 * that cannot be read included, by its path), unless `skipInvalid`.
 */
export function loadInstructionStandards(
  root: string,
  options: LoadInstructionStandardsOptions = {},
): InstructionStandard[] {
  checkArguments("loadInstructionStandards", {
    root: [Text, root],
    options: [
      strictInput({ onWarning: aFunction.optional(), skipInvalid: z.boolean().optional() }).optional(),
      options,
    ],
  });
  const onWarning = options.onWarning ?? warnSkipped;
  const skipInvalid = options.skipInvalid === true;
  const standards: InstructionStandard[] = [];
  const issues: ValidationIssue[] = [];
  const collect = (file: string, load: () => InstructionStandard[]) => {
    try {
      standards.push(...load());
    } catch (error) {
      const found =
        error instanceof ValidationError
          ? error.issues
          : isFsError(error)
            ? [{ path: "", message: error.message, file }]
            : undefined;
      if (found === undefined) throw error;
      if (skipInvalid) for (const issue of skippedFile(found)) onWarning(issue);
      else issues.push(...found);
    }
  };
  const rulesOf = (dir: string) => join(dir, ".cursor", "rules");
  collect(rulesOf(root), () => loadCursorRules(rulesOf(root), { onWarning, skipInvalid }));
  const legacy = join(root, ".cursorrules");
  if (statIfThere(legacy)?.isFile()) collect(legacy, () => cursorrulesFile(legacy));
  const visit = (dir: string) => {
    const folder = relative(root, dir);
    if (dir !== root)
      collect(rulesOf(dir), () => loadCursorRules(rulesOf(dir), { folder, onWarning, skipInvalid }));
    // Claude Code reads a folder's CLAUDE.md from .claude/CLAUDE.md too: its sections apply as the folder's own.
    const dotClaude = join(dir, ".claude", "CLAUDE.md");
    for (const file of [...INSTRUCTION_FILES.map((name) => join(dir, name)), dotClaude]) {
      const stats = file === dotClaude ? statIfThere(file) : statSync(file, { throwIfNoEntry: false });
      if (stats?.isFile()) {
        collect(file, () => {
          if (file !== dotClaude && basename(file) !== "CLAUDE.md") return loadAgentsMd(file, { root });
          const text = readUtf8File(file, "CLAUDE.md");
          const standards = parseAgentsMd(text, file, { folder, format: "claude-md" });
          const readAnyway = (path: string) => isInstructionFile(root, path);
          return withClaudeImports(standards, text, file, { root, onWarning, readAnyway });
        });
      } else if (stats !== undefined) {
        const what = stats.isDirectory() ? "a folder" : "not a regular file";
        onWarning({ path: "", file, message: `is ${what}, not an instruction file; skipped` });
      }
    }
    const claudeRules = join(dir, ".claude", "rules");
    if (dir === root && statIfThere(claudeRules)?.isDirectory()) {
      collect(claudeRules, () => loadClaudeRules(claudeRules, onWarning, skipInvalid));
    }
    const folders = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !SKIPPED.has(entry.name))
      .map((entry) => entry.name)
      .sort();
    for (const folder of folders) visit(join(dir, folder));
  };
  visit(root);
  if (issues.length > 0) {
    throw new ValidationError({ message: formatIssues("instruction files", issues), issues });
  }
  const taken = new Set<string>();
  return standards.map((standard) => {
    let id = standard.id;
    for (let n = 2; taken.has(id); n++) id = `${standard.id}-${n}`;
    taken.add(id);
    return id === standard.id ? standard : { ...standard, id };
  });
}

/**
 * The standard of a root `.cursorrules`, Cursor's older single rules file,
 * which it still applies to every request: its whole text, always applied;
 * none when it is blank.
 */
function cursorrulesFile(file: string): InstructionStandard[] {
  const instructions = readUtf8File(file, ".cursorrules")
    .replace(/^\uFEFF/, "")
    .trim();
  if (instructions === "") return [];
  return [
    {
      id: "cursorrules",
      instructions,
      globs: [],
      alwaysApply: true,
      source: { format: "cursor", file, line: 1 },
    },
  ];
}

/**
 * Whether a file is one this loader reads as instructions of its own (an
 * `AGENTS.md` or `CLAUDE.md` in a folder it searches, `.claude/CLAUDE.md`, a
 * root `.claude/rules` file or `.cursorrules`, a `.cursor/rules` rule), so
 * that a CLAUDE.md importing it (`@AGENTS.md`) does not repeat it.
 */
function isInstructionFile(root: string, file: string): boolean {
  const parts = relative(resolve(root), file).split(/[\\/]/);
  const name = parts.at(-1) ?? "";
  const searched = (folders: readonly string[]) =>
    folders.every((folder) => !folder.startsWith(".") && !SKIPPED.has(folder));
  if (INSTRUCTION_FILES.includes(name)) {
    const folders = parts.slice(0, -1);
    if (searched(folders)) return true;
    return name === "CLAUDE.md" && folders.at(-1) === ".claude" && searched(folders.slice(0, -1));
  }
  if (parts.length === 1 && name === ".cursorrules") return true;
  if (parts[0] === ".claude" && parts[1] === "rules") return name.toLowerCase().endsWith(".md");
  const rules = parts.findIndex((part, index) => part === ".cursor" && parts[index + 1] === "rules");
  return rules !== -1 && searched(parts.slice(0, rules)) && name.toLowerCase().endsWith(".mdc");
}

/** The file's stats; none when it or a folder on its way (`.claude` a file) is missing. */
function statIfThere(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** An error from the file system (`EACCES`, `EISDIR`), whose message leaves out the file. */
function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}
