import { z } from "zod";
import { validationErrorFromZod } from "../errors.js";
import { unstorableTextIssues } from "../internal/unstorableText.js";
import { OperatorIdSchema } from "../schemas.js";
import { strictInput } from "../strictInput.js";
import { findUnsafeLineCharacter } from "../text.js";
import { ArtifactIdSchema, NewArtifactKindSchema } from "./Artifact.js";
import { PROTOTYPE_KEY_MESSAGE, prototypeKeyPaths } from "./internal/prototypeKeys.js";
import { StageNameSchema } from "./Pipeline.js";
import { SeveritySchema } from "./Signal.js";
import { LinkTypeSchema, ReviewVerdictSchema } from "./TraceLink.js";
import { LineIdSchema, ReworkCauseSchema, WorkItemKindSchema } from "./WorkItem.js";

/**
 * Length limits of the assembly line's inputs: the one source of truth for
 * every face (SDK, CLI, MCP), so a title or a signal text too long to show or
 * to pack into a context is refused wherever it comes from.
 */
export const INPUT_LIMITS = {
  /** Characters of a work item's, artifact's or incident's title. */
  title: 500,
  /** Characters of a signal's text. */
  signalText: 10_000,
  /** Characters of a signal's source (`support`, an issue URL). */
  signalSource: 500,
  /** Characters of a signal's customer. */
  customer: 200,
  /** Characters of a reason or a note. */
  reason: 2000,
  /** Characters of an idempotency key. */
  idempotencyKey: 200,
  /** Characters of a fingerprint a review names (a fingerprint is 64). */
  fingerprint: 200,
  /** Characters of a flow's or an environment's name. */
  name: 100,
  /** Entries of a list of ids (contributors, signals, work items, incidents). */
  ids: 1000,
  /** Characters of a deployment's version (`v2.4.1`, a commit sha, a build number). */
  version: 200,
  /** Names in an artifact's `fingerprintFields`. */
  fingerprintFields: 1000,
} as const;

/**
 * A string without text no store can keep (a NUL character, a lone UTF-16
 * surrogate), refused in the call's words (`title: contains a NUL character
 * ...`) before the event log would refuse it in its own (`data.title: ...`).
 * Such text stops the field's later checks, so it is its one issue.
 */
const storableText = () =>
  z.string().superRefine((value, ctx) => {
    for (const issue of unstorableTextIssues(value))
      ctx.addIssue({ code: "custom", message: issue.message, continue: false });
  });

const reason = storableText()
  .trim()
  .min(1, "a reason is required")
  .max(INPUT_LIMITS.reason, `a reason is at most ${INPUT_LIMITS.reason} characters`);
const note = storableText().max(INPUT_LIMITS.reason, `a note is at most ${INPUT_LIMITS.reason} characters`);
/**
 * A title: one line shown to people and agents (CLI, MCP), so it holds no
 * control character (newline, tab, carriage return, escape, bell) and no
 * bidi override or isolate, which would break the line, repaint a terminal or
 * show it in another order than it is stored (`title: U+202E (right-to-left
 * override) at character 12 is not allowed in a title`, counted in the
 * trimmed title). Surrounding whitespace, newlines included, is trimmed.
 */
const title = storableText()
  .trim()
  .superRefine((value, ctx) => {
    const found = findUnsafeLineCharacter(value);
    if (found !== undefined)
      ctx.addIssue({ code: "custom", message: `${found.message} is not allowed in a title` });
  })
  .min(1, "title must not be empty")
  .max(INPUT_LIMITS.title, `title is at most ${INPUT_LIMITS.title} characters`);
const name = storableText().min(1).max(INPUT_LIMITS.name);
const ids = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(INPUT_LIMITS.ids, { message: `at most ${INPUT_LIMITS.ids} ids`, abort: true })
    .superRefine((list, ctx) => {
      const seen = new Set<unknown>();
      for (const [index, id] of list.entries()) {
        if (seen.has(id))
          ctx.addIssue({ code: "custom", path: [index], message: `${JSON.stringify(id)} is listed twice` });
        seen.add(id);
      }
    })
    .default([]);
const entityId = z.string().min(1).max(200);

