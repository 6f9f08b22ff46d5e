/**
 * `AGENTS.md` and `CLAUDE.md`: markdown files of instructions for coding
 * agents. Each section becomes an {@link InstructionStandard}; standards are
 * written back as one file of sections.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
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
import { parseInput } from "../internal/parse.js";
import { readUtf8File } from "../internal/utf8File.js";
import { withClaudeImports } from "./claudeImports.js";
import { warnSkipped } from "./cursorRules.js";
import { openFence, outsideFences } from "./fences.js";
import {
  type InstructionFormat,
  type InstructionStandard,
  InstructionStandardSchema,
  instructionId,
} from "./InstructionStandard.js";
import { standardsForExport } from "./standardsForExport.js";

/** Options of {@link parseAgentsMd}. */
export interface ParseAgentsMdOptions {
  /**
   * Folder of the file relative to the repository root (`packages/web`; empty
   * or absent for the root). A nested file's sections apply under its folder.
   */
  readonly folder?: string;
  /** Which format the file is (default from the file name: `claude-md` for `CLAUDE.md`, else `agents-md`). */
  readonly format?: Extract<InstructionFormat, "agents-md" | "claude-md">;
}

/** The arguments' shapes, so a JavaScript caller's wrong type is refused naming it. */
const ParseOptionsSchema = strictInput({
  folder: z.string().optional(),
  format: z.enum(["agents-md", "claude-md"]).optional(),
}).optional();
const LoadOptionsSchema = strictInput({
  root: z.string().optional(),
  onWarning: aFunction.optional(),
}).optional();
const FormatOptionsSchema = strictInput({
  title: z.string().optional(),
  to: z.string().min(1).optional(),
}).optional();
const ExportOptionsSchema = strictInput({ title: z.string().optional() }).optional();
const Standards = z.array(InstructionStandardSchema);

const APPLIES_TO = /^Applies to:(.*)$/;
/**
 * A `#` or `##` heading: where a section starts. Its text ends before a
 * closing run of `#`s only when a space or tab comes before the run, as in
 * CommonMark (`## Setup ##` is `Setup`, `## Working with C#` keeps its `#`).
 */
