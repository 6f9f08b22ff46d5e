/**
 * `factory import transcripts <files...>`: meeting transcripts (WebVTT from
 * Zoom or Teams, SubRip, Otter or Meet text) as `conversation` documents,
 * one per file (or per part of a file over a document's limit), kept by the
 * file's path (and part) so a re-run revises rather than duplicates.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { basename, extname, resolve, sep } from "node:path";
import {
  decodeText,
  inPlainWords,
  toSafeLine,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { type Factory, pathInRepository } from "@software-factory/intelligence";
import {
  parseTranscript,
  type SourcedCaptureInput,
  SourcedCaptureInputSchema,
  type TranscriptWarning,
  transcriptParts,
} from "@software-factory/knowledge";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { collect, nameArguments, parseFlag, TagFlag } from "../flags.js";
import { requireLines, requireSource } from "../knownValues.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { repositoryRoot } from "../repositoryPaths.js";
import { AT_VALUES, AuthorFlag, atFlag } from "../sourceFlags.js";
import { withStagedFactory } from "../stagedFactory.js";

/** The source system transcripts are recorded under; a document is kept per file path in it. */
const TRANSCRIPT_SOURCE_SYSTEM = "transcript";

/**
 * The largest file read, refused before it is read: ten documents of
 * 2,000,000 characters of words and more (a cue's timing and number take
 * less room than its words), far more than a day's recording.
 */
const FILE_MAX_BYTES = 20_000_000;

/** `--title`: not blank, at most 500 characters (trimmed, as the knowledge base keeps it). */
const TitleFlag = z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters");

/** The flags of `import transcripts`, as commander gives them. */
interface TranscriptFlags {
  readonly title?: string;
  readonly author?: string;
  readonly at?: string;
  readonly line?: string[];
  readonly tag?: string[];
}

/** A document of a transcript file read and checked, ready to write: the file's, or one part of it. */
interface CheckedTranscript {
  /** The file as given. */
  readonly file: string;
  /** The file's address (its first part's; the others add `#part-<n>`). */
  readonly address: string;
  /** The document it is captured or revised as. */
  readonly document: SourcedCaptureInput;
  /** Which part of the file it is, from 1, and of how many (1 of 1 for a file within a document's limit). */
  readonly part: number;
  readonly parts: number;
  /** Its speakers, in order of first appearance. */
  readonly speakers: readonly string[];
  /** How many turns it has. */
  readonly turns: number;
}

/** What a transcript's document is made with besides the file's text. */
interface TranscriptDetails {
  readonly title: string;
  readonly source: { readonly uri: string; readonly author: string; readonly capturedAt: string };
  readonly lines: string[];
  readonly tags: string[];
}

/** What the import did with one document: the `--json` entry of it (with `part` and `parts` for a file split in parts). */
interface ImportedTranscript {
  readonly file: string;
  readonly part?: number;
  readonly parts?: number;
  readonly id: string;
  readonly uri: string;
  readonly title: string;
  readonly outcome: "captured" | "revised" | "unchanged";
  readonly speakers: readonly string[];
  readonly turns: number;
}

/**
 * A title made from a file name: without its extension, `-`, `_` and `.`
 * between words read as spaces (kept between digits, so a date stays one),
 * the first letter capitalized: `call-acme_2026-03-01.vtt` is `Call acme 2026-03-01`.
 */
function titleOf(file: string): string {
  const name = basename(file, extname(file));
  const spaced = name
    .replace(/[-_.]+/g, (separator, offset: number) =>
      /\d/.test(name[offset - 1] ?? "") && /\d/.test(name[offset + separator.length] ?? "") ? separator : " ",
    )
    .replace(/\s+/g, " ");
  const line = toSafeLine(spaced);
  return line === "" ? toSafeLine(basename(file)) || "Transcript" : line[0]?.toUpperCase() + line.slice(1);
}

/** What is wrong with a capture's field, in the words of a transcript file. */
function fieldProblem(issue: z.core.$ZodIssue, document: SourcedCaptureInput): string {
  const field = issue.path.join(".");
  if (field === "tags")
    return `${inPlainWords(issue)}: its speakers and --tag make ${document.tags?.length ?? 0} tags`;
  return `${field}: ${inPlainWords(issue)}`;
}

/**
 * Reads and checks one transcript: UTF-8 text with at least one turn, whose
 * documents the knowledge base takes as they are. A transcript whose markdown
 * is over a document's 2,000,000 characters is split between turns into
 * parts within it (knowledge's `transcriptParts`): `<title> (part 2 of 3)`,
 * part 1 at the file's address, the others at `<address>#part-<n>`.
 * Returns its documents and the lines left out of them (a cue timing line
 * whose times do not parse), or what is wrong with it.
 */