// Each schema's shape is a const of its own and types the schema, so the
// built .d.ts keeps each field's TSDoc for editors to show on hover (the
// inferred type of an inline `z.object({...})` loses it).
const createWorkItemInputShape = {
  /** A line of the floor plan (checked when the line has a directory that knows its lines). */
  line: LineIdSchema,
  /** What the work is, in one line (at most 500 characters; no control character or bidi override). */
  title,
  /** `feature` (default), `bug`, `improvement` or `chore`. */
  kind: WorkItemKindSchema.default("feature"),
  /** A flow of the pipeline; the pipeline's default flow when omitted. */
  flow: name.optional(),
  /** Defaults to the line's owner; checked like the line. */
  owner: OperatorIdSchema.optional(),
  /** Operators who help the owner; checked like the owner. */
  contributors: ids(OperatorIdSchema),
  /** Signals the item comes from; each must exist. */
  signals: ids(entityId),
};
/** Input of `AssemblyLine.createWorkItem`. */
export const CreateWorkItemInputSchema: z.ZodObject<typeof createWorkItemInputShape, z.core.$strict> =
  strictInput(createWorkItemInputShape);
/** Input of `AssemblyLine.createWorkItem`. */
export type CreateWorkItemInput = z.input<typeof CreateWorkItemInputSchema>;

const sendBackInputShape = {
  /** Why it goes back (required, at most 2,000 characters). */
  reason,
  /** An earlier stage of the item's flow; the previous stage when omitted. */
  to: StageNameSchema.optional(),
  /** What caused the rework: `defect` (default), `upstream`, `incident` or `other`. */
  cause: ReworkCauseSchema.default("defect"),
};
/** Input of `AssemblyLine.sendBack`. */
export const SendBackInputSchema: z.ZodObject<typeof sendBackInputShape, z.core.$strict> =
  strictInput(sendBackInputShape);
/** Input of `AssemblyLine.sendBack`. */
export type SendBackInput = z.input<typeof SendBackInputSchema>;

const reasonInputShape = {
  /** Why (required, at most 2,000 characters). */
  reason,
};
/** Input of moves that need a reason (`block`, `drop`). */
export const ReasonInputSchema: z.ZodObject<typeof reasonInputShape, z.core.$strict> =
  strictInput(reasonInputShape);
/** Input of moves that need a reason. */
export type ReasonInput = z.input<typeof ReasonInputSchema>;

const unblockInputShape = {
  /** Why it can move again (at most 2,000 characters). */
  reason: storableText()
    .max(INPUT_LIMITS.reason, `a reason is at most ${INPUT_LIMITS.reason} characters`)
    .optional(),
};
/** Input of `AssemblyLine.unblock`: why it can move again, optionally. */
export const UnblockInputSchema: z.ZodObject<typeof unblockInputShape, z.core.$strict> =
  strictInput(unblockInputShape);
/** Input of `AssemblyLine.unblock`. */
export type UnblockInput = z.input<typeof UnblockInputSchema>;

