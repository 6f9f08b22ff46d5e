/**
 * Schemas of what the `work` tools answer: a work item, a signal, a trace
 * link and the delivery measures, as their JSON reaches the client. Fields a
 * record leaves undefined are absent; the objects are loose, so a field the
 * core adds later does not break a client that validates.
 *
 * @module
 */
import { SeveritySchema, WorkItemKindSchema, WorkItemStateSchema } from "@software-factory/core";
import { z } from "zod";

/** An ISO 8601 timestamp, as the event log records times. */
const Instant = z.string().describe("ISO 8601 timestamp");

/** A work item as `create_work_item`, `advance_work_item` and the context pack answer it. */
export const WorkItemOutput = z.looseObject({
  id: z.string().describe("Work item id (wi_...)"),
  line: z.string().describe("The line it belongs to"),
  title: z.string(),
  kind: WorkItemKindSchema,
  flow: z.string().describe("The flow it follows: tiny, standard or full"),
  stages: z.array(z.string()).describe("The stages of its flow, in order"),
  stage: z.string().describe("The stage it is in"),
  state: WorkItemStateSchema,
  owner: z.string().optional().describe("The accountable operator; absent when the line has no owner"),
  contributors: z.array(z.string()),
  signals: z.array(z.string()).describe("Ids of the signals it came from"),
  reason: z.string().optional().describe("Why it is blocked, dropped or was last sent back"),
  sendBacks: z.number().describe("Times it was sent back for rework"),
  createdAt: Instant,
  updatedAt: Instant,
  stageEnteredAt: Instant,
  deliveredAt: Instant.optional(),
  closedAt: Instant.optional(),
  version: z.number().describe("Events about the item so far"),
  position: z.number().describe("Log position of its last event"),
});

/** A signal as `capture_signal` answers it. */
export const SignalOutput = z.looseObject({
  id: z.string().describe("Signal id (sig_...), for route_signal and create_work_item's signals"),
  text: z.string(),
  source: z.string(),
  customer: z.string().optional(),
  severity: SeveritySchema,
  capturedBy: z.string().describe("The operator who captured it"),
  capturedAt: Instant,
  line: z.string().optional().describe("The line it was routed to; absent until routed"),
  routedAt: Instant.optional(),
  routedBy: z.string().optional(),
  workItems: z.array(z.string()).describe("Ids of the work items made from it"),
  resolvedAt: Instant.optional(),
});

/** A trace link as `link_artifacts` and `list_suspect_links` answer it. */
export const TraceLinkOutput = z.looseObject({
  id: z.string().describe("Link id (link_...)"),
  from: z.string().describe("Downstream end: an artifact or work item id"),
  to: z.string().describe("Upstream end: an artifact or work item id"),
  type: z.string().describe("derivesFrom, satisfies, implements, verifies or addresses"),
  verifiedFingerprint: z.string().optional(),
  suspect: z.boolean().describe("Whether an upstream change awaits review"),
  causes: z
    .array(
      z.looseObject({
        artifact: z.string().describe("The upstream artifact whose new version made the link suspect"),
        from: z.string().describe("Its fingerprint before the change"),
        to: z.string().describe("Its fingerprint after the change"),
        version: z.number().describe("Its new version"),
        hops: z
          .number()
          .describe("1 when the link points at the changed artifact, 2 when one link lies between..."),
        at: Instant.describe("When the change was recorded"),
      }),
    )
    .describe("The upstream changes that made it suspect, oldest first; empty when not suspect"),
  obsolete: z.boolean(),
  createdAt: Instant,
});

/** Percentiles of a duration in hours: null when there is no sample. */
const Percentiles = z.looseObject({
  p50: z.number().nullable(),
  p85: z.number().nullable(),
  count: z.number(),
});

/** A share from 0 to 1; null when there is nothing to divide by. */
const Share = z.number().nullable();

/** The delivery measures of a window, as `get_metrics` answers them. */
export const MeasuresOutput = z.looseObject({
  window: z.looseObject({ from: Instant, to: Instant, days: z.number() }),
  scope: z.looseObject({ line: z.string().optional(), operator: z.string().optional() }),
  yield: z
    .looseObject({
      delivered: z.number(),
      firstPass: z.number(),
      rate: Share,
      byStage: z.record(z.string(), z.looseObject({ items: z.number(), firstPass: z.number(), rate: Share })),
      rework: z.looseObject({
        sendBacks: z.number(),
        byCause: z.record(z.string(), z.number()),
        adaptedLinks: z.number(),
        gateFailures: z.number(),
      }),
    })
    .describe("Line operators' measure: delivered work that met the standards without rework"),
  throughput: z
    .looseObject({
      delivered: z.number(),
      perWeek: z.number(),
      leadTimeHours: Percentiles,
      cycleTimeHours: z.record(z.string(), Percentiles),
      wip: z.number(),
      flowEfficiency: Share,
    })
    .describe("Factory operators' measure: how much gets delivered, how fast"),
  signals: z
    .looseObject({
      captured: z.number(),
      routed: z.number(),
      turnedIntoWork: z.number(),
      resolved: z.number(),
      routedShare: Share,
      workShare: Share,
      resolvedShare: Share,
      medianHoursToRoute: z.number().nullable(),
      medianHoursToResolve: z.number().nullable(),
    })
    .describe("Field operators' measure: what became of the signals captured in the window"),
  dora: z
    .looseObject({
      deployments: z.number(),
      deploymentsPerWeek: z.number(),
      changeLeadTimeHours: Percentiles,
      changeFailRate: z.number(),
      failedDeploymentRecoveryHours: Percentiles,
      deploymentReworkRate: z.number(),
    })
    .nullable()
    .describe("The DORA measures; null when no deployment is in the window"),
});

