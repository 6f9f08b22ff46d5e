import { z } from "zod";
import { defineEvent } from "../EventRegistry.js";
import { OperatorIdSchema } from "../schemas.js";
import { ArtifactIdSchema, ArtifactKindSchema } from "./Artifact.js";
import { StageNameSchema } from "./Pipeline.js";
import { SeveritySchema } from "./Signal.js";
import { ReviewVerdictSchema } from "./TraceLink.js";
import { LineIdSchema, ReworkCauseSchema, WorkItemKindSchema } from "./WorkItem.js";

const reason = z.string().trim().min(1, "a reason is required");
/** The idempotency key of the request that created or moved an item, so a retry returns the first result. */
const request = z.string().min(1).max(200).optional();
/**
 * The type of a recorded link: a camelCase word. New links are held to
 * `LINK_TYPES` by the link input; logs written before the types were fixed
 * may hold other words and still fold.
 */
const recordedLinkType = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,39}$/, "link type must be a camelCase word, as in derivesFrom");

/** A work item was created in the first stage of its flow (subject: the item id). */
export const WorkCreated = defineEvent(
  "work.created",
  z.object({
    line: LineIdSchema,
    title: z.string().min(1),
    kind: WorkItemKindSchema,
    flow: z.string().min(1),
    stages: z.array(StageNameSchema).min(1),
    owner: OperatorIdSchema.optional(),
    contributors: z.array(OperatorIdSchema).default([]),
    signals: z.array(z.string().min(1)).default([]),
    request,
  }),
);

/** A work item moved forward to the next stage of its flow. */
export const WorkAdvanced = defineEvent(
  "work.advanced",
  z.object({ from: StageNameSchema, to: StageNameSchema, request }),
);

/** A work item was sent back to an earlier stage for rework. */
export const WorkSentBack = defineEvent(
  "work.sent.back",
  z.object({ from: StageNameSchema, to: StageNameSchema, reason, cause: ReworkCauseSchema, request }),
);

/** A work item was blocked. */
export const WorkBlocked = defineEvent("work.blocked", z.object({ stage: StageNameSchema, reason, request }));

/** A blocked work item may move again. */
export const WorkUnblocked = defineEvent(
  "work.unblocked",
  z.object({ stage: StageNameSchema, reason: z.string().optional(), request }),
);

/** A work item was abandoned. */
export const WorkDropped = defineEvent("work.dropped", z.object({ stage: StageNameSchema, reason, request }));

/** A work item finished the last stage of its flow. */
export const WorkCompleted = defineEvent("work.completed", z.object({ stage: StageNameSchema, request }));

/** The owner changed or contributors joined. */
export const WorkAssigned = defineEvent(
  "work.assigned",
  z.object({
    owner: OperatorIdSchema.optional(),
    contributors: z.array(OperatorIdSchema).default([]),
    request,
  }),
);

/** A move was refused by gates; recorded so yield can count it. */
export const WorkGateFailed = defineEvent(
  "work.gate.failed",
  z.object({
    from: StageNameSchema,
    to: StageNameSchema,
    findings: z
      .array(z.object({ gate: z.string(), message: z.string(), hint: z.string().optional() }))
      .min(1),
  }),
);

/** A move into a WIP stage went past the line's limit on purpose; recorded with who and why. */
export const WorkWipOverridden = defineEvent(
  "work.wip.overridden",
  z.object({
    stage: StageNameSchema,
    limit: z.number().int().positive(),
    inProgress: z.number().int().nonnegative(),
    reason,
  }),
);

/** A new version of an artifact (subject: the artifact id). */
export const ArtifactRecorded = defineEvent(
  "artifact.recorded",
  z.object({
    kind: ArtifactKindSchema,
    title: z.string().min(1),
    fields: z.record(z.string(), z.unknown()),
    version: z.number().int().positive(),
    fingerprint: z.string().min(1),
    workItem: z.string().optional(),
    line: LineIdSchema.optional(),
    stage: StageNameSchema.optional(),
  }),
);

/** A trace link was made from a downstream end to an upstream one (subject: the link id). */
export const TraceLinked = defineEvent(
  "trace.linked",
  z.object({
    from: ArtifactIdSchema,
    to: ArtifactIdSchema,
    type: recordedLinkType,
    fingerprint: z.string().optional(),
  }),
);

/** A suspect link was reviewed: who (the actor), against which fingerprints, with what verdict. */
export const TraceReviewed = defineEvent(
  "trace.reviewed",
  z.object({
    verdict: ReviewVerdictSchema,
    from: z.string().optional(),
    to: z.string().optional(),
    note: z.string().optional(),
  }),
);

/** A field operator captured a customer signal (subject: the signal id). */
export const SignalCaptured = defineEvent(
  "signal.captured",
  z.object({
    text: z.string().trim().min(1),
    source: z.string().min(1),
    customer: z.string().optional(),
    severity: SeveritySchema,
  }),
);

/** A signal was routed to a line. */
export const SignalRouted = defineEvent("signal.routed", z.object({ line: LineIdSchema }));

/** The work made from a signal was delivered. */
export const SignalResolved = defineEvent("signal.resolved", z.object({ workItem: z.string().min(1) }));

/** A deployment went out (subject: the deployment id), carrying work items; `remediates` marks an unplanned fix for incidents. */
export const DeploymentRecorded = defineEvent(
  "deployment.recorded",
  z.object({
    environment: z.string().min(1),
    workItems: z.array(z.string().min(1)).default([]),
    status: z.enum(["succeeded", "failed"]),
    remediates: z.array(z.string().min(1)).default([]),
  }),
);

/** An incident in production was opened (subject: the incident id), caused by a deployment when known. */
export const IncidentOpened = defineEvent(
  "incident.opened",
  z.object({
    title: z.string().trim().min(1),
    severity: SeveritySchema,
    deployment: z.string().min(1).optional(),
  }),
);

/** An incident was resolved: service is restored. */
export const IncidentResolved = defineEvent("incident.resolved", z.object({ note: z.string().optional() }));

/** Every event type of the assembly line; register them on the log (openAssemblyLine does). */
export const assemblyEvents = [
  WorkCreated,
  WorkAdvanced,
  WorkSentBack,
  WorkBlocked,
  WorkUnblocked,
  WorkDropped,
  WorkCompleted,
  WorkAssigned,
  WorkGateFailed,
  WorkWipOverridden,
  ArtifactRecorded,
  TraceLinked,
  TraceReviewed,
  SignalCaptured,
  SignalRouted,
  SignalResolved,
  DeploymentRecorded,
  IncidentOpened,
  IncidentResolved,
] as const;

/** Type names of {@link assemblyEvents}. */
export const ASSEMBLY_EVENT_TYPES: readonly string[] = assemblyEvents.map((definition) => definition.type);