const SECTION_HEADING = /^(#{1,2})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
/** Heading text whose end a reader would take for a closing run of `#`s (`Issue #`). */
const CLOSING_RUN = /(?:^|[ \t])#+$/;
/** An ATX heading of any level, its `#`s captured. */
const ANY_HEADING = /^(#{1,6})(?=[ \t]|$)/;
/** What an `Applies to:` line says for a standard with no globs that does not always apply. */
const ON_REQUEST = "on request";

/**
 * Parses an `AGENTS.md` or `CLAUDE.md`. Sections start at `#` and `##`
 * headings outside code fences (a leading `#` title only names the file);
 * deeper headings stay inside their section. Text before the first section
 * is a standard named by the title (or `General`). A section whose first line
 * is `` Applies to: `glob`, `glob` `` applies to those paths (`Applies to: on
 * request` to none: it is used when asked for); otherwise a root file's
 * section always applies and a nested file's applies under its folder. Ids
 * are the kebab-cased headings, prefixed by the folder of a nested file, with
 * `-2`, `-3` for repeats.
 *
 * @throws ValidationError with file:line:column when an `Applies to:` line names no backquoted glob.
 */
export function parseAgentsMd(
  text: string,
  file: string,
  options: ParseAgentsMdOptions = {},
): InstructionStandard[] {
  checkArguments("parseAgentsMd", {
    text: [Text, text],
    file: [Text, file],
    options: [ParseOptionsSchema, options],
  });
  const format = options.format ?? (/^claude\.md$/i.test(basename(file)) ? "claude-md" : "agents-md");
  const folder = (options.folder ?? "").replace(/\\/g, "/").replace(/^\.?\/+|\/+$/g, "");
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const sections: { title: string | undefined; line: number; body: string[] }[] = [];
  let current: (typeof sections)[number] = { title: undefined, line: 1, body: [] };
  let title: string | undefined;
  const prose = outsideFences(lines);
  lines.forEach((line, index) => {
    const heading = prose[index] === true ? SECTION_HEADING.exec(line) : null;
    if (heading === null) {
      current.body.push(line);
      return;
    }
    const isTitle =
      heading[1] === "#" && title === undefined && sections.length === 0 && isBlank(current.body);
    if (isTitle) {
      title = heading[2] as string;
      current.line = index + 2;
      return;
    }
    sections.push(current);
    current = { title: heading[2] as string, line: index + 1, body: [] };
  });
  sections.push(current);
  const taken = new Map<string, number>();
  const standards: InstructionStandard[] = [];
  for (const section of sections) {
    if (section.title === undefined && isBlank(section.body)) continue;
    const description = section.title ?? title ?? "General";
    const body = [...section.body];
    const first = body.findIndex((line) => line.trim() !== "");
    const applies = first === -1 ? null : APPLIES_TO.exec((body[first] as string).trim());
    let globs = folder === "" ? [] : [`${folder}/**`];
    if (applies !== null) {
      const listed = [...(applies[1] as string).matchAll(/`([^`]+)`/g)].map((match) =>
        (match[1] as string).trim(),
      );
      const onRequest = (applies[1] as string).trim() === ON_REQUEST;
      if (listed.length === 0 && !onRequest) {
        const issues = [
          {
            path: description,
            message: `an Applies to: line lists globs in backquotes, as in Applies to: \`src/**/*.ts\`, or says ${ON_REQUEST}`,
            file,
            line: section.line + (section.title === undefined ? 0 : 1) + first,
            column: 1,
          },
        ];
        throw new ValidationError({ message: formatIssues(format, issues), issues });
      }
      globs = listed.map((glob) => (folder === "" ? glob : `${folder}/${glob.replace(/^\/+/, "")}`));
      body.splice(first, 1);
    }
    const base = instructionId(folder === "" ? description : `${folder} ${description}`);
    const seen = (taken.get(base) ?? 0) + 1;
    taken.set(base, seen);
    standards.push({
      id: seen === 1 ? base : `${base}-${seen}`,
      description,
      instructions: body.join("\n").trim(),
      globs,
      alwaysApply: applies === null && folder === "",
      source: { format, file, line: section.line },
    });
  }
  return standards;
}

/** Options of {@link loadAgentsMd}. */
export interface LoadAgentsMdOptions {
  /** The repository root the file's folder is taken relative to (default: the file's own folder, a root file). */
  readonly root?: string;
  /**
   * Called for each `@path` import of a CLAUDE.md that is not followed, with
   * the importing file, line and column: a file that is missing or outside
   * `root`, a home-folder import (`@~/...`), a cycle, an import more than
   * 5 hops from the CLAUDE.md (Claude Code's limit). Defaults to a process warning
   * (`process.emitWarning`, code `FACTORY_SKIPPED_INSTRUCTIONS`).
   */
  readonly onWarning?: (warning: ValidationIssue) => void;
}

/**
 * Loads an `AGENTS.md` or `CLAUDE.md` file; `root` is the repository root its
 * folder is taken relative to (default: the file's own folder, a root file).
 * A CLAUDE.md's `@path` imports (outside code spans and fences, relative to
 * the file, up to 5 hops) are followed as Claude Code
 * follows them: each imported file is a standard of its own after the
 * section that imports it, scoped like that section, its `source.importedBy`
 * naming the import's file and line. An import that is not followed is
 * passed to `onWarning` (see {@link LoadAgentsMdOptions}).
 *
 * @throws ValidationError as {@link parseAgentsMd} does, or naming the line
 * and column of the first byte that is not UTF-8.
 */
export function loadAgentsMd(file: string, options: LoadAgentsMdOptions = {}): InstructionStandard[] {
  checkArguments("loadAgentsMd", { file: [Text, file], options: [LoadOptionsSchema, options] });
  const folder = options.root === undefined ? "" : relative(options.root, dirname(file));
  const text = readUtf8File(file, basename(file));
  const standards = parseAgentsMd(text, file, { folder });
  if (!/^claude\.md$/i.test(basename(file))) return standards;
  return withClaudeImports(standards, text, file, {
    root: options.root ?? dirname(file),
    onWarning: options.onWarning ?? warnSkipped,
  });
}

