/**
 * Claude Code's `@path` imports in CLAUDE.md: each imported file becomes a
 * standard of its own, scoped like the section that imports it and naming
 * the file and line that imported it. Internal to the package.
 *
 * @module
 */
import { realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ValidationError, type ValidationIssue } from "@software-factory/core";
import { errorText } from "../internal/errorText.js";
import { readUtf8File } from "../internal/utf8File.js";
import { type InstructionStandard, instructionId } from "./InstructionStandard.js";
import { findAttachedImports, findImports, type Import } from "./importWords.js";

/** How many hops of imports Claude Code follows from a CLAUDE.md (CLAUDE.md → a → b → c → d → e). */
export const MAX_IMPORT_HOPS = 5;
/** The most bytes an imported file may hold to be read: 1 MiB, as a SKILL.md; past it, the import is warned and skipped. */
const MAX_IMPORT_BYTES = 1024 * 1024;
/** A path that is a URL (`https://...`, `file:///...`), which Claude Code does not fetch. */
const URL_LIKE = /^[a-z][a-z\d+.-]*:\/\//i;
/** A path ending in punctuation that closes a sentence or a bracket (`docs/git.md.`, `docs/git.md),`). */
const TRAILING_PUNCTUATION = /^(.*?[^.,;:!?)\]}'"])([.,;:!?)\]}'"]+)$/;

/** Where the imports of a CLAUDE.md are followed from, and where their problems go. */
export interface ImportContext {
  /** The repository root: a file outside it is not read. */
  readonly root: string;
  /** Called for each import not followed, naming the importing file, line and column. */
  readonly onWarning: (warning: ValidationIssue) => void;
  /**
   * Whether a file is read as instructions of its own anyway (`@AGENTS.md`), so importing it would
   * repeat it: its text is not made a standard again, but the imports written in it are followed
   * (but for a CLAUDE.md's, followed where it is read).
   */
  readonly readAnyway?: (file: string) => boolean;
}

/**
 * The standards of a CLAUDE.md with the files it imports: after each section,
 * a standard per file its text imports (and per file those import, up to
 * {@link MAX_IMPORT_HOPS} hops), with that section's globs and `alwaysApply`,
 * the file's whole text as instructions, its repository path as description,
 * and `source.importedBy` naming the importing file and line. A file that
 * `readAnyway` says is read as its own (`@AGENTS.md`) is not repeated, but its
 * imports are followed as Claude Code follows them, counting it as a hop. A
 * file is imported once; one that is missing, a folder, a URL, outside the
 * root (a link out of it included), in the home folder (`@~/...`: not the
 * same on every machine), over 1 MiB, not UTF-8, past the
 * hop limit, or importing itself back is not read, and passed to `onWarning`
 * at the line and column of its import. Imports are found as Claude Code
 * finds them: not in code spans, fences or indented code blocks. An `@path`
 * right after a bracket, quote or emphasis mark (`(@docs/git.md)`), which
 * Claude Code does not import, is passed to `onWarning` when it names a file
 * of the repository.
 */
