/**
 * `factory knowledge decide`: a decision (an ADR) added to the decision log,
 * as the SDK's `recordDecision` and the MCP tool `record_decision` do, with
 * the tool's concepts as flags (`--context`, `--option`, `--decision`,
 * `--consequences`, `--status`, `--line`, `--supersedes`, `--author`); and
 * the same decision flags for `factory knowledge revise`, whose fields the
 * SDK's `revise` merges over the document's decision (the others stay).
 *
 * @module
 */
import { strictInput } from "@software-factory/core";
import {
  DECISION_TEXT_MAX,
  DecisionStatusSchema,
  decisionOptionInputShape,
  type ReviseInput,
} from "@software-factory/knowledge";
import type { Command } from "commander";
import { z } from "zod";
import { collect, idempotencyKeyOption, NameValue, parseFlag, TagFlag } from "../flags.js";
import { requireLines } from "../knownValues.js";
import { type FlagsOfFields, namingFlags } from "../namingFlags.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";
import { CLI_SOURCE_SYSTEM, documentView, keyHelp, requireSuperseded } from "./knowledgeDocuments.js";

/** A status a decision is recorded with: `superseded` is set by a later decision's `--supersedes`, not typed. */
const DecisionStatusFlag = DecisionStatusSchema.exclude(["superseded"], {
  error: () =>
    "must be one of proposed, accepted, rejected (superseded is set by a later decision's --supersedes)",
});

/** The decision's title: not blank, at most 500 characters (trimmed, as the knowledge base keeps it). */
const TitleFlag = z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters");

/** A text field of a decision (`--context`, `--decision`, `--consequences`): not blank, within the knowledge base's limit. */
const DecisionTextFlag = NameValue.pipe(
  z.string().max(DECISION_TEXT_MAX, `must be at most ${DECISION_TEXT_MAX} characters`),
);

/** Who decided, kept as the source's author: not blank, at most 200 characters. */
const AuthorFlag = NameValue.pipe(z.string().max(200, "must be at most 200 characters"));

/**
 * An option the decision weighed, as `--option` gives it: its title, or a
 * JSON object `{"title": ..., "pros": [...], "cons": [...]}` (a value
 * starting with `{`), the `options` entry of the MCP tool `record_decision`.
 * A key it does not take is named with the keys it takes (`unknown key
 * "pro"; the keys are title, pros, cons`), in the words of the other inputs.
 */
const DecisionOptionFlag = NameValue.transform((value, ctx): unknown => {
  if (!value.trim().startsWith("{")) return { title: value.trim() };
  try {
    return JSON.parse(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `not valid JSON (${(error as Error).message})` });
    return z.NEVER;
  }
}).pipe(strictInput(decisionOptionInputShape));

/** Which flag each field of a recorded decision came from. */
const DECIDE_FLAGS: FlagsOfFields = {
  title: "--title",
  status: "--status",
  context: "--context",
  options: "--option",
  decision: "--decision",
  consequences: "--consequences",
  source: "--author",
  lines: "--line",
  tags: "--tag",
  supersedes: "--supersedes",
  idempotencyKey: "--idempotency-key",
};

/** The flags of `knowledge decide`, as commander gives them. */
interface DecideFlags {
  readonly title: string;
  readonly status: string;
  readonly context: string;
  readonly option?: string[];
  readonly decision: string;
  readonly consequences?: string;
  readonly author?: string;
  readonly line?: string[];
  readonly tag?: string[];
  readonly supersedes?: string[];
  readonly idempotencyKey?: string;
}

/** The decision flags of `knowledge revise`, as commander gives them. */
export interface DecisionRevisionFlags {
  readonly status?: string;
  readonly context?: string;
  readonly option?: string[];
  readonly decision?: string;
  readonly consequences?: string;
}

/** Which flag each decision field of a revision came from. */
const DECISION_REVISION_FLAGS: FlagsOfFields = {
  "decision.status": "--status",
  "decision.context": "--context",
  "decision.options": "--option",
  "decision.decision": "--decision",
  "decision.consequences": "--consequences",
};

/** Adds the decision flags (`--context`, `--decision`, `--consequences`, `--status`, `--option`) to `knowledge revise`. */
export function decisionRevisionOptions(revise: Command): Command {
  return revise
    .option("--context <text>", "a decision's new context (markdown)")
    .option("--decision <text>", "a decision's new decision (markdown)")
    .option("--consequences <text>", "a decision's new consequences (markdown)")
    .option("--status <status>", "a decision's new status: proposed, accepted or rejected")
    .option(
      "--option <title|json>",
      'an option the decision weighed, replacing its options: a title or {"title":"...","pros":[],"cons":[]} (repeatable)',
      collect,
    );
}