/** Options of {@link formatAgentsMd}. */
export interface FormatAgentsMdOptions {
  /** The `#` title of the file (default `AGENTS.md`). */
  readonly title?: string;
  /**
   * The file the text is written to, which decides what becomes of the files
   * a CLAUDE.md imports (`@docs/git.md`): a `CLAUDE.md` keeps the imports
   * that name the same file from there and leaves the imported standards to
   * them; anything else, or none given, writes the imported texts (see
   * {@link standardsForExport}).
   */
  readonly to?: string;
}

/**
 * The `AGENTS.md` (or `CLAUDE.md`) text of standards: a title, then one `##`
 * section per standard, headed by its description (else its id; on one line,
 * followed by ` #` when it ends in what would read as a closing run of `#`s).
 * A standard that does not always apply starts with an `Applies to:` line
 * listing its globs, so reading the file back gives the same standards. When
 * its instructions hold `#` or `##` headings, which would start sections of
 * their own, each of their headings is written two levels deeper (`#` as
 * `###`), so they stay inside its section. Instructions that open a code
 * fence and never close it get it closed at the end of their section, so
 * that it does not swallow the sections after it. Standards read through a
 * CLAUDE.md's `@path` imports are written as {@link standardsForExport}
 * writes them to option `to`, so no reader reads an imported text twice.
 *
 * @throws ValidationError when a standard is malformed.
 */
export function formatAgentsMd(
  standards: readonly InstructionStandard[],
  options: FormatAgentsMdOptions = {},
): string {
  checkArguments("formatAgentsMd", {
    standards: [Standards, standards],
    options: [FormatOptionsSchema, options],
  });
  const exported = standardsForExport(standards, options.to === undefined ? {} : { to: options.to });
  const sections = exported.map((standard) => {
    const valid = parseInput(InstructionStandardSchema, standard, `standard ${standard.id}`);
    const applies = valid.alwaysApply
      ? []
      : [`Applies to: ${valid.globs.map((glob) => `\`${glob}\``).join(", ") || ON_REQUEST}`, ""];
    // A heading is one line: a description over several is joined into one. One that ends in what
    // reads as a closing run of #s (`Issue #`) gets a closing run of its own, so that its #s stay.
    const text = (valid.description ?? valid.id).replace(/\s+/g, " ").trim();
    const heading = CLOSING_RUN.test(text) ? `${text} #` : text;
    // A fence left open would swallow the sections after it: it is closed where the section ends.
    const instructions = valid.instructions.trim();
    const open = openFence(instructions.split(/\r?\n/));
    const body = nestHeadings(instructions) + (open === undefined ? "" : `\n${open}`);
    return [`## ${heading}`, "", ...applies, body].join("\n").trimEnd();
  });
  return `${[`# ${options.title ?? "AGENTS.md"}`, ...sections].join("\n\n")}\n`;
}

/**
 * Writes standards to an `AGENTS.md` or `CLAUDE.md` file (see
 * {@link formatAgentsMd}, given `file` as where the text is written to).
 *
 * @throws ValidationError when a standard is malformed.
 */
export function exportAgentsMd(
  standards: readonly InstructionStandard[],
  file: string,
  options: Pick<FormatAgentsMdOptions, "title"> = {},
): void {
  checkArguments("exportAgentsMd", {
    standards: [Standards, standards],
    file: [Text, file],
    options: [ExportOptionsSchema, options],
  });
  writeFileSync(file, formatAgentsMd(standards, { ...options, to: file }));
}

/**
 * Instructions whose `#` or `##` headings (outside code fences) would start
 * sections of their own when the file is read back: every heading moved two
 * levels down (at most to `######`), so they stay inside their standard's
 * `##` section and keep their order of levels. Instructions without such
 * headings are left as they are.
 */
function nestHeadings(instructions: string): string {
  const lines = instructions.split(/\r?\n/);
  const prose = outsideFences(lines);
  if (!lines.some((line, index) => prose[index] === true && SECTION_HEADING.test(line))) return instructions;
  return lines
    .map((line, index) =>
      prose[index] === true
        ? line.replace(ANY_HEADING, (hashes) => "#".repeat(Math.min(hashes.length + 2, 6)))
        : line,
    )
    .join("\n");
}

function isBlank(lines: readonly string[]): boolean {
  return lines.every((line) => line.trim() === "");
}