export function withClaudeImports(
  standards: readonly InstructionStandard[],
  text: string,
  file: string,
  context: ImportContext,
): InstructionStandard[] {
  const root = resolve(context.root);
  const realRoot = realpathOr(root);
  const outside = (from: string, at: string) => {
    const inRoot = relative(from, at);
    return /^\.\.(?:[\\/]|$)/.test(inRoot) || isAbsolute(inRoot);
  };
  // `(@docs/git.md)` is no import for Claude Code: said when it names a file of the repository, which looks meant.
  const warnAttached = (importer: string, text: string) => {
    for (const { path, line, column } of findAttachedImports(text)) {
      const bare = TRAILING_PUNCTUATION.exec(path)?.[1] ?? path;
      const target = resolve(importTarget(importer, bare));
      if (bare.startsWith("~/") || outside(root, target)) continue;
      if (statSync(target, { throwIfNoEntry: false })?.isFile() !== true) continue;
      context.onWarning({
        path: `@${path}`,
        file: importer,
        line,
        column,
        message: `names ${bare} right after another character, where Claude Code reads no import (only at the start of a line or after a space), so it is not imported; put a space before the @ to import it, or write it in backquotes`,
      });
    }
  };
  const seen = new Set<string>();
  const taken = new Set(standards.map((standard) => standard.id));
  const follow = (
    importer: string,
    imports: readonly Import[],
    scope: InstructionStandard,
    chain: readonly string[],
    into: InstructionStandard[],
  ) => {
    for (const { path, line, column, written } of imports) {
      const warn = (message: string) =>
        context.onWarning({ path: `@${path}`, file: importer, line, column, message });
      if (path.startsWith("~/")) {
        warn(
          `imports "${path}" from the home folder, which is not read: a factory's standards must be the same on every machine`,
        );
        continue;
      }
      if (URL_LIKE.test(path)) {
        warn(
          `imports "${path}", a URL: Claude Code imports files only, so nothing was imported (write it without @, or in backquotes)`,
        );
        continue;
      }
      const target = importTarget(importer, path);
      if (outside(root, resolve(target))) {
        warn(`imports "${path}", which is outside the repository root ${context.root}; not read`);
        continue;
      }
      const stats = statSync(target, { throwIfNoEntry: false });
      if (stats === undefined || !stats.isFile()) {
        const what =
          stats === undefined
            ? "not a file in the repository"
            : stats.isDirectory()
              ? "a folder"
              : "not a regular file";
        warn(
          `imports "${path}", which is ${what}; nothing was imported${missingHint(importer, path, written)}`,
        );
        continue;
      }
      const real = realpathSync(target);
      if (outside(realRoot, real)) {
        warn(`imports "${path}", a link to ${real}, outside the repository root ${context.root}; not read`);
        continue;
      }
      if (chain.includes(real)) {
        warn(`imports "${path}", which is already on this chain of imports (a cycle); it is read once`);
        continue;
      }
      if (seen.has(real)) continue;
      // A file read as instructions of its own is not repeated, but Claude Code follows the imports
      // written in it (CLAUDE.md → @AGENTS.md → @docs/x.md); a CLAUDE.md read anyway follows its own.
      const own = context.readAnyway?.(resolve(target)) === true;
      if (own && (chain.length > MAX_IMPORT_HOPS || /^claude\.md$/i.test(basename(target)))) continue;
      if (chain.length > MAX_IMPORT_HOPS) {
        warn(
          `imports "${path}" more than ${MAX_IMPORT_HOPS} hops from ${file}, past the depth Claude Code follows; not read`,
        );
        continue;
      }
      if (!own && stats.size > MAX_IMPORT_BYTES) {
        warn(
          `imports "${path}", which is ${stats.size.toLocaleString("en")} bytes, over the ${MAX_IMPORT_BYTES.toLocaleString("en")} an imported file may hold; not read`,
        );
        continue;
      }
      let body: string;
      try {
        body = readUtf8File(target, "imported file").replace(/^\uFEFF/, "");
      } catch (error) {
        // The problems of a file read anyway are reported where it is read as its own.
        if (own) continue;
        if (error instanceof ValidationError) {
          for (const issue of error.issues) {
            const where = issue.line === undefined ? "" : `at line ${issue.line}, column ${issue.column} `;
            warn(`imports "${path}", which ${where}${issue.message}; not read`);
          }
        } else warn(`imports "${path}", which cannot be read: ${errorText(error)}`);
        continue;
      }
      seen.add(real);
      warnAttached(target, body);
      if (own) {
        follow(target, findImports(body), scope, [...chain, real], into);
        continue;
      }
      const where = relative(root, resolve(target)).split("\\").join("/");
      const base = instructionId(where.replace(/\.md$/i, ""));
      let id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
      taken.add(id);
      into.push({
        id,
        description: where,
        instructions: body.trim(),
        globs: scope.globs,
        alwaysApply: scope.alwaysApply,
        source: { format: "claude-md", file: target, line: 1, importedBy: { file: importer, line } },
      });
      follow(target, findImports(body), scope, [...chain, real], into);
    }
  };
  // Each import belongs to the section it is written in: the last one starting at or before its line.
  const bySection = new Map<InstructionStandard, Import[]>();
  for (const found of findImports(text)) {
    const section =
      standards.findLast((standard) => (standard.source?.line ?? 1) <= found.line) ?? standards[0];
    if (section !== undefined) bySection.set(section, [...(bySection.get(section) ?? []), found]);
  }
  warnAttached(file, text);
  const top = [realpathOr(file)];
  return standards.flatMap((standard) => {
    const into: InstructionStandard[] = [];
    follow(file, bySection.get(standard) ?? [], standard, top, into);
    return [standard, ...into];
  });
}

/**
 * What to add to the warning for an import of a missing file or a folder: that
 * a backslash cut the path short (`@docs\git.md` imports `docs`), that the
 * punctuation after it is read as part of it (`@docs/git.md.` names
 * `docs/git.md.`) when the path without it is a file, or else to write the
 * word in backquotes if it is not an import (`@types/node` in prose).
 */
function missingHint(importer: string, path: string, written: string | undefined): string {
  if (written !== undefined) {
    return ` (Claude Code ends a path at a backslash, so "@${written}" imports "${path}": write the path with /)`;
  }
  const punctuated = TRAILING_PUNCTUATION.exec(path);
  if (punctuated !== null) {
    const bare = punctuated[1] as string;
    const after = punctuated[2] as string;
    if (statSync(importTarget(importer, bare), { throwIfNoEntry: false })?.isFile() === true) {
      return ` (${bare} is a file, but Claude Code reads the "${after}" after it as part of the path: put a space before "${after}")`;
    }
  }
  return " (write it in backquotes if it is not an import)";
}

/** The file an import of `path` written in `importer` names: relative to the importing file's folder, unless absolute. */
export function importTarget(importer: string, path: string): string {
  return isAbsolute(path) ? path : join(dirname(importer), path);
}

/** The real path of a file or folder (links resolved), or its absolute path when it does not exist. */
function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
