import { z } from "zod";
import { validationErrorFromZod } from "../errors.js";
import { OperatorIdSchema } from "../schemas.js";
import { ArtifactIdSchema, ArtifactKindSchema } from "./Artifact.js";
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
  /** Characters of a flow's or an environment's name. */
  name: 100,
  /** Entries of a list of ids (contributors, signals, work items, incidents). */
  ids: 1000,
} as const;

const reason = z
  .string()
  .trim()
  .min(1, "a reason is required")
  .max(INPUT_LIMITS.reason, `a reason is at most ${INPUT_LIMITS.reason} characters`);
const note = z.string().max(INPUT_LIMITS.reason, `a note is at most ${INPUT_LIMITS.reason} characters`);
const title = z
  .string()
  .trim()
  .min(1, "title must not be empty")
  .max(INPUT_LIMITS.title, `title is at most ${INPUT_LIMITS.title} characters`);
const name = z.string().min(1).max(INPUT_LIMITS.name);
const ids = <T extends z.ZodType>(item: T) =>
  z.array(item).max(INPUT_LIMITS.ids, `at most ${INPUT_LIMITS.ids} ids`).default([]);
const entityId = z.string().min(1).max(200);

/** Input of `AssemblyLine.createWorkItem`. */
export const CreateWorkItemInputSchema = z.object({
  /** A line of the floor plan (checked when the line has a directory that knows its lines). */
  line: LineIdSchema,
  title,
  kind: WorkItemKindSchema.default("feature"),
  /** A flow of the pipeline; the pipeline's default flow when omitted. */
  flow: name.optional(),
  /** Defaults to the line's owner; checked like the line. */
  owner: OperatorIdSchema.optional(),
  contributors: ids(OperatorIdSchema),
  /** Signals the item comes from; each must exist. */
  signals: ids(entityId),
});
/** Input of `AssemblyLine.createWorkItem`. */
export type CreateWorkItemInput = z.input<typeof CreateWorkItemInputSchema>;

/** Input of `AssemblyLine.sendBack`. */
export const SendBackInputSchema = z.object({
  reason,
  /** An earlier stage of the item's flow; the previous stage when omitted. */
  to: StageNameSchema.optional(),
  cause: ReworkCauseSchema.default("defect"),
});
/** Input of `AssemblyLine.sendBack`. */
export type SendBackInput = z.input<typeof SendBackInputSchema>;

/** Input of moves that need a reason (`block`, `drop`). */
export const ReasonInputSchema = z.object({ reason });
/** Input of moves that need a reason. */
export type ReasonInput = z.input<typeof ReasonInputSchema>;

/** Input of `AssemblyLine.unblock`: why it can move again, optionally. */
export const UnblockInputSchema = z.object({ reason: note.optional() });
/** Input of `AssemblyLine.unblock`. */
export type UnblockInput = z.input<typeof UnblockInputSchema>;

/** Input of `AssemblyLine.resolveIncident`. */
export const ResolveIncidentInputSchema = z.object({
  note: note.optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.resolveIncident`. */
export type ResolveIncidentInput = z.input<typeof ResolveIncidentInputSchema>;

/** Input of `AssemblyLine.assign`. */
export const AssignInputSchema = z.object({
  owner: OperatorIdSchema.optional(),
  contributors: ids(OperatorIdSchema),
});
/** Input of `AssemblyLine.assign`. */
export type AssignInput = z.input<typeof AssignInputSchema>;

/** Options every move accepts. */
export const MoveOptionsSchema = z.object({
  /** Who makes the move; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
  /** Makes a retried call land once. */
  idempotencyKey: z.string().min(1).max(INPUT_LIMITS.idempotencyKey).optional(),
  /** Enter a WIP stage past the line's limit, on purpose; recorded with the reason. */
  overrideWip: z.object({ reason }).optional(),
  /** Fail with a conflict unless the item is still at this version (default: the version seen when the call starts). */
  expectedVersion: z.number().int().positive().optional(),
});
/** Options every move accepts. */
export type MoveOptions = z.input<typeof MoveOptionsSchema>;

/** Input of `AssemblyLine.recordArtifact`. */
export const RecordArtifactInputSchema = z.object({
  /** Stable id; a new `art_...` id when omitted. Recording the same id again makes a new version. */
  id: ArtifactIdSchema.optional(),
  kind: ArtifactKindSchema,
  title,
  fields: z.record(z.string(), z.unknown()).default({}),
  workItem: entityId.optional(),
  /** Checked like a work item's line. */
  line: LineIdSchema.optional(),
  stage: StageNameSchema.optional(),
  /** Fields the fingerprint is computed over; all when omitted. */
  fingerprintFields: z.array(z.string().min(1)).optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.recordArtifact`. */
export type RecordArtifactInput = z.input<typeof RecordArtifactInputSchema>;

/**
 * Input of `AssemblyLine.link`: `from` (downstream) relates to `to` (upstream)
 * by `type`, one of `LINK_TYPES`; an end cannot link to itself.
 */
export const LinkInputSchema = z
  .object({
    from: ArtifactIdSchema,
    to: ArtifactIdSchema,
    type: LinkTypeSchema,
    actor: OperatorIdSchema.optional(),
  })
  .refine((link) => link.from !== link.to, {
    message: "a trace link needs two different ends; from and to are the same",
    path: ["to"],
  });
/** Input of `AssemblyLine.link`. */
export type LinkInput = z.input<typeof LinkInputSchema>;

/** Input of `AssemblyLine.reviewLink`. */
export const ReviewInputSchema = z.object({
  verdict: ReviewVerdictSchema,
  note: note.optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.reviewLink`. */
export type ReviewInput = z.input<typeof ReviewInputSchema>;

/** Input of `AssemblyLine.captureSignal`. */
export const CaptureSignalInputSchema = z.object({
  text: z
    .string()
    .trim()
    .min(1, "text must not be empty")
    .max(INPUT_LIMITS.signalText, `text is at most ${INPUT_LIMITS.signalText} characters`),
  source: z
    .string()
    .trim()
    .min(1, "source must not be empty")
    .max(INPUT_LIMITS.signalSource, `source is at most ${INPUT_LIMITS.signalSource} characters`),
  customer: z.string().max(INPUT_LIMITS.customer).optional(),
  severity: SeveritySchema.default("medium"),
  /** Route it at once; checked like a work item's line. */
  line: LineIdSchema.optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.captureSignal`. */
export type CaptureSignalInput = z.input<typeof CaptureSignalInputSchema>;

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

/** Input of `AssemblyLine.recordDeployment`. */
export const RecordDeploymentInputSchema = z.object({
  /** Where it went (default `production`; DORA measures count production only). */
  environment: name.default("production"),
  /** Work items it shipped; each must exist. */
  workItems: ids(entityId),
  status: z.enum(["succeeded", "failed"]).default("succeeded"),
  /** Incidents this deployment fixes: an unplanned deployment, counted as rework. Each must exist. */
  remediates: ids(entityId),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.recordDeployment`. */
export type RecordDeploymentInput = z.input<typeof RecordDeploymentInputSchema>;

/** Input of `AssemblyLine.openIncident`. */
export const OpenIncidentInputSchema = z.object({
  title,
  severity: SeveritySchema.default("high"),
  /** The deployment that caused it, when known; it must exist. */
  deployment: entityId.optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.openIncident`. */
export type OpenIncidentInput = z.input<typeof OpenIncidentInputSchema>;
