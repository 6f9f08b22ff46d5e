/**
 * The vocabulary of the knowledge base: document kinds, provenance, links,
 * decisions, and the inputs that capture and revise documents.
 *
 * @module
 */
import { findUnsafeLineCharacter, strictInput } from "@software-factory/core";
import { z } from "zod";
import { utcInstant } from "./internal/instant.js";

/**
 * An ISO 8601 instant, with `Z` or an offset, stored as UTC
 * (`2026-05-01T10:00:00+02:00` becomes `2026-05-01T08:00:00.000Z`) so that
 * instants of different offsets compare and filter correctly.
 */
export const InstantSchema = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 instant, as 2026-05-01T10:00:00Z" })
  .transform(utcInstant);

/** What a document is. */
export const DocumentKindSchema = z.enum([
  "conversation",
  "discovery",
  "strategy",
  "decision",
  "research",
  "insight",
  "signal",
  "requirement",
  "blueprint",
  "runbook",
  "note",
  "code",
]);
/** What a document is. */
export type DocumentKind = z.infer<typeof DocumentKindSchema>;

/** Where a document came from: the system, its address there, who wrote it and when. */
export const SourceSchema = z.object({
  /** The system it came from (`zendesk`, `notes`, `cli`), 1-100 characters. */
  system: z.string().min(1).max(100),
  /** Its address in that system (a URL or a relative path); absent when it has none. */
  uri: z.string().min(1).max(2000).optional(),
  /** Who wrote it there; absent when unknown. */
  author: z.string().min(1).max(200).optional(),
  /** When it was captured at its source, as an ISO 8601 instant (stored in UTC); absent when unknown. */
  capturedAt: InstantSchema.optional(),
});
/** Where a document came from. */
export type Source = z.infer<typeof SourceSchema>;

/** What a link type is: one word of letters, digits or hyphens, starting with a lowercase letter. */
const LINK_TYPE = /^[a-z][a-zA-Z0-9-]*$/;

/** Why a link type is refused: the rule, or the type to write when only its first letter is uppercase. */
function linkTypeProblem(input: unknown): string {
  const lowered = typeof input === "string" ? `${input.charAt(0).toLowerCase()}${input.slice(1)}` : "";
  if (lowered !== input && lowered.length <= 60 && LINK_TYPE.test(lowered))
    return `link types start with a lowercase letter: write ${lowered}`;
  return "link types are one word of letters, digits or hyphens starting with a lowercase letter, such as relatesTo, informs, evidenceFor";
}

/** A typed link from a document to another document or an assembly-line artifact. */
export const LinkSchema = z.object({
  /** What the link means: one word of letters, digits or hyphens starting lowercase (`relatesTo`, `informs`, `evidenceFor`), at most 60 characters. */
  type: z
    .string()
    .regex(LINK_TYPE, { error: (issue) => linkTypeProblem(issue.input) })
    .max(60),
  /** The id of the linked document or artifact, 1 to 200 characters. */
  target: z.string().min(1).max(200),
});
/** A typed link from a document to another document or artifact. */
export type Link = z.infer<typeof LinkSchema>;

/** A {@link SourceSchema} as a caller writes it: another key is refused, not dropped. */
const SourceInputSchema = strictInput(SourceSchema.shape);
/** A {@link LinkSchema} as a caller writes it (capture, `link`, `unlink`): another key is refused, not dropped. */
export const LinkInputSchema = strictInput(LinkSchema.shape);

/** Status of a decision in the decision log. */
export const DecisionStatusSchema = z.enum(["proposed", "accepted", "rejected", "superseded"]);
/** Status of a decision. */
export type DecisionStatus = z.infer<typeof DecisionStatusSchema>;

/** The options a decision weighed, each with its pros and cons (as stored: no limits). */
export const DecisionOptionsSchema = z
  .array(
    z.object({
      /** The option's name. */
      title: z.string().min(1),
      /** What speaks for it. */
      pros: z.array(z.string()).default([]),
      /** What speaks against it. */
      cons: z.array(z.string()).default([]),
    }),
  )
  .default([]);