const resolveIncidentInputShape = {
  /** How service was restored (at most 2,000 characters). */
  note: note.optional(),
  /** Who resolves it; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
};
/** Input of `AssemblyLine.resolveIncident`. */
export const ResolveIncidentInputSchema: z.ZodObject<typeof resolveIncidentInputShape, z.core.$strict> =
  strictInput(resolveIncidentInputShape);
/** Input of `AssemblyLine.resolveIncident`. */
export type ResolveIncidentInput = z.input<typeof ResolveIncidentInputSchema>;

const assignInputShape = {
  /** The new owner; unchanged when omitted. Checked against the line directory. */
  owner: OperatorIdSchema.optional(),
  /** Contributors to add to those the item has; each checked like the owner. */
  contributors: ids(OperatorIdSchema),
};
/** Input of `AssemblyLine.assign`. */
export const AssignInputSchema: z.ZodObject<typeof assignInputShape, z.core.$strict> =
  strictInput(assignInputShape);
/** Input of `AssemblyLine.assign`. */
export type AssignInput = z.input<typeof AssignInputSchema>;

const moveOptionsShape = {
  /** Who makes the move; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
  /**
   * Makes a retried call land once: a retry of the same write (a creation, or
   * the same move of the same item) with the same input returns the item; the
   * key used for another write, or with another input (a creation's fields; a
   * move's reason, cause, target stage, owner, contributors), is an
   * IdempotencyConflictError.
   */
  idempotencyKey: storableText().min(1).max(INPUT_LIMITS.idempotencyKey).optional(),
  /** Enter a WIP stage past the line's limit, on purpose; recorded with the reason. */
  overrideWip: strictInput({ reason }).optional(),
  /** Fail with a conflict unless the item is still at this version (default: the version seen when the call starts). */
  expectedVersion: z.number().int().positive().optional(),
};
/** Options every move accepts. */
export const MoveOptionsSchema: z.ZodObject<typeof moveOptionsShape, z.core.$strict> =
  strictInput(moveOptionsShape);
/** Options every move accepts. */
export type MoveOptions = z.input<typeof MoveOptionsSchema>;

/**
 * An artifact's fields: values by name. A key named `__proto__`, at any
 * depth, is refused naming where it is (`fields.body[2].__proto__`): JSON
 * parses it as a member, but an object built from it takes it as its
 * prototype, so parsing would drop it without a word (a JSON file, an MCP call).
 */
export const ArtifactFieldsSchema: z.ZodPreprocess<
  z.ZodRecord<z.ZodString, z.ZodUnknown>,
  Record<string, unknown>
> = z.preprocess(
  (value: Record<string, unknown>, ctx) => {
    for (const path of prototypeKeyPaths(value))
      ctx.issues.push({ code: "custom", path, message: PROTOTYPE_KEY_MESSAGE, input: value });
    return value;
  },
  z.record(z.string(), z.unknown()),
);

const recordArtifactInputShape = {
  /** Stable id; a new `art_...` id when omitted. Recording the same id again makes a new version. */
  id: ArtifactIdSchema.optional(),
  /** What it is: `requirement`, `design`, `changeSet`, `testEvidence`, `document`, `standard`, ... */
  kind: NewArtifactKindSchema,
  /** Its title, one line (at most 500 characters; no control character or bidi override); part of the fingerprint. */
  title,
  /** Its content; `changeSet` needs `commit` and `paths`, `testEvidence` needs `runId`, `passed` and `failed`. */
  fields: ArtifactFieldsSchema.default({}),
  /** The work item it belongs to; it must exist. */
  workItem: entityId.optional(),
  /** Checked like a work item's line. */
  line: LineIdSchema.optional(),
  /**
   * `true` to move an existing artifact to the `workItem` or `line` given,
   * from the ones it belongs to (it then takes the new item's line unless
   * `line` is given). Without it, naming another work item or line than an
   * existing artifact's is refused, so reusing an id takes nothing over.
   */
  move: z.boolean().optional(),
  /** The stage it was made in, one of the pipeline's; when omitted, the previous version's stage, else the work item's current one. */
  stage: StageNameSchema.optional(),
  /** Fields the fingerprint is computed over, each one of `fields` (an optional one given as `null`) and named once, at most 1,000; all when omitted. */
  fingerprintFields: z
    .array(z.string().min(1))
    .max(INPUT_LIMITS.fingerprintFields, {
      message: `at most ${INPUT_LIMITS.fingerprintFields} field names`,
      abort: true,
    })
    .superRefine((names, ctx) => {
      names.forEach((name, index) => {
        if (names.indexOf(name) !== index)
          ctx.addIssue({ code: "custom", path: [index], message: `${JSON.stringify(name)} is listed twice` });
      });
    })
    .optional(),
  /** Who records it; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
};
/** Input of `AssemblyLine.recordArtifact`. */
export const RecordArtifactInputSchema: z.ZodObject<typeof recordArtifactInputShape, z.core.$strict> =
  strictInput(recordArtifactInputShape);
/** Input of `AssemblyLine.recordArtifact`. */
export type RecordArtifactInput = z.input<typeof RecordArtifactInputSchema>;

const linkInputShape = {
  /** The downstream end: an artifact, work item or signal id. */
  from: ArtifactIdSchema,
  /** The upstream end; its fingerprint now is what the link is verified against. */
  to: ArtifactIdSchema,
  /** One of `LINK_TYPES`: `derivesFrom`, `implements`, `verifies`, `satisfies`, `addresses`. */
  type: LinkTypeSchema,
  /** Who makes the link; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
};
/**
 * Input of `AssemblyLine.link`: `from` (downstream) relates to `to` (upstream)
 * by `type`, one of `LINK_TYPES`; an end cannot link to itself.
 */
export const LinkInputSchema: z.ZodObject<typeof linkInputShape, z.core.$strict> = strictInput(
  linkInputShape,
).refine((link) => link.from !== link.to, {
  message: "a trace link needs two different ends; from and to are the same",
  path: ["to"],
});
/** Input of `AssemblyLine.link`. */
export type LinkInput = z.input<typeof LinkInputSchema>;

const reviewInputShape = {
  /** `keep` (still right), `adapted` (downstream was updated) or `obsolete` (the link no longer carries suspicion). */
  verdict: ReviewVerdictSchema,
  /** What the reviewer found (at most 2,000 characters). */
  note: note.optional(),
  /** Who reviewed it; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
  /**
   * The fingerprint the reviewer looked at: the `to` of the link's last
   * cause (its latest upstream change), or its upstream's fingerprint when
   * the link is not suspect. A review naming another fails with
   * `ConcurrencyConflictError` naming the one to review, so a version that
   * landed while the reviewer read is not cleared unread. When omitted the
   * review covers what the link shows when the call begins.
   */
  reviewedFingerprint: z
    .string()
    .min(1, "reviewedFingerprint must not be empty")
    .max(INPUT_LIMITS.fingerprint, `reviewedFingerprint is at most ${INPUT_LIMITS.fingerprint} characters`)
    .optional(),
};
/** Input of `AssemblyLine.reviewLink`. */
export const ReviewInputSchema: z.ZodObject<typeof reviewInputShape, z.core.$strict> =
  strictInput(reviewInputShape);
/** Input of `AssemblyLine.reviewLink`. */
export type ReviewInput = z.input<typeof ReviewInputSchema>;

const captureSignalInputShape = {
  /** What the customer said or what was observed (at most 10,000 characters). */
  text: storableText()
    .trim()
    .min(1, "text must not be empty")
    .max(INPUT_LIMITS.signalText, `text is at most ${INPUT_LIMITS.signalText} characters`),
  /** Where it came from: `support`, `sales`, an issue URL (at most 500 characters). */
  source: storableText()
    .trim()
    .min(1, "source must not be empty")
    .max(INPUT_LIMITS.signalSource, `source is at most ${INPUT_LIMITS.signalSource} characters`),
  /** The customer it came from (at most 200 characters). */
  customer: storableText().max(INPUT_LIMITS.customer).optional(),
  /** `low`, `medium` (default), `high` or `critical`. */
  severity: SeveritySchema.default("medium"),
  /** Route it at once; checked like a work item's line. */
  line: LineIdSchema.optional(),
  /** Who captured it; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
};
/** Input of `AssemblyLine.captureSignal`. */
export const CaptureSignalInputSchema: z.ZodObject<typeof captureSignalInputShape, z.core.$strict> =
  strictInput(captureSignalInputShape);
/** Input of `AssemblyLine.captureSignal`. */
export type CaptureSignalInput = z.input<typeof CaptureSignalInputSchema>;

const captureSignalOptionsShape = {
  /** Makes a retried call land once: a retry with the key returns the signal the first call captured. */
  idempotencyKey: storableText().min(1).max(INPUT_LIMITS.idempotencyKey).optional(),
};
/** Options of `AssemblyLine.captureSignal`. */
export const CaptureSignalOptionsSchema: z.ZodObject<typeof captureSignalOptionsShape, z.core.$strict> =
  strictInput(captureSignalOptionsShape);
/** Options of `AssemblyLine.captureSignal`. */
export type CaptureSignalOptions = z.input<typeof CaptureSignalOptionsSchema>;

const recordFactOptionsShape = {
  /**
   * Makes a retried call land once: a retry with the key returns what the
   * first call recorded (a CI step re-run does not count a deployment twice,
   * nor a review as rework twice); the key used for another write, or with
   * other input, is an IdempotencyConflictError.
   */
  idempotencyKey: storableText().min(1).max(INPUT_LIMITS.idempotencyKey).optional(),
};
/** Options of `AssemblyLine.recordDeployment`, `AssemblyLine.openIncident` and `AssemblyLine.reviewLink`. */
export const RecordFactOptionsSchema: z.ZodObject<typeof recordFactOptionsShape, z.core.$strict> =
  strictInput(recordFactOptionsShape);
/** Options of `AssemblyLine.recordDeployment`, `AssemblyLine.openIncident` and `AssemblyLine.reviewLink`. */
export type RecordFactOptions = z.input<typeof RecordFactOptionsSchema>;

/**
 * Parses a user input with a schema, or throws a ValidationError naming the call and each bad field.
 *
 * @internal
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  subject: string,
): z.output<Schema> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject });
  return result.data;
}

/**
 * An environment's name as a write gives it: lowercase, since the DORA
 * measures count `production` and `Production` would be another environment,
 * left out of them without a word.
 */
const environmentName = name.superRefine((value, ctx) => {
  if (value === value.toLowerCase()) return;
  ctx.addIssue({
    code: "custom",
    message: `${JSON.stringify(value)} is not lowercase: environments are lowercase names, and the DORA measures count "production"; did you mean ${JSON.stringify(value.toLowerCase())}?`,
  });
});

const recordDeploymentInputShape = {
  /** Where it went, a lowercase name (default `production`; DORA measures count production only). */
  environment: environmentName.default("production"),
  /** Work items it shipped; each must exist. */
  workItems: ids(entityId),
  /** `succeeded` (default) or `failed`; a failed deployment counts toward the change failure rate. */
  status: z.enum(["succeeded", "failed"]).default("succeeded"),
  /** Incidents this deployment fixes: an unplanned deployment, counted as rework. Each must exist. */
  remediates: ids(entityId),
  /** The line of the floor plan it deployed; checked like a work item's line. A line's DORA measures count it. */
  line: LineIdSchema.optional(),
  /** What was deployed (`v2.4.1`, a commit sha, a build number): one line of at most 200 characters. */
  version: storableText()
    .trim()
    .min(1, "version must not be empty")
    .max(INPUT_LIMITS.version, `version is at most ${INPUT_LIMITS.version} characters`)
    .regex(/^\P{Cc}*$/u, "version must be one line, without control characters")
    .optional(),
  /** Who deployed; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
};
/**
 * Input of `AssemblyLine.recordDeployment`: it names what went out, its work
 * items, the incidents it remediates, its line or its version (one at least).
 */
export const RecordDeploymentInputSchema: z.ZodObject<typeof recordDeploymentInputShape, z.core.$strict> =
  strictInput(recordDeploymentInputShape).refine(
    (input) =>
      input.workItems.length > 0 ||
      input.remediates.length > 0 ||
      input.line !== undefined ||
      input.version !== undefined,
    {
      message:
        "a deployment names what went out: give its workItems, the incidents it remediates, its line or its version",
    },
  );
/** Input of `AssemblyLine.recordDeployment`. */
export type RecordDeploymentInput = z.input<typeof RecordDeploymentInputSchema>;

const openIncidentInputShape = {
  /** What is wrong in production, in one line (at most 500 characters; no control character or bidi override). */
  title,
  /** `low`, `medium`, `high` (default) or `critical`. */
  severity: SeveritySchema.default("high"),
  /** The deployment that caused it, when known; it must exist. */
  deployment: entityId.optional(),
  /** The line of the floor plan it hurts; checked like a work item's line. Its deployment's line when omitted. */
  line: LineIdSchema.optional(),
  /** Who opened it; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
};
/** Input of `AssemblyLine.openIncident`. */
export const OpenIncidentInputSchema: z.ZodObject<typeof openIncidentInputShape, z.core.$strict> =
  strictInput(openIncidentInputShape);
/** Input of `AssemblyLine.openIncident`. */
export type OpenIncidentInput = z.input<typeof OpenIncidentInputSchema>;
