/**
 * What an export writes of standards read through CLAUDE.md `@path` imports,
 * so that no reader of the export reads an imported text twice.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { checkArguments, strictInput } from "@software-factory/core";
import { z } from "zod";
import { importTarget } from "./claudeImports.js";
import { type InstructionStandard, InstructionStandardSchema } from "./InstructionStandard.js";
import { findImports, type Import } from "./importWords.js";

/** Options of {@link standardsForExport}. */
export interface StandardsForExportOptions {
  /**
   * The file the standards are written to. A `CLAUDE.md` keeps the `@path`
   * imports that name the same file from there as from where they were read
   * (exports are written where they were imported from, the repository's
   * own CLAUDE.md), and leaves out the standards of the files they import:
   * Claude Code reads those through the import. Any other file, or none
   * given, writes every imported text.
   */
  readonly to?: string;
}

/** An import in a standard's text of a file that another exported standard was read from. */
interface ExportedImport extends Import {
  /** The imported file, resolved. */
  readonly target: string;
}

const OptionsSchema = strictInput({ to: z.string().min(1).optional() }).optional();

/**
 * The standards an export writes, for standards loaded from CLAUDE.md files
 * and the files they import (`@docs/git.md`, each a standard of its own).
 * Written to a `CLAUDE.md` (option `to`), an import that names the same file
 * from the export as from the file it was read from stays an import, and the
 * standards of the file it imports (and of the files that one imports) are
 * left out: Claude Code reads them through the import, and reading the
 * export back gives them from their files again. Everywhere else (an
 * `AGENTS.md`, Cursor rules, a CLAUDE.md in another folder) the imported
 * texts are written as standards of their own, and the `@` of each import of
 * them is dropped (`@docs/git.md` reads `docs/git.md`): the text still names
 * the file, but no reader that follows `@` mentions reads it a second time or
 * looks for it where the export was written. The imports of a file a
 * CLAUDE.md imports, directly or through other files (an `AGENTS.md` holding
 * `@docs/x.md`), are treated the same, whatever its format. Standards without
 * such imports are returned as they are.
 *
 * @throws ValidationError when a standard is malformed.
 */
export function standardsForExport(
  standards: readonly InstructionStandard[],
  options: StandardsForExportOptions = {},
): InstructionStandard[] {
  checkArguments("standardsForExport", {
    standards: [z.array(InstructionStandardSchema), standards],
    options: [OptionsSchema, options],
  });
  const to = options.to === undefined ? undefined : resolve(options.to);
  const fileOf = (standard: InstructionStandard) =>
    standard.source === undefined ? undefined : resolve(standard.source.file);
  const files = new Set(standards.map(fileOf).filter((file) => file !== undefined));
  const importsIn = (standard: InstructionStandard, from: string): ExportedImport[] =>
    findImports(standard.instructions).flatMap((found) => {
      if (found.path.startsWith("~/")) return [];
      const target = resolve(importTarget(from, found.path));
      return target !== from && files.has(target) ? [{ ...found, target }] : [];
    });
  // Claude Code follows the imports of a CLAUDE.md and of every file it imports, whatever its format (an AGENTS.md).
  const followed = new Set<string>();
  const reached = standards.flatMap((standard) => {
    const from = fileOf(standard);
    return from === undefined || standard.source?.format !== "claude-md" ? [] : importsIn(standard, from);
  });
  for (let next = reached.pop(); next !== undefined; next = reached.pop()) {
    if (followed.has(next.target)) continue;
    followed.add(next.target);
    for (const standard of standards)
      if (fileOf(standard) === next.target) reached.push(...importsIn(standard, next.target));
  }
  const importsOf = (standard: InstructionStandard): ExportedImport[] => {
    const from = fileOf(standard);
    if (from === undefined || (standard.source?.format !== "claude-md" && !followed.has(from))) return [];
    return importsIn(standard, from);
  };
  // Claude Code follows the imports of a CLAUDE.md: one that names the same file from the export is kept.
  const kept = ({ path, target }: ExportedImport) =>
    to !== undefined &&
    /^claude\.md$/i.test(basename(to)) &&
    target !== to &&
    resolve(importTarget(to, path)) === target;
  const throughImports = new Set<string>();
  const pending = standards.flatMap((standard) => importsOf(standard).filter(kept));
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (throughImports.has(next.target) || next.target === to) continue;
    throughImports.add(next.target);
    // A file read through an import is read as it is on disk: its own imports are followed from it.
    for (const standard of standards)
      if (fileOf(standard) === next.target) pending.push(...importsOf(standard));
  }
  return standards.flatMap((standard) => {
    const file = fileOf(standard);
    if (file !== undefined && throughImports.has(file)) return [];
    const inlined = importsOf(standard).filter((found) => !kept(found));
    return [
      inlined.length === 0
        ? standard
        : { ...standard, instructions: withoutAt(standard.instructions, inlined) },
    ];
  });
}

/** The text with the `@` of each import dropped, so that it names the file without importing it. */
function withoutAt(text: string, imports: readonly Import[]): string {
  const lines = text.split(/(?<=\n)/);
  const last = [...imports].sort((a, b) => b.line - a.line || b.column - a.column);
  for (const { line, column } of last) {
    const at = lines[line - 1] as string;
    lines[line - 1] = at.slice(0, column - 1) + at.slice(column);
  }
  return lines.join("");
}