function checkTranscript(
  file: string,
  details: TranscriptDetails,
): { readonly documents: CheckedTranscript[]; readonly warnings: readonly TranscriptWarning[] } | string {
  const bytes = statSync(file).size;
  if (bytes > FILE_MAX_BYTES)
    return `is ${(bytes / 1e6).toFixed(1)} MB, over the ${FILE_MAX_BYTES / 1e6} MB a transcript file may be (split the recording in parts)`;
  const read = decodeText(readFileSync(file));
  if ("notText" in read) return `${read.notText.line}:${read.notText.column} ${read.notText.message}`;
  const parts = transcriptParts(read.text, {
    ...details,
    source: { system: TRANSCRIPT_SOURCE_SYSTEM, ...details.source },
  });
  if (parts.every((part) => part.turns === 0))
    return "holds no turns (no cue, `Name: words` line or speaker heading): is it a WebVTT, SubRip or Otter/Meet text transcript?";
  const checked: CheckedTranscript[] = [];
  const problems: string[] = [];
  for (const { document: made, part, parts: of, speakers, turns } of parts) {
    const document: SourcedCaptureInput = {
      ...made,
      source: { ...made.source, uri: made.source?.uri ?? details.source.uri },
    };
    const parsed = SourcedCaptureInputSchema.safeParse(document);
    const partOf = of === 1 ? "" : `part ${part} of ${of}: `;
    if (!parsed.success)
      problems.push(...parsed.error.issues.map((issue) => `${partOf}${fieldProblem(issue, document)}`));
    else checked.push({ file, address: details.source.uri, document, part, parts: of, speakers, turns });
  }
  if (problems.length > 0) return problems.join("; ");
  return { documents: checked, warnings: parseTranscript(read.text).warnings };
}

/**
 * The file's address: its path in the repository (or the folder holding the
 * factory) with `/`, else its absolute path, so the same file given from any
 * folder is the same document.
 */
function uriOf(file: string, root: string): string {
  const absolute = resolve(file);
  return pathInRepository(root, absolute)?.split(sep).join("/") ?? absolute;
}

/**
 * A part of a transcript an earlier import made that the file no longer
 * makes (it was cut shorter), retracted: the `--json` entry of it.
 */
interface RetractedPart {
  readonly file: string;
  readonly part: number;
  readonly id: string;
  readonly uri: string;
  readonly title: string;
  readonly outcome: "retracted";
}

/**
 * Retracts the parts an earlier import of a file made past the `parts` it
 * makes now (`<uri>#part-<n>` from `parts + 1` on, until an address has no
 * document), so a transcript cut shorter leaves no stale part to be found.
 */
async function retractPartsPast(
  factory: Factory,
  file: string,
  uri: string,
  parts: number,
  actor: string | undefined,
): Promise<RetractedPart[]> {
  const retracted: RetractedPart[] = [];
  for (let part = parts + 1; ; part += 1) {
    const address = `${uri}#part-${part}`;
    const document = await factory.knowledge.bySource(TRANSCRIPT_SOURCE_SYSTEM, address);
    if (document === undefined) return retracted;
    if (document.retracted !== undefined) continue;
    const reason = `re-imported from ${file}, which now makes ${counted(parts, "part")}`;
    // Its source is gone: should the file make the part again, the import captures it again.
    await factory.knowledge.retract(document.id, reason, {
      ...(actor === undefined ? {} : { actor }),
      sourceGone: true,
    });
    retracted.push({
      file,
      part,
      id: document.id,
      uri: address,
      title: document.title,
      outcome: "retracted",
    });
  }
}

/** A document's words in the summary: `call.vtt (3 speakers, 42 turns)`, `day.vtt part 2 of 3 (...)`, its outcome when not captured. */
function described(imported: ImportedTranscript): string {
  const outcome = imported.outcome === "captured" ? "" : `, ${imported.outcome}`;
  const part = imported.parts === undefined ? "" : ` part ${imported.part} of ${imported.parts}`;
  return `${imported.file}${part} (${counted(imported.speakers.length, "speaker")}, ${counted(imported.turns, "turn")}${outcome})`;
}