/** The structured part of a decision (an ADR): why, what was weighed, what was chosen, what follows (as stored). */
export const DecisionSchema = z.object({
  /** Where the decision stands: proposed, accepted, rejected or superseded. */
  status: DecisionStatusSchema,
  /** The situation and forces that called for a decision. */
  context: z.string().min(1),
  /** The options considered, each with its pros and cons. */
  options: DecisionOptionsSchema,
  /** The option chosen, and why. */
  decision: z.string().min(1),
  /** What follows from it, good and bad (empty when not written). */
  consequences: z.string().default(""),
});

/**
 * Most characters of a decision's text written at once: its context, options
 * (titles, pros and cons), decision and consequences together. The decision's
 * markdown body repeats them, within a document body's limit.
 */
export const DECISION_TEXT_MAX = 200_000;
/** Most options a decision lists, and most pros or cons an option lists. */
export const DECISION_LIST_MAX = 20;
/** Most characters of an option's title, and of one pro or con. */
export const DECISION_OPTION_LIMITS = {
  /** Most characters of an option's title. */
  title: 500,
  /** Most characters of one pro or con. */
  point: 2000,
} as const;

/** A text field of a decision as it is written (context, decision, consequences), its limit named in the error. */
export const decisionTextSchema = (field: string) =>
  z.string().max(DECISION_TEXT_MAX, `${field} is at most ${DECISION_TEXT_MAX} characters`);
const DecisionPoint = z
  .string()
  .max(DECISION_OPTION_LIMITS.point, `at most ${DECISION_OPTION_LIMITS.point} characters`);
/** The fields of one option of a decision as it is written, within the limits (for `z.object` or `z.strictObject`). */
export const decisionOptionInputShape = {
  /** The option's name. */
  title: z
    .string()
    .min(1)
    .max(
      DECISION_OPTION_LIMITS.title,
      `an option's title is at most ${DECISION_OPTION_LIMITS.title} characters`,
    ),
  /** What speaks for it. */
  pros: z.array(DecisionPoint).max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} pros`).default([]),
  /** What speaks against it. */
  cons: z.array(DecisionPoint).max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} cons`).default([]),
};
const DecisionOptionsInputSchema = z
  .array(strictInput(decisionOptionInputShape))
  .max(DECISION_LIST_MAX, `at most ${DECISION_LIST_MAX} options`);

/** The text fields of a decision as it is written, what {@link checkDecisionTextTotal} counts. */
export interface DecisionText {
  /** The situation and forces that called for a decision. */
  readonly context: string;
  /** The options considered, each with its title, pros and cons. */
  readonly options: readonly {
    /** The option's name. */
    title: string;
    /** What speaks for it. */
    pros: readonly string[];
    /** What speaks against it. */
    cons: readonly string[];
  }[];
  /** The option chosen, and why. */
  readonly decision: string;
  /** What follows from it, good and bad. */
  readonly consequences: string;
}

/**
 * Refuses a decision whose text fields together pass {@link DECISION_TEXT_MAX}
 * characters, naming the longest of them (a field over the limit by itself
 * is refused by its own schema). For `superRefine` on schemas of decisions.
 */
export function checkDecisionTextTotal(input: DecisionText, context: z.core.$RefinementCtx): void {
  const issue = decisionTextTotalIssue(input);
  if (issue !== undefined) context.addIssue({ code: "custom", path: [issue.path], message: issue.message });
}

/**
 * The issue of {@link checkDecisionTextTotal} for `input`, at the longest
 * field, or `undefined` when its text fields together are within the limit.
 */
export function decisionTextTotalIssue(input: DecisionText): { path: string; message: string } | undefined {
  const lengths = [
    { field: "context", length: input.context.length },
    {
      field: "options",
      length: input.options.reduce(
        (sum, option) => sum + [option.title, ...option.pros, ...option.cons].join("").length,
        0,
      ),
    },
    { field: "decision", length: input.decision.length },
    { field: "consequences", length: input.consequences.length },
  ];
  const total = lengths.reduce((sum, { length }) => sum + length, 0);
  if (
    total <= DECISION_TEXT_MAX ||
    lengths.some(({ field, length }) => field !== "options" && length > DECISION_TEXT_MAX)
  )
    return undefined;
  const longest = lengths.reduce((most, entry) => (entry.length > most.length ? entry : most));
  return {
    path: longest.field,
    message: `context, options, decision and consequences together are at most ${DECISION_TEXT_MAX} characters; these have ${total}, ${longest.length} of them in ${longest.field}: shorten them, or keep the detail in a document and name it in the context`,
  };
}

