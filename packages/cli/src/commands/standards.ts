/**
 * `factory standards export`: the factory's instruction standards (a
 * repository's Cursor rules, AGENTS.md and CLAUDE.md sections) written as
 * Cursor rules or as one AGENTS.md, so each coding agent reads the same ones.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { NotFoundError } from "@software-factory/core";
import {
  formatAgentsMd,
  formatCursorRule,
  type InstructionStandard,
  standardsForExport,
} from "@software-factory/intelligence";
import { type Command, Option } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { entryAt, type PlannedFile, writeExportFiles } from "../exportFiles.js";
import { FolderFlag, parseFlag } from "../flags.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";
import { skippedInstructionWarnings } from "../skippedInstructions.js";

const FormatFlag = z.enum(["cursor", "agents-md"]);
const ToFlag = z.string().trim().min(1, "must not be empty");

/** The options of `factory standards export` as commander gives them. */
interface ExportFlags {
  readonly format: string;
  readonly to: string;
  readonly instructions: string;
  readonly force?: boolean;
}

/**
 * The files an export writes: one `<to>/<id>.mdc` per standard for Cursor;
 * for AGENTS.md the file `to`, or `<to>/AGENTS.md` when `to` is a folder or
 * was given as one, ending in a slash (titled by the file's name, so
 * `--to CLAUDE.md` makes a CLAUDE.md). Files a CLAUDE.md imports are written
 * as `standardsForExport` writes them there; `written` is how many standards
 * the files hold (a CLAUDE.md in place leaves the ones it imports out).
 */
function planFiles(
  standards: readonly InstructionStandard[],
  format: z.output<typeof FormatFlag>,
  to: { readonly path: string; readonly folder: boolean },
): { readonly files: PlannedFile[]; readonly written: number } {
  if (format === "cursor") {
    const exported = standardsForExport(standards);
    const files = exported.map((standard) => ({
      path: join(to.path, `${standard.id}.mdc`),
      text: formatCursorRule(standard),
    }));
    return { files, written: exported.length };
  }
  const file = to.folder || entryAt(to.path)?.isDirectory() === true ? join(to.path, "AGENTS.md") : to.path;
  return {
    files: [{ path: file, text: formatAgentsMd(standards, { title: basename(file), to: file }) }],
    written: standardsForExport(standards, { to: file }).length,
  };
}

/** Registers `factory standards export`. */
export function registerStandards(program: Command, context: CliContext): void {
  const standards = program
    .command("standards")
    .description("the factory's instruction standards (Cursor rules, AGENTS.md, CLAUDE.md)");

  standards
    .command("export")
    .description(
      "write the instruction standards as Cursor rules (<to>/<id>.mdc) or as one AGENTS.md; a file that holds other content is left alone unless --force",
    )
    .requiredOption(
      "--format <format>",
      "cursor (a .cursor/rules folder) or agents-md (an AGENTS.md or CLAUDE.md file)",
    )
    .requiredOption("--to <dir-or-file>", "the rules folder (cursor), or the file or its folder (agents-md)")
    .addOption(
      new Option(
        "--instructions <repo>",
        "the repository whose .cursor/rules, AGENTS.md and CLAUDE.md files hold the standards",
      ).default(".", "the current folder"),
    )
    .option("--force", "replace files that hold other content")
    .action(
      action(context, async ({ options, output }, flags) => {
        const given = flags as ExportFlags;
        const format = parseFlag(FormatFlag, given.format, "--format");
        const toFlag = parseFlag(ToFlag, given.to, "--to");
        const to = resolve(toFlag);
        const instructionsFrom = parseFlag(FolderFlag, given.instructions, "--instructions");
        if (format === "cursor" && entryAt(to)?.isFile() === true)
          throw new UsageError(`--to: ${to} is a file; --format cursor writes a folder of .mdc rules`);
        const [found, skipped] = await withFactory(
          options,
          async (factory) => [factory.standards.instructions(), factory.standards.skipped()] as const,
          { instructionsFrom },
        );
        for (const line of skippedInstructionWarnings(skipped, instructionsFrom)) output.error(line);
        if (found.length === 0)
          throw new NotFoundError({
            message: `no instruction standards to export: no .cursor/rules, AGENTS.md or CLAUDE.md in ${instructionsFrom} or its folders holds one (give the repository with --instructions)`,
            entity: "instruction standard",
            id: instructionsFrom,
            field: "--instructions",
          });
        // `--to docs/` names a folder even before it exists (resolve drops the slash).
        const planned = planFiles(found, format, { path: to, folder: /[\\/]$/.test(toFlag) });
        const written = writeExportFiles(planned.files, given.force === true);
        // A CLAUDE.md written next to the one it was read from leaves the files it imports to Claude Code.
        const throughImports = found.length - planned.written;
        if (options.json)
          return output.json({ format, standards: planned.written, throughImports, files: written });
        for (const file of written) output.line(`${file.status.padEnd(9)} ${file.path}`);
        const as = format === "cursor" ? "Cursor rules" : basename(planned.files[0]?.path ?? "AGENTS.md");
        const left = throughImports === 0 ? "" : `, ${throughImports} more read through its @imports`;
        output.line(`${counted(planned.written, "standard")} exported as ${as}${left}`);
      }),
    );
}
