/**
 * `factory search <query>`: hybrid search of the knowledge base, with provenance.
 *
 * @module
 */
import { DocumentKindSchema, type SearchHit } from "@software-factory/knowledge";
import type { Command } from "commander";
import { z } from "zod";
import {
  type DocumentFilterFlags,
  documentFilterOptions,
  documentFilters,
  filterWords,
} from "../documentFilterFlags.js";
import { collect, parseFlag, positiveIntFlag, TagFlag } from "../flags.js";
import { cancelledOnInterrupt } from "../interruptibleRead.js";
import { filteredOnLines } from "../knownValues.js";
import { type FlagsOfFields, namingFlags } from "../namingFlags.js";
import type { Output } from "../Output.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/**
 * `superseded` or `expired` for a hit no longer in force (with `--all`), as
 * `knowledge list --all` marks its rows; `undefined` for one in force (a
 * retracted document is never a hit).
 */
function hitStatus(document: SearchHit["document"]): string | undefined {
  if (document.supersededBy !== undefined) return "superseded";
  if (document.validTo !== undefined && document.validTo <= new Date().toISOString()) return "expired";
  return undefined;
}

const ModeFlag = z.enum(["hybrid", "lexical", "vector"]);

/** Where the search's input came from on the command line: the query is the words, checked by the knowledge base. */
const SEARCH_FLAGS: FlagsOfFields = { "": "<query>", tags: "--tag" };

/** Hits of the ranking `--offset` skips: 0 to 10,000, as the knowledge base pages. */
const OffsetFlag = z
  .string()
  .regex(/^\d+$/, "must be a whole number, 0 or more")
  .transform(Number)
  .pipe(z.number().max(10_000, "must be at most 10000"));

interface SearchFlags extends DocumentFilterFlags {
  readonly limit: string;
  readonly offset: string;
  readonly kind?: string[];
  readonly line?: string[];
  readonly tag?: string[];
  readonly mode: string;
  readonly all?: boolean;
}

/** Registers `factory search`. */
export function registerSearch(program: Command, context: CliContext): void {
  const command = program
    .command("search")
    .description("search the knowledge base (lexical and vector, fused); every hit shows where it came from")
    .argument("<query...>", "what to look for")
    .option("-n, --limit <n>", "hits to show (at most 200)", "10")
    .option("--kind <kind>", "only this kind of document (repeatable)", collect)
    .option("--line <line>", "only documents linked to this line of the floor plan (repeatable)", collect)
    .option("--tag <tag>", "only documents with this tag (repeatable)", collect)
    .option("--mode <mode>", "hybrid, lexical or vector", "hybrid")
    .option("--all", "include superseded and expired documents (marked so)")
    .option(
      "--offset <n>",
      "hits of the ranking to skip: the next page starts at the offset a page gives",
      "0",
    );
  documentFilterOptions(command).action(
    action(context, async ({ options, output }, words, flags) => {
      const query = (words as string[]).join(" ");
      const f = flags as SearchFlags;
      const limit = parseFlag(positiveIntFlag(200), f.limit, "--limit");
      const offset = parseFlag(OffsetFlag, f.offset, "--offset");
      const filters = documentFilters(f);
      const mode = parseFlag(ModeFlag, f.mode, "--mode");
      const kinds = f.kind?.map((kind) => parseFlag(DocumentKindSchema, kind, "--kind"));
      const tags = f.tag?.map((tag) => parseFlag(TagFlag, tag, "--tag"));
      const result = await withFactory(options, async (factory) => {
        // Ctrl-C cancels the search (the embedder's call for the query is aborted) and exits 130.
        return cancelledOnInterrupt("the search", (signal) =>
          filteredOnLines(f.line, "--line", () =>
            namingFlags(SEARCH_FLAGS, () =>
              factory.knowledge.search(query, {
                signal,
                limit,
                offset,
                mode,
                current: f.all !== true,
                ...filters,
                ...(kinds === undefined ? {} : { kinds }),
                ...(f.line === undefined ? {} : { lines: f.line }),
                ...(tags === undefined ? {} : { tags }),
              }),
            ),
          ),
        );
      });
      if (options.json) {
        output.json(result);
        return;
      }
      if (result.warning !== undefined) output.error(`warning: ${result.warning}`);
      if (result.hits.length === 0) {
        const given = [
          ...(kinds ?? []).map((kind) => `--kind ${kind}`),
          ...(f.line ?? []).map((line) => `--line ${line}`),
          ...(tags ?? []).map((tag) => `--tag ${tag}`),
          ...filterWords(f),
          ...(offset === 0 ? [] : [`--offset ${offset}`]),
        ];
        output.line(`no documents match "${query}"${given.length === 0 ? "" : ` with ${given.join(" ")}`}`);
        return;
      }
      for (const [rank, hit] of result.hits.entries()) {
        const { document } = hit;
        const where = [document.source.system, document.source.uri].filter(Boolean).join(" ");
        const who = document.source.author === undefined ? "" : ` by ${document.source.author}`;
        const when = (document.source.capturedAt ?? document.createdAt).slice(0, 10);
        // As of an instant every hit was in force then: a later supersession is not its status then.
        const status = filters.asOf === undefined ? hitStatus(document) : undefined;
        output.line(
          `${output.style("bold", `${offset + rank + 1}. ${oneLine(document.title)}`)} ${output.style("dim", `[${document.kind}] ${document.id}`)}${status === undefined ? "" : `  ${output.style("yellow", status)}`}`,
        );
        output.line(
          `   ${output.style("cyan", `${where}${who}, ${when}`)}${document.lines.length > 0 ? `  lines: ${document.lines.join(", ")}` : ""}`,
        );
        output.line(`   ${markMatches(output, hit.snippet.replace(/\s+/g, " ").trim())}`);
      }
      if (result.nextOffset !== undefined)
        output.line(output.style("dim", `more hits may follow: --offset ${result.nextOffset}`));
    }),
  );
}

/**
 * The snippet's matched words (between `**`) in bold on a terminal with
 * colour; without colour the `**` marks stay, so piped output still shows them.
 */
function markMatches(output: Output, snippet: string): string {
  return snippet.replaceAll(/\*\*(.+?)\*\*/g, (marked, words: string) => {
    const bold = output.style("bold", words);
    return bold === words ? marked : bold;
  });
}