/** The structured part of a decision as a capture or a revision writes it: {@link DecisionSchema} within the limits. */
const DecisionInputSchema = strictInput({
  /** Where the decision stands: proposed, accepted, rejected or superseded. */
  status: DecisionStatusSchema,
  /** The situation and forces that called for a decision. */
  context: decisionTextSchema("context").min(1),
  /** The options considered, each with its pros and cons. */
  options: DecisionOptionsInputSchema.default([]),
  /** The option chosen, and why. */
  decision: decisionTextSchema("decision").min(1),
  /** What follows from it, good and bad (empty when not written). */
  consequences: decisionTextSchema("consequences").default(""),
}).superRefine(checkDecisionTextTotal);

/** The fields of a decision a revision may change. */
const DECISION_FIELDS = ["status", "context", "options", "decision", "consequences"] as const;

/**
 * The decision fields a revision changes, merged over the document's
 * decision (the fields not given stay): at least one of them, each within
 * the limits of {@link DecisionInputSchema}; the total of the merged
 * decision's text is checked when it is merged.
 */
const DecisionRevisionInputSchema = strictInput({
  /** Where the decision stands now. */
  status: DecisionStatusSchema.optional(),
  /** The new context. */
  context: decisionTextSchema("context").min(1).optional(),
  /** The options weighed, replacing the decision's; `[]` removes them. */
  options: DecisionOptionsInputSchema.optional(),
  /** The new decision text. */
  decision: decisionTextSchema("decision").min(1).optional(),
  /** The new consequences; `""` removes them. */
  consequences: decisionTextSchema("consequences").optional(),
}).refine((fields) => DECISION_FIELDS.some((field) => fields[field] !== undefined), {
  message: `is empty, so it changes nothing: give the fields to change (${DECISION_FIELDS.join(", ")}), or leave decision out`,
});

/** The structured part of a decision. */
export type Decision = z.infer<typeof DecisionSchema>;

/** A whole tag: a letter or digit, then letters (with their accents and other marks), digits and `_ : . / -`. */
const TAG = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_:./-]*$/u;
/** One character a tag may hold after its first. */
const TAG_CHARACTER = /^[\p{L}\p{M}\p{N}_:./-]$/u;
/** What a tag may hold, as the messages say it. */
const TAG_RULE = "a tag is letters and digits, then also _ : . / -";

/** Why `tag` is no tag, in the words of {@link TagSchema}'s rule; undefined when it is one. */
function tagProblem(tag: string): string | undefined {
  if (TAG.test(tag)) return undefined;
  if (tag === "") return "must not be empty";
  if (/\s/u.test(tag)) return "tags are words without spaces";
  const characters = [...tag];
  const at = characters.findIndex((character, index) =>
    index === 0 ? !/^[\p{L}\p{N}]$/u.test(character) : !TAG_CHARACTER.test(character),
  );
  const bad = JSON.stringify(characters[at] ?? "");
  if (/\p{Extended_Pictographic}/u.test(bad))
    return `has the emoji ${bad}: ${TAG_RULE} (no emoji: one has several encodings, so a filter could miss it)`;
  return at === 0 ? `starts with ${bad}: a tag starts with a letter or digit` : `has ${bad}: ${TAG_RULE}`;
}

/**
 * A document's tag: a letter or digit, then letters, digits and `_ : . / -`
 * (`pci/dss`, `team:payments`, `v1.2`), at most 80 characters. Letters are
 * those of any script, with their accents and other combining marks
 * (`café`, `हिन्दी`), and a tag is kept in Unicode NFC, so `café` typed with
 * a combining accent is the same tag. Spaces, commas (`a,b` is two tags: give
 * them as a list) and other punctuation are refused, and so are emoji
 * (`🎉`): one emoji has several encodings (`❤` and `❤️`, skin tones), so a
 * filter typed on another keyboard would silently miss the documents; use a
 * word (`launch`). The message says which character broke the rule.
 * Captures and revisions refuse any other; a front end that filters by tag
 * (the CLI's `--tag`) checks a filter value with it, so a value no document
 * can carry is refused instead of matching nothing.
 *
 * @example
 * ```ts
 * TagSchema.parse("pci/dss"); // "pci/dss"
 * TagSchema.safeParse("two words").success; // false: "tags are words without spaces"
 * TagSchema.safeParse("a,b").success; // false: 'has ",": a tag is letters and digits, then also _ : . / -'
 * ```
 */
