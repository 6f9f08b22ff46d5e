/**
 * `factory knowledge list|show|capture|revise|retract|link|unlink|decide`:
 * the knowledge base's documents listed, read, written, corrected, withdrawn
 * and linked, and decisions recorded, from a shell.
 *
 * @module
 */
import { resolve } from "node:path";
import { decodeText } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { DocumentKindSchema, type KnowledgeDocument, revisionAt } from "@software-factory/knowledge";
import type { Command } from "commander";
import { z } from "zod";
import { type DocumentFilterFlags, documentFilterOptions, documentFilters } from "../documentFilterFlags.js";
import { UsageError } from "../exitCodes.js";
import {
  collect,
  idArgument,
  idempotencyKeyOption,
  NameValue,
  PositiveIntFlag,
  parseFlag,
  SinceFlag,
  TagFlag,
} from "../flags.js";
import { inputName, readInput, requireInput } from "../inputFile.js";
import { filteredOnLines, requireLines } from "../knownValues.js";
import { type FlagsOfFields, namingFlags } from "../namingFlags.js";
import type { Output } from "../Output.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";
import { AT_VALUES, AuthorFlag, atFlag } from "../sourceFlags.js";
import { captureDocument } from "./knowledgeCapture.js";
import {
  type DecisionRevisionFlags,
  decisionRevision,
  decisionRevisionFlags,
  decisionRevisionOptions,
  registerKnowledgeDecide,
} from "./knowledgeDecide.js";
import {
  CLI_SOURCE_SYSTEM,
  documentView,
  keyHelp,
  requireDocument,
  requireSuperseded,
} from "./knowledgeDocuments.js";
import { registerKnowledgeLinks } from "./knowledgeLinks.js";
import {
  documentStatus,
  type LinkedDocument,
  linkedDocuments,
  linkedDocumentsAt,
  linkTarget,
  printLinkedDocuments,
} from "./linkedDocuments.js";

/** A kind `knowledge capture` writes: any but `decision`, which needs its decision fields. */
const CaptureKindFlag = DocumentKindSchema.exclude(["decision"], {
  error: () =>
    `must be one of ${DocumentKindSchema.exclude(["decision"]).options.join(", ")} (a decision needs its context and options: record it with factory knowledge decide)`,
});

/** Why a document is revised or retracted, as the knowledge base keeps it. */
const ReasonFlag = z.string().trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters");

/** The body flags of `capture` and `revise`: text, or the path of a UTF-8 file. */
interface BodyFlags {
  readonly body?: string;
  readonly file?: string;
}

/**
 * The body given by `--body` or `--file`, with the file's absolute path (a
 * pipe or standard input has none: it is no address to capture again from);
 * `undefined` when neither is given.
 */
interface GivenBody {
  readonly text: string;
  readonly flag: "--body" | "--file";
  readonly file?: string;
}

/**
 * Reads `--body` or `--file` (one of them at most): a file (or a pipe, or
 * `-` for standard input) is read as UTF-8 text with core's `decodeText`, so bytes that are not text are refused at
 * their line and column instead of stored as U+FFFD. A body that is empty or
 * blank is refused: it would be a document with nothing to find or read.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, field `--file`) naming the path when there is no such file.
 * @throws UsageError when both are given, the body is blank, or the file cannot be read or is not UTF-8 text.
 */
function readBody(flags: BodyFlags): GivenBody | undefined {
  if (flags.body !== undefined && flags.file !== undefined)
    throw new UsageError("give --body or --file, not both");
  if (flags.file === undefined) {
    if (flags.body === undefined) return undefined;
    return { text: parseFlag(NameValue, flags.body, "--body"), flag: "--body" };
  }
  const stream = requireInput(flags.file, "--file") === "stream";
  const path = stream ? inputName(flags.file) : resolve(flags.file);
  const decoded = decodeText(readInput(flags.file, "--file"));
  if ("notText" in decoded) {
    const { line, column, message } = decoded.notText;
    throw new UsageError(`--file: ${path}:${line}:${column} ${message}`);
  }
  if (decoded.text.trim() === "") throw new UsageError(`--file: ${path} is empty (a document needs a body)`);
  return { text: decoded.text, flag: "--file", ...(stream ? {} : { file: path }) };
}

/** Which flag each field of a captured or revised document came from, the body from `--body` or `--file`. */
function documentFlags(body: GivenBody | undefined): FlagsOfFields {
  return {
    kind: "--kind",
    title: "--title",
    body: body?.flag ?? "--body",
    "source.author": "--author",
    "source.capturedAt": "--at",
    lines: "--line",
    tags: "--tag",
    supersedes: "--supersedes",
    idempotencyKey: "--idempotency-key",
  };
}

