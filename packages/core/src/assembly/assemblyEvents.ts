import { z } from "zod";
import { defineEvent } from "../EventRegistry.js";
import { OperatorIdSchema } from "../schemas.js";
import { ArtifactIdSchema, ArtifactKindSchema } from "./Artifact.js";
import { StageNameSchema } from "./Pipeline.js";
import { SeveritySchema } from "./Signal.js";
import { ReviewVerdictSchema } from "./TraceLink.js";
import { LineIdSchema, ReworkCauseSchema, WorkItemKindSchema } from "./WorkItem.js";

/** Why, in the words of whoever made the move; required and never blank. */
const reason = z.string().trim().min(1, "a reason is required");
/** The idempotency key of the request that created or moved an item, captured a signal, recorded a deployment or incident or reviewed a link, so a retry returns the first result. */
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
    /** The line the item belongs to. */
    line: LineIdSchema,
    /** What is to be done, in a line. */
    title: z.string().min(1),
    /** What sort of work it is: `feature`, `bug`, `improvement` or `chore`. */
    kind: WorkItemKindSchema,
    /** The pipeline flow it follows. */
    flow: z.string().min(1),
    /** The flow's stages at creation, in order; the item starts in the first and keeps this list. */
    stages: z.array(StageNameSchema).min(1),
    /** The operator who owns the item, when one was named. */
    owner: OperatorIdSchema.optional(),
    /** Other operators working on it (default: none). */
    contributors: z.array(OperatorIdSchema).default([]),
    /** Ids of the customer signals it answers (default: none). */
    signals: z.array(z.string().min(1)).default([]),
    request,
  }),
);

/** A work item moved forward to the next stage of its flow. */
export const WorkAdvanced = defineEvent(
  "work.advanced",
  z.object({
    /** The stage it left. */
    from: StageNameSchema,
    /** The stage it entered. */
    to: StageNameSchema,
    request,
  }),
);

/** A work item was sent back to an earlier stage for rework. */
export const WorkSentBack = defineEvent(
  "work.sent.back",
  z.object({
    /** The stage it left. */
    from: StageNameSchema,
    /** The earlier stage it went back to. */
    to: StageNameSchema,
    reason,
    /** Why rework was needed (`defect`, `upstream`, `incident`, `other`); yield counts it. */
    cause: ReworkCauseSchema,
    request,
  }),
);

/** A work item was blocked. */
export const WorkBlocked = defineEvent(
  "work.blocked",
  z.object({
    /** The stage it was blocked in. */
    stage: StageNameSchema,
    reason,
    request,
  }),
);

/** A blocked work item may move again. */
export const WorkUnblocked = defineEvent(
  "work.unblocked",
  z.object({
    /** The stage it was blocked in. */
    stage: StageNameSchema,
    /** What cleared the block, when given. */
    reason: z.string().optional(),
    request,
  }),
);

/** A work item was abandoned. */
export const WorkDropped = defineEvent(
  "work.dropped",
  z.object({
    /** The stage it was in when dropped. */
    stage: StageNameSchema,
    reason,
    request,
  }),
);

/** A work item finished the last stage of its flow. */
export const WorkCompleted = defineEvent(
  "work.completed",
  z.object({
    /** The last stage of its flow, which it finished. */
    stage: StageNameSchema,
    request,
  }),
);

/** The owner changed or contributors joined. */
export const WorkAssigned = defineEvent(
  "work.assigned",
  z.object({
    /** The new owner; absent when only contributors joined. */
    owner: OperatorIdSchema.optional(),
    /** Operators who joined as contributors (default: none). */
    contributors: z.array(OperatorIdSchema).default([]),
    request,
  }),
);

/** A move was refused by gates; recorded so yield can count it. */
export const WorkGateFailed = defineEvent(
  "work.gate.failed",
  z.object({
    /** The stage it was leaving. */
    from: StageNameSchema,
    /** The stage it asked to enter. */
    to: StageNameSchema,
    /** Every finding of every gate that refused; at least one. */
    findings: z
      .array(
        z.object({
          /** The gate that refused. */
          gate: z.string(),
          /** What is wrong. */
          message: z.string(),
          /** What to do about it, when the gate says. */
          hint: z.string().optional(),
        }),
      )
      .min(1),
  }),
);

/** A move into a WIP stage went past the line's limit on purpose; recorded with who and why. */
export const WorkWipOverridden = defineEvent(
  "work.wip.overridden",
  z.object({
    /** The WIP stage entered. */
    stage: StageNameSchema,
    /** The line's WIP limit at the time. */
    limit: z.number().int().positive(),
    /** Items of the line in progress before this one entered. */
    inProgress: z.number().int().nonnegative(),
    reason,
  }),
);

/** A new version of an artifact (subject: the artifact id). */
export const ArtifactRecorded = defineEvent(
  "artifact.recorded",
  z.object({
    /** What the artifact is (`requirement`, `changeSet`, `testEvidence`...). */
    kind: ArtifactKindSchema,
    /** Its title in this version. */
    title: z.string().min(1),
    /** Its kind-specific content in this version, in full (not a diff). */
    fields: z.record(z.string(), z.unknown()),
    /** The version number: 1 for the first, one more for each later version. */
    version: z.number().int().positive(),
    /** Fingerprint of this version's content; when it changes, downstream links turn suspect. */
    fingerprint: z.string().min(1),
    /** The work item it belongs to, when it belongs to one. */
    workItem: z.string().optional(),
    /** The line it belongs to, when known. */
    line: LineIdSchema.optional(),
    /** The stage it was recorded in, when it belongs to a work item. */
    stage: StageNameSchema.optional(),
  }),
);