/** A line `route_signal` ranks for a signal or a text, with why. */
export const RouteCandidateOutput = z.looseObject({
  line: z.string().describe("Line id; route_signal with this line routes the signal to it"),
  score: z.number().describe("Fused score, comparable only within one answer; higher is likelier"),
  reasons: z.array(z.string()).describe("Why this line, strongest reason first"),
});

/** A notification of an operator's inbox, as `get_inbox` answers it. */
export const InboxItemOutput = z.looseObject({
  id: z.string().describe("Notification id, for mark_inbox_read"),
  seq: z.number().describe("Log position of the notification"),
  at: Instant.describe("When it was sent"),
  from: z.string().describe("Who or what sent it (automation:route-new-signals)"),
  to: z.string().describe("Operator id of the recipient"),
  title: z.string().describe("One line that says what happened"),
  body: z.string().describe("Markdown details"),
  ref: z
    .looseObject({
      kind: z.string().describe("What sort of thing it is: signal, artifact, line, workItem"),
      id: z.string().describe("Its id"),
    })
    .optional()
    .describe("What the notification is about"),
  reason: z.string().optional().describe("Why this operator is told (owner of checkout)"),
  causedBy: z.string().optional().describe("Id of the event that caused it, when known"),
  read: z.boolean().describe("Whether the operator marked it read"),
});

/** One version of an artifact, as `record_artifact` answers it: without its fields, the content the caller sent. */
export const ArtifactOutput = z.looseObject({
  id: z.string().describe("Its stable id across versions (REQ-12, design-login), for link_artifacts"),
  kind: z.string().describe("requirement, design, adr, task, changeSet, testEvidence, document..."),
  title: z.string(),
  workItem: z.string().optional().describe("The work item it belongs to; absent when none"),
  line: z.string().optional().describe("The line it belongs to; absent when none"),
  stage: z.string().optional().describe("The stage it was made in; absent when none"),
  version: z.number().describe("1 for the first version, then +1 per change"),
  fingerprint: z
    .string()
    .describe("Hash of the content that matters; a new one makes the links downstream suspect"),
  recordedAt: Instant.describe("When this version was recorded"),
  recordedBy: z.string().describe("Who recorded this version"),
});

/** What `record_artifact` answers: the artifact's latest version, whether this call wrote it, and the links it made suspect. */
export const RecordedArtifactOutput = z.object({
  artifact: ArtifactOutput.describe("The artifact's latest version, without the fields you sent"),
  changed: z
    .boolean()
    .describe("Whether this call wrote a new version; false when the artifact already read so"),
  suspected: z
    .array(TraceLinkOutput)
    .describe("Links downstream of it that this version made suspect (list_suspect_links lists them)"),
});

/** A deployment as `record_deployment` and `list_deployments` answer it. */
export const DeploymentOutput = z.looseObject({
  id: z.string().describe("Deployment id (dep_...), for open_incident's deployment"),
  environment: z.string().describe("Where it went; the DORA measures count production only"),
  status: z.enum(["succeeded", "failed"]),
  workItems: z.array(z.string()).describe("Ids of the work items it shipped"),
  remediates: z.array(z.string()).describe("Ids of the incidents it fixes (an unplanned deployment)"),
  line: z.string().optional().describe("The line of the floor plan it deployed; absent when none was named"),
  version: z.string().optional().describe("What went out (v2.4.1, a commit sha); absent when none was named"),
  recordedAt: Instant.describe("When it was recorded"),
  recordedBy: z.string().describe("Who recorded it"),
});

/** An incident as `open_incident`, `resolve_incident` and `list_incidents` answer it. */
export const IncidentOutput = z.looseObject({
  id: z.string().describe("Incident id (inc_...), for resolve_incident and record_deployment's remediates"),
  title: z.string().describe("What is wrong in production"),
  severity: SeveritySchema,
  deployment: z.string().optional().describe("The deployment that caused it; absent when none was named"),
  // The deployment the change fail rate blames, null when none; undescribed, as tools/list is kept small.
  blamedOn: z.string().nullable(),
  line: z
    .string()
    .optional()
    .describe("The line it hurts: named when opened, else its deployment's; absent when neither names one"),
  openedAt: Instant,
  openedBy: z.string(),
  resolvedAt: Instant.optional().describe("When it was first resolved; absent while open"),
  resolvedBy: z.string().optional().describe("Who first resolved it; absent while open"),
  note: z.string().optional().describe("How service was restored, as the first resolution said"),
});