/** Where a retraction's key came from. */
const RETRACT_FLAGS: FlagsOfFields = { idempotencyKey: "--idempotency-key" };

/** A document as `knowledge list --json` prints it: without body and revisions, with the count of revisions. */
function documentSummary(document: KnowledgeDocument) {
  const { body: _body, revisions, ...rest } = document;
  return { ...rest, revisionCount: revisions.length };
}

/**
 * One row of `knowledge list`: id, the date of its source (when it was
 * written or said, else when it was captured), kind, title, author, and why
 * it is not in force when it is not (`asOf` given: every row was in force
 * then, so none says so).
 */
function printSummary(output: Output, document: KnowledgeDocument, asOf: string | undefined): void {
  const status = asOf === undefined ? documentStatus(document) : undefined;
  const date = (document.source.capturedAt ?? document.createdAt).slice(0, 10);
  const author =
    document.source.author === undefined
      ? ""
      : output.style("dim", `  by ${oneLine(document.source.author)}`);
  output.line(
    `${output.style("bold", document.id)}  ${date}  ${document.kind.padEnd(12)} ${oneLine(document.title)}${author}${status === undefined ? "" : `  ${output.style("yellow", status)}`}`,
  );
}

/** What `knowledge show` prints of a document's links besides the document: what its links point at, and the documents linked to it. */
interface ShownLinks {
  /** For each target of the document's links, what it is (`work item "Dunning v2"`), when the factory has it. */
  readonly targets: ReadonlyMap<string, string>;
  /** The documents with a link to this one; none with `--as-of`. */
  readonly linkedFrom: readonly LinkedDocument[];
}

/** Prints a document's title, provenance, lines, tags, status, revisions and links both ways, then its body. */
function printDocument(output: Output, document: KnowledgeDocument, shown: number, links: ShownLinks): void {
  const { source } = document;
  output.line(
    `${output.style("bold", oneLine(document.title))} ${output.style("dim", `[${document.kind}] ${document.id}`)}`,
  );
  const where = [source.system, source.uri].filter(Boolean).join(" ");
  const who = source.author === undefined ? "" : ` by ${source.author}`;
  output.line(`source:    ${where}${who}, ${source.capturedAt ?? document.createdAt}`);
  if (document.lines.length > 0) output.line(`lines:     ${document.lines.join(", ")}`);
  if (document.tags.length > 0) output.line(`tags:      ${document.tags.join(", ")}`);
  output.line(
    `valid:     from ${document.validFrom}${document.validTo === undefined ? "" : ` to ${document.validTo}`}`,
  );
  const revision = document.revisions[shown - 1];
  const last =
    revision === undefined
      ? ""
      : ` (${revision.at} by ${revision.actor}${revision.reason === undefined ? "" : `: ${revision.reason}`})`;
  output.line(`revision:  ${shown} of ${document.revisions.length}${last}`);
  if (document.supersedes.length > 0) output.line(`replaces:  ${document.supersedes.join(", ")}`);
  if (document.supersededBy !== undefined)
    output.line(
      output.style("yellow", `superseded by ${document.supersededBy.id} at ${document.supersededBy.at}`),
    );
  if (document.retracted !== undefined)
    output.line(
      output.style("yellow", `retracted at ${document.retracted.at}: ${document.retracted.reason}`),
    );
  for (const link of document.links) {
    const target = links.targets.get(link.target);
    output.line(`link:      ${link.type} ${link.target}${target === undefined ? "" : ` ${target}`}`);
  }
  printLinkedDocuments(output, "linked from: ", links.linkedFrom);
  output.line();
  output.line(document.body);
}

/**
 * What `document`'s links point at, and the documents linked to it now, or,
 * with `asOf`, at that instant (each as it read then).
 */
async function shownLinks(factory: Factory, document: KnowledgeDocument, asOf?: string): Promise<ShownLinks> {
  await Promise.all([factory.work.refresh(), factory.floorplan.refresh()]);
  const targets = new Map<string, string>();
  for (const { target } of document.links) {
    const what = targets.has(target) ? undefined : await linkTarget(factory, target);
    if (what !== undefined) targets.set(target, what);
  }
  const linkedFrom =
    asOf === undefined
      ? await linkedDocuments(factory, document.id)
      : await linkedDocumentsAt(factory, document.id, asOf);
  return { targets, linkedFrom };
}

