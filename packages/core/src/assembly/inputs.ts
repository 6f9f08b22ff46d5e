import { z } from "zod";
import { validationErrorFromZod } from "../errors.js";
import { OperatorIdSchema } from "../schemas.js";
import { ArtifactIdSchema, ArtifactKindSchema } from "./Artifact.js";
import { StageNameSchema } from "./Pipeline.js";
import { SeveritySchema } from "./Signal.js";
import { LinkTypeSchema, ReviewVerdictSchema } from "./TraceLink.js";
import { LineIdSchema, ReworkCauseSchema, WorkItemKindSchema } from "./WorkItem.js";

const reason = z.string().trim().min(1, "a reason is required");

/** Input of `AssemblyLine.createWorkItem`. */
export const CreateWorkItemInputSchema = z.object({
  line: LineIdSchema,
  title: z.string().trim().min(1, "title must not be empty"),
  kind: WorkItemKindSchema.default("feature"),
  /** A flow of the pipeline; the pipeline's default flow when omitted. */
  flow: z.string().optional(),
  /** Defaults to the line's owner. */
  owner: OperatorIdSchema.optional(),
  contributors: z.array(OperatorIdSchema).default([]),
  /** Signals the item comes from; each must exist. */
  signals: z.array(z.string().min(1)).default([]),
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

/** Input of `AssemblyLine.assign`. */
export const AssignInputSchema = z.object({
  owner: OperatorIdSchema.optional(),
  contributors: z.array(OperatorIdSchema).default([]),
});
/** Input of `AssemblyLine.assign`. */
export type AssignInput = z.input<typeof AssignInputSchema>;

/** Options every move accepts. */
export const MoveOptionsSchema = z.object({
  /** Who makes the move; the line's or the log's actor when omitted. */
  actor: OperatorIdSchema.optional(),
  /** Makes a retried call land once. */
  idempotencyKey: z.string().min(1).optional(),
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
  title: z.string().trim().min(1, "title must not be empty"),
  fields: z.record(z.string(), z.unknown()).default({}),
  workItem: z.string().min(1).optional(),
  line: LineIdSchema.optional(),
  stage: StageNameSchema.optional(),
  /** Fields the fingerprint is computed over; all when omitted. */
  fingerprintFields: z.array(z.string().min(1)).optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.recordArtifact`. */
export type RecordArtifactInput = z.input<typeof RecordArtifactInputSchema>;

/** Input of `AssemblyLine.link`: `from` (downstream) relates to `to` (upstream) by `type`. */
export const LinkInputSchema = z.object({
  from: ArtifactIdSchema,
  to: ArtifactIdSchema,
  type: LinkTypeSchema,
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.link`. */
export type LinkInput = z.input<typeof LinkInputSchema>;

/** Input of `AssemblyLine.reviewLink`. */
export const ReviewInputSchema = z.object({
  verdict: ReviewVerdictSchema,
  note: z.string().optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.reviewLink`. */
export type ReviewInput = z.input<typeof ReviewInputSchema>;

/** Input of `AssemblyLine.captureSignal`. */
export const CaptureSignalInputSchema = z.object({
  text: z.string().trim().min(1, "text must not be empty"),
  source: z.string().trim().min(1, "source must not be empty"),
  customer: z.string().optional(),
  severity: SeveritySchema.default("medium"),
  /** Route it at once. */
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
  environment: z.string().min(1).default("production"),
  /** Work items it shipped; each must exist. */
  workItems: z.array(z.string().min(1)).default([]),
  status: z.enum(["succeeded", "failed"]).default("succeeded"),
  /** Incidents this deployment fixes: an unplanned deployment, counted as rework. Each must exist. */
  remediates: z.array(z.string().min(1)).default([]),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.recordDeployment`. */
export type RecordDeploymentInput = z.input<typeof RecordDeploymentInputSchema>;

/** Input of `AssemblyLine.openIncident`. */
export const OpenIncidentInputSchema = z.object({
  title: z.string().trim().min(1, "title must not be empty"),
  severity: SeveritySchema.default("high"),
  /** The deployment that caused it, when known; it must exist. */
  deployment: z.string().min(1).optional(),
  actor: OperatorIdSchema.optional(),
});
/** Input of `AssemblyLine.openIncident`. */
export type OpenIncidentInput = z.input<typeof OpenIncidentInputSchema>;