export const TagSchema: z.ZodString = z
  .string()
  .normalize("NFC")
  .superRefine((tag, context) => {
    const problem = tagProblem(tag);
    if (problem !== undefined) context.addIssue({ code: "custom", message: problem, input: tag });
  })
  .max(80);
const LineId = z.string().min(1).max(120);
/**
 * The floor-plan lines a capture or a revision names: at most 100 ids, and a
 * line given twice (`lines: [payments, payments]`) is kept once, where it
 * first stands, as a repeated tag is: a document concerns a line or not.
 */
const LinesSchema = z
  .array(LineId)
  .max(100)
  .transform((lines) => [...new Set(lines)]);
/**
 * A document's tags as a capture or a revision takes them: at most 100
 * {@link TagSchema} words, and a tag given twice (`[a, a]` in front matter)
 * is kept once, where it first stands. Tags are a set, and a repeated one says
 * nothing more, so it is not worth failing an import for.
 */
const TagsSchema = z
  .array(TagSchema)
  .max(100)
  .transform((tags) => [...new Set(tags)]);

/**
 * A document's title as a write takes it: trimmed, 1 to 500 characters, one
 * line shown to people and to agents (search results, context packs, MCP), so
 * it holds no control character (newline, tab, escape) and no bidi override
 * or isolate (`title: U+202E (right-to-left override) at character 11 is not
 * allowed in a title`, counted in the trimmed title), as a work item's title.
 * Titles stored before this rule are read as they are (the events' schemas
 * do not check it); the importers make a title one line with `toSafeLine`.
 */
const TitleSchema = z
  .string()
  .trim()
  .superRefine((title, context) => {
    const found = findUnsafeLineCharacter(title);
    if (found !== undefined)
      context.addIssue({ code: "custom", message: `${found.message} is not allowed in a title` });
  })
  .min(1)
  .max(500);

/** Input of `KnowledgeBase.capture` (each field is described on {@link CaptureInput}). */
export const CaptureInputSchema = strictInput({
  /** What the document is. */
  kind: DocumentKindSchema,
  /** Its title, trimmed, 1 to 500 characters, one line (no control character or bidi override). */
  title: TitleSchema,
  /** Its markdown body, at most 2,000,000 characters. */
  body: z.string().max(2_000_000),
  /** Where it came from. */
  source: SourceInputSchema,
  /** Words to filter by, without spaces; at most 100, each kept once (default: none). */
  tags: TagsSchema.default([]),
  /** Ids of the floor-plan lines it concerns; at most 100, each kept once (default: none). */
  lines: LinesSchema.default([]),
  /** Typed links to documents or artifacts; at most 500 (default: none). */
  links: z.array(LinkInputSchema).max(500).default([]),
  /** Since when the fact holds (default: `source.capturedAt`, else now). */
  validFrom: InstantSchema.optional(),
  /** Until when it holds; must be after `validFrom`. */
  validTo: InstantSchema.optional(),
  /** Ids of documents it replaces; at most 50 (default: none). */
  supersedes: z.array(z.string().min(1)).max(50).default([]),
  /** The structured decision; required with kind `decision`. */
  decision: DecisionInputSchema.optional(),
})
  .refine(
    (input) =>
      input.validTo === undefined || input.validFrom === undefined || input.validTo > input.validFrom,
    {
      message: "validTo must be after validFrom",
      path: ["validTo"],
    },
  )
  .refine((input) => input.kind !== "decision" || input.decision !== undefined, {
    message: "a decision document needs its decision fields (use recordDecision)",
    path: ["decision"],
  });