/** The decision fields of a revision, as the SDK's `revise` takes them: only those that change. */
type DecisionRevision = NonNullable<ReviseInput["decision"]>;

/**
 * The decision fields the flags give (`--option` replaces the options), for
 * the SDK's `revise` to merge over the document's decision in its write, or
 * `undefined` when no decision flag is given.
 *
 * @throws UsageError when a flag is malformed.
 */
export function decisionRevision(flags: DecisionRevisionFlags): DecisionRevision | undefined {
  const text = (value: string | undefined, flag: string) =>
    value === undefined ? undefined : parseFlag(DecisionTextFlag, value, flag);
  const decision: DecisionRevision = {
    status: flags.status === undefined ? undefined : parseFlag(DecisionStatusFlag, flags.status, "--status"),
    context: text(flags.context, "--context"),
    options: flags.option?.map((option) => parseFlag(DecisionOptionFlag, option, "--option")),
    decision: text(flags.decision, "--decision"),
    consequences: text(flags.consequences, "--consequences"),
  };
  return Object.values(decision).some((value) => value !== undefined) ? decision : undefined;
}

/**
 * Which flags a refusal of the revision's decision fields names: each decision
 * field's flag, and for `decision` itself (the document is no decision) the
 * decision flags given.
 */
export function decisionRevisionFlags(flags: DecisionRevisionFlags): FlagsOfFields {
  const given = (["context", "decision", "consequences", "status", "option"] as const)
    .filter((name) => flags[name] !== undefined)
    .map((name) => `--${name}`);
  return given.length === 0
    ? DECISION_REVISION_FLAGS
    : { ...DECISION_REVISION_FLAGS, decision: given.join(", ") };
}

/** Registers `factory knowledge decide` under `factory knowledge`. */
export function registerKnowledgeDecide(knowledge: Command, context: CliContext): void {
  knowledge
    .command("decide")
    .description(
      "record a decision (an ADR) in the decision log: context, options weighed, decision, consequences",
    )
    .requiredOption("--title <title>", "the decision in a few words")
    .requiredOption("--context <text>", "markdown: the situation and the forces that call for a decision")
    .requiredOption("--decision <text>", "markdown: what was decided, and why")
    .option("--status <status>", "proposed, accepted or rejected", "proposed")
    .option(
      "--option <title|json>",
      'an option weighed: its title, or {"title":"...","pros":["..."],"cons":["..."]} (repeatable)',
      collect,
    )
    .option("--consequences <text>", "markdown: what follows from it, good and bad")
    .option("--line <line>", "a line of the floor plan it concerns (repeatable)", collect)
    .option("--tag <tag>", "a tag, a word without spaces (repeatable)", collect)
    .option("--supersedes <id>", "an earlier decision this one replaces (repeatable)", collect)
    .option("--author <name>", "who decided, an operator id or a name (default the actor)")
    .option("--idempotency-key <key>", keyHelp("returns the decision the first run recorded"))
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as DecideFlags;
        const status = parseFlag(DecisionStatusFlag, f.status, "--status");
        const input = {
          title: parseFlag(TitleFlag, f.title, "--title"),
          status,
          context: parseFlag(DecisionTextFlag, f.context, "--context"),
          options: (f.option ?? []).map((option) => parseFlag(DecisionOptionFlag, option, "--option")),
          decision: parseFlag(DecisionTextFlag, f.decision, "--decision"),
          consequences:
            f.consequences === undefined ? "" : parseFlag(DecisionTextFlag, f.consequences, "--consequences"),
          source: {
            system: CLI_SOURCE_SYSTEM,
            author: f.author === undefined ? options.actor : parseFlag(AuthorFlag, f.author, "--author"),
          },
          lines: f.line ?? [],
          tags: (f.tag ?? []).map((tag) => parseFlag(TagFlag, tag, "--tag")),
          supersedes: (f.supersedes ?? []).map((id) => parseFlag(NameValue, id, "--supersedes")),
        };
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        const document = await withFactory(options, async (factory) => {
          await requireLines(factory, input.lines, "--line");
          await requireSuperseded(factory, input.supersedes);
          return namingFlags(DECIDE_FLAGS, () =>
            factory.knowledge.recordDecision(input, { actor: options.actor, ...keyed }),
          );
        });
        if (options.json) return output.json(documentView(document));
        output.line(`recorded decision ${document.id} (${status}): ${oneLine(document.title)}`);
      }),
    );
}
