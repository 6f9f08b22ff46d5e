/**
 * The artifact tools of the `work` group: recording what a work item
 * produced (a requirement, a design, a code change, test results) as
 * versioned artifacts, and reviewing the trace links an upstream change made
 * suspect (links are made with `link_artifacts` and listed with
 * `list_suspect_links`, in `work.ts`).
 *
 * @module
 */
import {
  ArtifactIdSchema,
  ArtifactKindSchema,
  LineIdSchema,
  RecordArtifactInputSchema,
  ReviewInputSchema,
  ReviewVerdictSchema,
} from "@software-factory/core";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { requireTraceLink, requireWorkItem } from "./knownRecords.js";
import { requireLine, requireStage } from "./knownValues.js";
import { ID_MAX, IdempotencyKey, keyed } from "./shared.js";
import { RecordedArtifactOutput, TraceLinkOutput } from "./workOutputs.js";

/** Characters of an artifact's fields as JSON: as much as a knowledge document's body. */
const ARTIFACT_FIELDS_MAX = 200_000;

/**
 * Whether `fields` take at most {@link ARTIFACT_FIELDS_MAX} characters as
 * JSON. Fields nested too deep to serialize (some 5,000 levels overflow
 * `JSON.stringify`'s stack) pass here: the check every write's arguments get
 * next refuses them as nesting deeper than 512 levels, naming where.
 */
function withinFieldsMax(fields: Record<string, unknown>): boolean {
  try {
    return JSON.stringify(fields).length <= ARTIFACT_FIELDS_MAX;
  } catch {
    return true;
  }
}

/** `record_artifact`: records an artifact, or a new version of one; a retry with the same content writes nothing. */
export const recordArtifact = defineTool({
  name: "record_artifact",
  title: "Record an artifact",
  description:
    "Record what a work item produced (a requirement, a design, an ADR, a code change, test results) as a versioned artifact under an id you choose, for link_artifacts to trace. Recording the id with other content makes a new version and turns the links downstream of it suspect (answered under suspected; review_link clears them); the same content again writes nothing.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  input: z.object({
    id: ArtifactIdSchema.describe(
      "Its stable id, which you choose (REQ-12, design-login, checkout:change-7). The same id again records a new version",
    ),
    kind: ArtifactKindSchema.describe(
      "What it is, a camelCase word: requirement, design, adr, task, changeSet (a code change), testEvidence (test results), release, document...",
    ),
    title: RecordArtifactInputSchema.shape.title.describe("What it is, in a line. Part of its fingerprint"),
    fields: RecordArtifactInputSchema.shape.fields
      .unwrap()
      .refine(withinFieldsMax, {
        message: `fields are at most ${ARTIFACT_FIELDS_MAX} characters as JSON`,
      })
      .default({})
      .describe(
        'Its content as named fields: { "body": "markdown" } for a requirement or design; a changeSet needs { "commit": "9fceb02", "paths": ["src/checkout/pay.ts"] }, testEvidence { "runId": "ci-812", "passed": 42, "failed": 0 }. At most 200,000 characters as JSON',
      ),
    workItem: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Id of the work item it belongs to (wi_...; list_work and create_work_item give them)"),
    line: LineIdSchema.optional().describe(
      "Id of the line it belongs to (factory://floorplan lists them); the work item's line when omitted",
    ),
    move: RecordArtifactInputSchema.shape.move.describe(
      "true: move an existing artifact to this workItem or line",
    ),
    stage: z
      .string()
      .min(1)
      .max(ID_MAX)
      .optional()
      .describe(
        "The pipeline stage it was made in (requirements, design, implementation, testing...); the previous version's, else the work item's current stage, when omitted",
      ),
    fingerprintFields: RecordArtifactInputSchema.shape.fingerprintFields.describe(
      "Names of the fields whose change matters downstream (the title always does); all fields when omitted. A change to other fields makes a new version without making links suspect",
    ),
  }),
  output: RecordedArtifactOutput,
  run: async (factory, input) => {
    if (input.workItem !== undefined) await requireWorkItem(factory, input.workItem, "workItem");
    if (input.line !== undefined) await requireLine(factory, input.line, "line");
    if (input.stage !== undefined) requireStage(factory, input.stage, "stage");
    const { artifact, ...recorded } = await factory.work.recordArtifact(input);
    // The fields are what the caller just sent: a 190,000-character body came back whole.
    const { fields: _sent, ...answered } = artifact;
    return { artifact: answered, ...recorded };
  },
});

/** `review_link`: clears a suspect trace link with a verdict, after reading what changed upstream. */
export const reviewLink = defineTool({
  name: "review_link",
  title: "Review a suspect trace link",
  description:
    "Clear a suspect trace link once you have compared what changed upstream (list_suspect_links gives the link's id and causes) with the downstream end, and updated that end with record_artifact if needed. A suspect link holds back work from release until it is reviewed.",
  group: "work",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    id: z
      .string()
      .min(1)
      .max(200)
      .describe("Id of the trace link (link_...; list_suspect_links and link_artifacts give them)"),
    verdict: ReviewVerdictSchema.describe(
      "keep (downstream is still right), adapted (downstream was changed to follow upstream) or obsolete (the link no longer matters)",
    ),
    note: ReviewInputSchema.shape.note.describe("What you found"),
    reviewedFingerprint: ReviewInputSchema.shape.reviewedFingerprint.describe(
      "The upstream fingerprint you compared: the to of the link's last cause (list_suspect_links shows it). Upstream changed since, the review is refused naming the fingerprint to compare",
    ),
    idempotencyKey: IdempotencyKey,
  }),
  output: TraceLinkOutput,
  run: async (factory, { id, idempotencyKey, ...review }) => {
    await requireTraceLink(factory, id, "id");
    return factory.work.reviewLink(id, review, keyed(idempotencyKey));
  },
});