/** Input of `KnowledgeBase.capture`, as a caller writes it (what {@link CaptureInputSchema} accepts). */
export interface CaptureInput {
  /** What the document is (`note`, `decision`, `runbook`...). */
  kind: DocumentKind;
  /** Its title (1 to 500 characters, one line: no control character or bidi override); it counts twice in lexical search. */
  title: string;
  /** Its markdown body, chunked by headings for search. */
  body: string;
  /** Where it came from: system, address (`uri`), author, and when it was captured there. */
  source: z.input<typeof SourceSchema>;
  /** Words to filter by (no spaces; `team:payments` is fine). */
  tags?: string[] | undefined;
  /** Ids of the floor-plan lines it concerns (each kept once). */
  lines?: string[] | undefined;
  /** Typed links to other documents or artifacts (`{ type: "informs", target: "doc_..." }`). */
  links?: Link[] | undefined;
  /** Since when the fact holds, an ISO 8601 instant (default: `source.capturedAt`, else now). */
  validFrom?: string | undefined;
  /** Until when it holds, when that is known; `asOf` searches from then on leave it out. */
  validTo?: string | undefined;
  /** Ids of documents this one replaces: they are marked superseded in the same write. */
  supersedes?: string[] | undefined;
  /** The structured decision, required with kind `decision` (use `recordDecision`). */
  decision?: z.input<typeof DecisionSchema> | undefined;
}

/** Input of `KnowledgeBase.captureOrRevise`: a capture whose source names the document's address there. */
export const SourcedCaptureInputSchema = CaptureInputSchema.safeExtend({
  /** Where it came from; `uri` is required here. */
  source: SourceInputSchema.extend({
    /** The document's address at its source (1 to 2000 characters): one document is kept per address. */
    uri: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? "is required: the document's address at its source, which keeps one document per address"
            : undefined,
      })
      .min(1)
      .max(2000),
  }),
});
/** Input of `KnowledgeBase.captureOrRevise`, as a caller writes it. */
export type SourcedCaptureInput = z.input<typeof SourcedCaptureInputSchema>;

/** Input of `KnowledgeBase.revise`: the fields that change; the rest stays. */
export const ReviseInputSchema = strictInput({
  /** The new title, trimmed, 1 to 500 characters, one line (no control character or bidi override). */
  title: TitleSchema.optional(),
  /** The new markdown body, at most 2,000,000 characters. */
  body: z.string().max(2_000_000).optional(),
  /** The new tags, replacing the old ones; at most 100, each kept once. */
  tags: TagsSchema.optional(),
  /** The new line ids, replacing the old ones; at most 100, each kept once. */
  lines: LinesSchema.optional(),
  /** The new start of validity. */
  validFrom: InstantSchema.optional(),
  /** The new end of validity; `null` clears it. */
  validTo: InstantSchema.nullable().optional(),
  /**
   * The decision fields that change (any of status, context, options,
   * decision, consequences), merged over the document's decision in the same
   * write; the body is rewritten from the merged decision unless `body` is
   * given too. Only a decision document takes it, and `{}` is refused.
   */
  decision: DecisionRevisionInputSchema.optional(),
  /** Why it is revised, kept with the revision; at most 2000 characters. */
  reason: z.string().max(2000).optional(),
});
/** Input of `KnowledgeBase.revise`, as a caller writes it. */
export type ReviseInput = z.input<typeof ReviseInputSchema>;

/** Input of `KnowledgeBase.recordDecision`. */
export const RecordDecisionInputSchema = strictInput({
  /** The decision's title, trimmed, 1 to 500 characters, one line (no control character or bidi override). */
  title: TitleSchema,
  /** Where it stands (default: `proposed`). */
  status: DecisionStatusSchema.default("proposed"),
  /** The situation and forces that called for a decision. */
  context: decisionTextSchema("context").min(1),
  /** The options weighed, each with its pros and cons; at most 20 (default: none). */
  options: DecisionOptionsInputSchema.default([]),
  /** The option chosen, and why. */
  decision: decisionTextSchema("decision").min(1),
  /** What follows from it, good and bad (default: empty). */
  consequences: decisionTextSchema("consequences").default(""),
  /** Where it came from. */
  source: SourceInputSchema,
  /** Words to filter by, without spaces; at most 100, each kept once (default: none). */
  tags: TagsSchema.default([]),
  /** Ids of the floor-plan lines it concerns; at most 100, each kept once (default: none). */
  lines: LinesSchema.default([]),
  /** Typed links to documents or artifacts; at most 500 (default: none). */
  links: z.array(LinkInputSchema).max(500).default([]),
  /** Ids of earlier decisions or documents it replaces; at most 50 (default: none). */
  supersedes: z.array(z.string().min(1)).max(50).default([]),
}).superRefine(checkDecisionTextTotal);
/** Input of `KnowledgeBase.recordDecision`, as a caller writes it. */
export type RecordDecisionInput = z.input<typeof RecordDecisionInputSchema>;