/** Registers `factory knowledge`. */
export function registerKnowledge(program: Command, context: CliContext): void {
  const knowledge = program
    .command("knowledge")
    .description(
      "the knowledge base's documents: list, show, capture, revise, retract, link and unlink them; record decisions",
    );

  const list = knowledge
    .command("list")
    .description(
      "list documents in force, newest first, with the date and author of each source (--all adds superseded and expired ones; retracted ones stay out)",
    )
    .option("--kind <kind>", "only this kind of document (repeatable)", collect)
    .option("--line <line>", "only documents linked to this line of the floor plan (repeatable)", collect)
    .option("--tag <tag>", "only documents with this tag (repeatable)", collect)
    .option("-n, --limit <n>", "documents to show", "50")
    .option("--all", "include superseded and expired documents");
  documentFilterOptions(list).action(
    action(context, async ({ options, output }, flags) => {
      const f = flags as DocumentFilterFlags & {
        kind?: string[];
        line?: string[];
        tag?: string[];
        limit: string;
        all?: boolean;
      };
      const limit = parseFlag(PositiveIntFlag, f.limit, "--limit");
      const filters = documentFilters(f);
      const kinds = f.kind?.map((kind) => parseFlag(DocumentKindSchema, kind, "--kind"));
      const tags = f.tag?.map((tag) => parseFlag(TagFlag, tag, "--tag"));
      const found = await withFactory(options, async (factory) => {
        return filteredOnLines(f.line, "--line", () =>
          factory.knowledge.list({
            limit: limit + 1,
            current: f.all !== true,
            ...(kinds === undefined ? {} : { kinds }),
            ...(f.line === undefined ? {} : { lines: f.line }),
            ...(tags === undefined ? {} : { tags }),
            ...filters,
          }),
        );
      });
      const documents = found.slice(0, limit);
      if (options.json) return output.json(documents.map(documentSummary));
      if (documents.length === 0) return output.line("no documents");
      for (const document of documents) printSummary(output, document, filters.asOf);
      if (found.length > limit) output.line(output.style("dim", `more documents match: raise --limit`));
    }),
  );

  knowledge
    .command("show")
    .description(
      "a document: its body, source, lines, tags, status, revisions, its links (with what they point at) and the documents linked to it",
    )
    .argument("<id>", "document id (factory knowledge list and factory search show them)", idArgument("<id>"))
    .option(
      "--as-of <when>",
      "as it read then: a date (2026-03-01, midnight UTC), an instant (2026-03-01T09:00:00Z) or a span back (30d, 12h, 2w)",
    )
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const f = flags as { asOf?: string };
        const asOf = f.asOf === undefined ? undefined : parseFlag(SinceFlag, f.asOf, "--as-of").toISOString();
        const { document, links } = await withFactory(options, async (factory) => {
          const found = await requireDocument(factory, id as string, asOf);
          return { document: found, links: await shownLinks(factory, found, asOf) };
        });
        if (options.json) return output.json({ ...documentView(document), linkedFrom: links.linkedFrom });
        const shown =
          asOf === undefined
            ? document.revisions.length
            : (revisionAt(document, asOf)?.revision ?? document.revisions.length);
        printDocument(output, document, shown, links);
      }),
    );

  knowledge
    .command("capture")
    .description(
      "store a document, its source the CLI (--file records the file as its address: capturing it again revises its document)",
    )
    .requiredOption("--kind <kind>", "what it is: note, runbook, insight, research, requirement...")
    .requiredOption("--title <title>", "its title")
    .option("--body <text>", "its markdown body")
    .option("--file <path>", "a UTF-8 markdown file to take the body from, a pipe, or - for stdin")
    .option("--author <name>", "who wrote or said it, an operator id or a name (default the actor)")
    .option("--at <when>", `when it was written or said: ${AT_VALUES} (default now)`)
    .option("--line <line>", "a line of the floor plan it concerns (repeatable)", collect)
    .option("--tag <tag>", "a tag, a word without spaces (repeatable)", collect)
    .option("--supersedes <id>", "a document this one replaces (repeatable)", collect)
    .option("--idempotency-key <key>", keyHelp("returns the document the first run captured"))
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as BodyFlags & {
          kind: string;
          title: string;
          author?: string;
          at?: string;
          line?: string[];
          tag?: string[];
          supersedes?: string[];
          idempotencyKey?: string;
        };
        const kind = parseFlag(CaptureKindFlag, f.kind, "--kind");
        const title = parseFlag(NameValue, f.title, "--title");
        const author = f.author === undefined ? options.actor : parseFlag(AuthorFlag, f.author, "--author");
        const at = f.at === undefined ? undefined : atFlag(f.at);
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        const tags = (f.tag ?? []).map((tag) => parseFlag(TagFlag, tag, "--tag"));
        const body = readBody(f);
        if (body === undefined) throw new UsageError("give the body with --body <text> or --file <path>");
        const { document, outcome } = await withFactory(options, async (factory) => {
          await requireLines(factory, f.line ?? [], "--line");
          await requireSuperseded(factory, f.supersedes ?? []);
          return namingFlags(documentFlags(body), () =>
            captureDocument(
              factory,
              {
                kind,
                title,
                body: body.text,
                source: {
                  system: CLI_SOURCE_SYSTEM,
                  author,
                  ...(at === undefined ? {} : { capturedAt: at }),
                  ...(body.file === undefined ? {} : { uri: body.file }),
                },
                lines: f.line ?? [],
                tags,
                supersedes: f.supersedes ?? [],
              },
              { actor: options.actor, ...keyed },
            ),
          );
        });
        if (options.json) return output.json({ ...documentView(document), outcome });
        const revision = document.revisions.length;
        if (outcome === "captured") return output.line(`captured ${document.id}: ${oneLine(document.title)}`);
        output.line(
          outcome === "revised"
            ? `revised ${document.id}: revision ${revision}, captured again from ${body.file}`
            : `unchanged ${document.id}: ${body.file} already reads so (revision ${revision})`,
        );
      }),
    );

  const revise = knowledge
    .command("revise")
    .description(
      "record a new revision of a document: the fields given change, the rest stays (a decision's fields too)",
    )
    .argument("<id>", "document id", idArgument("<id>"))
    .requiredOption("--reason <why>", "why it changes (kept with the revision)")
    .option("--title <title>", "the new title")
    .option("--body <text>", "the new markdown body")
    .option("--file <path>", "a UTF-8 markdown file to take the new body from, a pipe, or - for stdin")
    .option("--tag <tag>", "the tags, replacing the document's (repeatable)", collect)
    .option("--line <line>", "the lines, replacing the document's (repeatable)", collect);
  decisionRevisionOptions(revise)
    .option("--idempotency-key <key>", keyHelp("records no second revision"))
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const f = flags as BodyFlags &
          DecisionRevisionFlags & {
            reason: string;
            title?: string;
            tag?: string[];
            line?: string[];
            idempotencyKey?: string;
          };
        const reason = parseFlag(ReasonFlag, f.reason, "--reason");
        const title = f.title === undefined ? undefined : parseFlag(NameValue, f.title, "--title");
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        const tags = f.tag?.map((tag) => parseFlag(TagFlag, tag, "--tag"));
        const body = readBody(f);
        const decision = decisionRevision(f);
        if (
          f.title === undefined &&
          body === undefined &&
          f.tag === undefined &&
          f.line === undefined &&
          decision === undefined
        )
          throw new UsageError(
            "nothing to revise: give --title, --body, --file, --tag, --line, or a decision's --context, --decision, --consequences, --status or --option",
          );
        const result = await withFactory(options, async (factory) => {
          await requireDocument(factory, id as string);
          await requireLines(factory, f.line ?? [], "--line");
          return namingFlags({ ...documentFlags(body), ...decisionRevisionFlags(f) }, () =>
            factory.knowledge.revise(
              id as string,
              {
                reason,
                ...(title === undefined ? {} : { title }),
                ...(body === undefined ? {} : { body: body.text }),
                ...(tags === undefined ? {} : { tags }),
                ...(f.line === undefined ? {} : { lines: f.line }),
                ...(decision === undefined ? {} : { decision }),
              },
              { actor: options.actor, ...keyed },
            ),
          );
        });
        if (options.json) return output.json({ ...documentView(result.document), changed: result.changed });
        const { document } = result;
        output.line(
          result.changed
            ? `revised ${document.id}: revision ${document.revisions.length}`
            : `unchanged ${document.id}: it already reads so (revision ${document.revisions.length})`,
        );
      }),
    );

  knowledge
    .command("retract")
    .description(
      "take a document out of search, with a reason; its history stays (as-of reads still find it)",
    )
    .argument("<id>", "document id", idArgument("<id>"))
    .requiredOption("--reason <why>", "why it is withdrawn")
    .option("--idempotency-key <key>", keyHelp("finds it retracted and writes nothing"))
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const f = flags as { reason: string; idempotencyKey?: string };
        const reason = parseFlag(ReasonFlag, f.reason, "--reason");
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        const { before, document } = await withFactory(options, async (factory) => {
          const current = await requireDocument(factory, id as string);
          const retracted = await namingFlags(RETRACT_FLAGS, () =>
            factory.knowledge.retract(id as string, reason, { actor: options.actor, ...keyed }),
          );
          return { before: current, document: retracted };
        });
        if (options.json) return output.json(documentView(document));
        const { retracted } = document;
        if (before.retracted !== undefined && retracted !== undefined)
          return output.line(
            `${document.id} was already retracted at ${retracted.at}: ${retracted.reason} (nothing written)`,
          );
        output.line(`retracted ${document.id}: ${oneLine(document.title)}`);
      }),
    );

  registerKnowledgeLinks(knowledge, context);
  registerKnowledgeDecide(knowledge, context);
}