/** Registers `factory import transcripts`. */
export function registerImportTranscripts(importCommand: Command, context: CliContext): void {
  importCommand
    .command("transcripts")
    .description(
      "meeting transcripts (WebVTT, SubRip, Otter or Meet text) as conversation documents, one per file, a long one in parts (safe to re-run)",
    )
    .argument("<files...>", "transcript files (.vtt, .srt, .txt)", nameArguments("<files>"))
    .option("--title <title>", "the document's title, with one file (default the file name, made readable)")
    .option("--author <name>", "who recorded the call, an operator id or a name (default the actor)")
    .option("--at <when>", `when the call took place: ${AT_VALUES} (default the file's modification time)`)
    .option("--line <line>", "a line of the floor plan the call concerns (repeatable)", collect)
    .option("--tag <tag>", "a tag, a word without spaces (repeatable)", collect)
    .action(
      action(context, async ({ options, output }, files, flags) => {
        const given = files as string[];
        const f = flags as TranscriptFlags;
        // Flags and files are checked before the factory opens, so a mistake creates nothing.
        if (f.title !== undefined && given.length > 1)
          throw new UsageError(
            `--title: names one document, and ${given.length} files are given (import them one at a time, or drop --title)`,
          );
        const title = f.title === undefined ? undefined : parseFlag(TitleFlag, f.title, "--title");
        const author = f.author === undefined ? options.actor : parseFlag(AuthorFlag, f.author, "--author");
        const at = f.at === undefined ? undefined : atFlag(f.at);
        const tags = (f.tag ?? []).map((tag) => parseFlag(TagFlag, tag, "--tag"));
        const lines = f.line ?? [];
        for (const file of given) requireSource(file, "file");
        const root = repositoryRoot(options.dir).folder;
        // Every file is read and checked before anything is written: one refused, none imported.
        const problems: ValidationIssue[] = [];
        const checked: CheckedTranscript[] = [];
        const uris = new Set<string>();
        for (const file of given) {
          // A file given twice (`a.vtt ./a.vtt`) is one document, imported once.
          const uri = uriOf(file, root);
          if (uris.has(uri)) continue;
          uris.add(uri);
          const result = checkTranscript(file, {
            title: title ?? titleOf(file),
            source: {
              uri,
              author,
              capturedAt: at ?? statSync(file).mtime.toISOString(),
            },
            lines,
            tags,
          });
          if (typeof result === "string") problems.push({ path: "<files>", file, message: result });
          else {
            checked.push(...result.documents);
            for (const { line, message } of result.warnings)
              output.error(`warning: ${file}:${line} ${message}`);
          }
        }
        if (problems.length > 0) {
          const refused = `${problems.length} of ${counted(uris.size, "transcript")} refused, nothing imported`;
          throw new ValidationError({
            message: [refused, ...problems.map((problem) => `  ${problem.file}: ${problem.message}`)].join(
              "\n",
            ),
            issues: problems,
          });
        }
        const imported = await withStagedFactory(options, async (factory) => {
          await requireLines(factory, lines, "--line");
          const done: ImportedTranscript[] = [];
          const retracted: RetractedPart[] = [];
          const warnings: string[] = [];
          for (const { file, address, document, part, parts, speakers, turns } of checked) {
            output.progress(
              done.length,
              checked.length,
              parts === 1 ? file : `${file} part ${part} of ${parts}`,
            );
            // A re-import: a part unchanged since its last import keeps what was revised by hand, a retracted one stays out.
            const written = await factory.knowledge.captureOrRevise(document, {
              actor: options.actor,
              reason: `re-imported from ${file}`,
              reimport: true,
            });
            const which = parts === 1 ? file : `${file} part ${part} of ${parts}`;
            for (const message of written.warnings) warnings.push(`warning: ${which} ${message}`);
            done.push({
              file,
              ...(parts === 1 ? {} : { part, parts }),
              id: written.document.id,
              uri: document.source.uri,
              title: written.document.title,
              outcome: written.outcome,
              speakers,
              turns,
            });
            // Once a file's parts are written, the parts an earlier, longer text made past them go.
            if (part === parts)
              retracted.push(...(await retractPartsPast(factory, file, address, parts, options.actor)));
          }
          return { done, retracted, warnings };
        }).finally(() => output.endProgress());
        for (const warning of imported.warnings) output.error(warning);
        if (options.json) {
          output.json([...imported.done, ...imported.retracted]);
          return;
        }
        const { done, retracted } = imported;
        const count = (outcome: ImportedTranscript["outcome"]) =>
          done.filter((entry) => entry.outcome === outcome).length;
        const others = [
          ...(count("revised") === 0 ? [] : [`${count("revised")} revised`]),
          ...(count("unchanged") === 0 ? [] : [`${count("unchanged")} unchanged`]),
        ];
        output.line(
          `captured ${counted(done.length, "conversation")}${others.length === 0 ? "" : ` (${others.join(", ")})`}: ${done.map(described).join(", ")}`,
        );
        if (retracted.length > 0)
          output.line(
            `retracted ${counted(retracted.length, "part")} the files no longer make: ${retracted.map((entry) => `${entry.file} part ${entry.part} (${entry.id})`).join(", ")}`,
          );
      }),
    );
}
