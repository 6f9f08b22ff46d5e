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
import { outsideFences } from "./fences.js";
import { type InstructionStandard, instructionId } from "./InstructionStandard.js";

/** How many hops of imports Claude Code follows from a CLAUDE.md (CLAUDE.md → a → b → c → d → e). */
export const MAX_IMPORT_HOPS = 5;

/**
 * An import as Claude Code finds it: `@` at the start of a line or after
 * whitespace, then a path up to the next whitespace (`\ ` is a space in it).
 */
const IMPORT = /(^|\s)@((?:[^\s\\]|\\ )+)/g;
/** A code span, whose text is not searched for imports: backquotes, text, as many backquotes. */
const CODE_SPAN = /(`+)[^`]*?\1/g;

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

/** An `@path` import in a file's text. */
export interface Import {
  /** The path as written, `\ ` read as a space. */
  readonly path: string;
  /** 1-based line of its `@`. */
  readonly line: number;
  /** 1-based column of its `@`. */
  readonly column: number;
}

/**
 * The standards of a CLAUDE.md with the files it imports: after each section,
 * a standard per file its text imports (and per file those import, up to
 * {@link MAX_IMPORT_HOPS} hops), with that section's globs and `alwaysApply`,
 * the file's whole text as instructions, its repository path as description,
 * and `source.importedBy` naming the importing file and line. A file that
 * `readAnyway` says is read as its own (`@AGENTS.md`) is not repeated, but its
 * imports are followed as Claude Code follows them, counting it as a hop. A
 * file is imported once; one that is missing, a folder, outside the root, in the home
 * folder (`@~/...`: not the same on every machine), past the hop limit, or
 * importing itself back is not read, and passed to `onWarning` at the line
 * and column of its import.
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
  const seen = new Set<string>();
  const taken = new Set(standards.map((standard) => standard.id));
  const follow = (
    importer: string,
    imports: readonly Import[],
    scope: InstructionStandard,
    chain: readonly string[],
    into: InstructionStandard[],
  ) => {
    for (const { path, line, column } of imports) {
      const warn = (message: string) =>
        context.onWarning({ path: `@${path}`, file: importer, line, column, message });
      if (path.startsWith("~/")) {
        warn(
          `imports "${path}" from the home folder, which is not read: a factory's standards must be the same on every machine`,
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
        warn(
          `imports "${path}", which is ${stats === undefined ? "not a file in the repository" : "a folder"}; nothing was imported (write it in backquotes if it is not an import)`,
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
      let body: string;
      try {
        body = readUtf8File(target, "imported file").replace(/^\uFEFF/, "");
      } catch (error) {
        // The problems of a file read anyway are reported where it is read as its own.
        if (own) continue;
        if (error instanceof ValidationError) for (const issue of error.issues) context.onWarning(issue);
        else warn(`imports "${path}", which cannot be read: ${errorText(error)}`);
        continue;
      }
      seen.add(real);
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
  const top = [realpathOr(file)];
  return standards.flatMap((standard) => {
    const into: InstructionStandard[] = [];
    follow(file, bySection.get(standard) ?? [], standard, top, into);
    return [standard, ...into];
  });
}

/** The file an import of `path` written in `importer` names: relative to the importing file's folder, unless absolute. */
export function importTarget(importer: string, path: string): string {
  return isAbsolute(path) ? path : join(dirname(importer), path);
}

/**
 * The `@path` imports of a markdown text, as Claude Code reads them: not in
 * code fences or code spans, and only paths that start as a path does
 * (`./`, `~/`, `/`, a letter, digit, `.`, `_` or `-`: not `@@` or `@#`).
 */
export function findImports(text: string): Import[] {
  const lines = text.split(/\r?\n/);
  const prose = outsideFences(lines);
  const imports: Import[] = [];
  lines.forEach((line, index) => {
    if (prose[index] !== true || !line.includes("@")) return;
    const visible = line.replace(CODE_SPAN, (span) => " ".repeat(span.length));
    for (const match of visible.matchAll(IMPORT)) {
      const path = (match[2] as string).replace(/\\ /g, " ");
      if (!/^(?:\.\/|~\/|\/.|[\p{L}\p{N}._-])/u.test(path)) continue;
      imports.push({ path, line: index + 1, column: (match.index ?? 0) + (match[1] as string).length + 1 });
    }
  });
  return imports;
}

/** The real path of a file or folder (links resolved), or its absolute path when it does not exist. */
function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