/** A trace link was made from a downstream end to an upstream one (subject: the link id). */
export const TraceLinked = defineEvent(
  "trace.linked",
  z.object({
    /** The downstream end (what derives from `to`). */
    from: ArtifactIdSchema,
    /** The upstream end. */
    to: ArtifactIdSchema,
    /** How `from` relates to `to`: one of `LINK_TYPES` (`derivesFrom`, `verifies`...) for new links. */
    type: recordedLinkType,
    /** The upstream end's fingerprint when the link was made; absent when upstream is no artifact. */
    fingerprint: z.string().optional(),
  }),
);

/** A suspect link was reviewed: who (the actor), against which fingerprints, with what verdict. */
export const TraceReviewed = defineEvent(
  "trace.reviewed",
  z.object({
    /** What the reviewer decided about the link. */
    verdict: ReviewVerdictSchema,
    /** The upstream fingerprint the link was verified against before this review, when it had one. */
    from: z.string().optional(),
    /** The upstream fingerprint it is verified against from now on, when upstream is an artifact. */
    to: z.string().optional(),
    /** The reviewer's note, when given. */
    note: z.string().optional(),
    request,
  }),
);

/**
 * An artifact came back to a fingerprint it had before the changes that made
 * links downstream of it suspect (subject: the artifact id), in the same
 * append as the `artifact.recorded` of that version. Each link whose suspicion
 * from the artifact began at this fingerprint (a link verified against it) is
 * no longer suspect because of the artifact; one with no other cause is clean.
 */
export const TraceRestored = defineEvent(
  "trace.restored",
  z.object({
    /** The fingerprint the artifact is back at. */
    fingerprint: z.string().min(1),
    /** The artifact's version that brought it back. */
    version: z.number().int().positive(),
  }),
);

/** A field operator captured a customer signal (subject: the signal id). */
export const SignalCaptured = defineEvent(
  "signal.captured",
  z.object({
    /** What the customer said or what was observed, trimmed. */
    text: z.string().trim().min(1),
    /** Where it came from (`support`, `sales-call`, a ticket URL). */
    source: z.string().min(1),
    /** The customer it came from, when known. */
    customer: z.string().optional(),
    /** How much it hurts the customer: `low`, `medium`, `high` or `critical`. */
    severity: SeveritySchema,
    request,
  }),
);

/** A signal was routed to a line. */
export const SignalRouted = defineEvent(
  "signal.routed",
  z.object({
    /** The line that now owns the signal. */
    line: LineIdSchema,
    /** The capture's idempotency key, when the signal was routed as it was captured. */
    request,
  }),
);

/** The work made from a signal was delivered. */
export const SignalResolved = defineEvent(
  "signal.resolved",
  z.object({
    /** The delivered work item that resolved it. */
    workItem: z.string().min(1),
  }),
);

/** A deployment went out (subject: the deployment id), carrying work items; `remediates` marks an unplanned fix for incidents. */
export const DeploymentRecorded = defineEvent(
  "deployment.recorded",
  z.object({
    /** Where it went (`production`, `staging`). */
    environment: z.string().min(1),
    /** Ids of the work items it carried (default: none). */
    workItems: z.array(z.string().min(1)).default([]),
    /** Whether it went out; a failed one counts as a change failure, as does one that caused an incident. */
    status: z.enum(["succeeded", "failed"]),
    /** Ids of the incidents it fixes, for an unplanned fix (default: none). */
    remediates: z.array(z.string().min(1)).default([]),
    /** The line it deployed, when named (absent in logs written before deployments named one). */
    line: LineIdSchema.optional(),
    /** What was deployed (`v2.4.1`, a commit sha), when named. */
    version: z.string().min(1).max(200).optional(),
    request,
  }),
);

/** An incident in production was opened (subject: the incident id), caused by a deployment when known. */
export const IncidentOpened = defineEvent(
  "incident.opened",
  z.object({
    /** What is broken, trimmed. */
    title: z.string().trim().min(1),
    /** How bad it is. */
    severity: SeveritySchema,
    /** The deployment that caused it, when known. */
    deployment: z.string().min(1).optional(),
    /** The line it hurts, when named (absent in logs written before incidents named one). */
    line: LineIdSchema.optional(),
    request,
  }),
);

/** An incident was resolved: service is restored. */
export const IncidentResolved = defineEvent(
  "incident.resolved",
  z.object({
    /** How it was resolved, when given. */
    note: z.string().optional(),
  }),
);

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
  TraceRestored,
  SignalCaptured,
  SignalRouted,
  SignalResolved,
  DeploymentRecorded,
  IncidentOpened,
  IncidentResolved,
] as const;

/** Type names of {@link assemblyEvents}. */
export const ASSEMBLY_EVENT_TYPES: readonly string[] = assemblyEvents.map((definition) => definition.type);
