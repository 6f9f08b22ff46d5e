/**
 * Advisory standards written as prose for agents and people (Cursor rules,
 * `AGENTS.md`, `CLAUDE.md`): nothing checks them, they apply by path.
 *
 * @module
 */

import { checkArguments } from "@software-factory/core";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { globMatcher } from "./glob.js";

/** Formats an instruction standard is read from and written to. */
export const InstructionFormatSchema = z.enum(["cursor", "agents-md", "claude-md"]);
/** A format of instruction standards: `cursor` (`.cursor/rules/*.mdc`), `agents-md` or `claude-md`. */
export type InstructionFormat = z.infer<typeof InstructionFormatSchema>;

/** An instruction standard, as every format maps to it. */
export const InstructionStandardSchema = z.object({
  /** Kebab-case id, unique among the standards (`testing-ci`). */
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "id is lowercase words joined by single hyphens (kebab-case)"),
  /** One line saying what the standard is about, when the source gives one. */
  description: z.string().trim().min(1, "description must not be empty").optional(),
  /** The markdown instructions themselves. */
  instructions: z.string(),
  /** Gitignore-style globs of the repository paths it applies to (ignored when `alwaysApply`). */
  globs: z.array(z.string().trim().min(1, "a glob must not be empty")),
  /** Whether it applies to every path, whatever the globs. */
  alwaysApply: z.boolean(),
  /** Where it was read from, when it was read from a file. */
  source: z
    .object({
      /** The file's format: `cursor`, `agents-md` or `claude-md`. */
      format: InstructionFormatSchema,
      /** Path of the file, as it was given to the loader. */
      file: z.string().min(1),
      /** 1-based line where the standard starts in the file. */
      line: z.number().int().min(1),
      /** For a file a CLAUDE.md imports (`@docs/testing.md`): the file and 1-based line of the import. */
      importedBy: z
        .object({
          /** Path of the importing file, as the loader was given it (or joined to it). */
          file: z.string().min(1),
          /** 1-based line of the `@path` import in it. */
          line: z.number().int().min(1),
        })
        .optional(),
    })
    .optional(),
});

/**
 * An advisory standard: markdown instructions that apply to every path
 * (`alwaysApply`) or to the paths its globs match. The one model behind
 * Cursor rules, `AGENTS.md` and `CLAUDE.md`:
 *
 * | model | `.cursor/rules/<id>.mdc` | `AGENTS.md` / `CLAUDE.md` |
 * | --- | --- | --- |
 * | `id` | file name without `.mdc` | heading, kebab-cased (prefixed by the folder of a nested file) |
 * | `description` | front matter `description` | the `##` heading |
 * | `instructions` | body | the section's text |
 * | `globs` | front matter `globs` (list or comma-separated) | an `Applies to:` first line, else `<folder>/**` for a nested file |
 * | `alwaysApply` | front matter `alwaysApply` | true for a root file's section without `Applies to:` |
 *
 * A file a CLAUDE.md imports (`@docs/testing.md`) is a standard of its own,
 * scoped like the importing section, its `source.importedBy` naming the
 * importing file and line.
 */
export type InstructionStandard = z.infer<typeof InstructionStandardSchema>;

/** What {@link standardAppliesTo} reads of a standard. */
const AppliesSchema = InstructionStandardSchema.pick({ globs: true, alwaysApply: true });

/** Kebab-case of a heading or file name (`Testing & CI` → `testing-ci`); `standard` when nothing is left. */
export function instructionId(text: string): string {
  checkArguments("instructionId", { text: [Text, text] });
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "standard" : slug;
}

/**
 * Whether a standard applies to a repository path: always when `alwaysApply`,
 * else when one of its globs matches. Globs follow gitignore style: `*` stays
 * within a folder, `**` crosses folders, `{a,b}` is either, and a glob without
 * `/` matches a file name at any depth (`*.ts`).
 */
export function standardAppliesTo(
  standard: Pick<InstructionStandard, "globs" | "alwaysApply">,
  path: string,
) {
  checkArguments("standardAppliesTo", { standard: [AppliesSchema, standard], path: [Text, path] });
  if (standard.alwaysApply) return true;
  const normalized = path
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
  return standard.globs.some((glob) => globMatcher(glob)(normalized));
}
