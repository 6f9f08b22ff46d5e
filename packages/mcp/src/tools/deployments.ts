/**
 * The production tools of the `work` group: recording and listing
 * deployments, opening, resolving and listing incidents, the facts the DORA
 * measures of `get_metrics` are computed from (per line when deployments and
 * incidents name one). `record_deployment` and `open_incident` take the
 * assembly line's idempotency key, so a retried call records once.
 *
 * @module
 */
import {
  INPUT_LIMITS,
  LineIdSchema,
  OpenIncidentInputSchema,
  RecordDeploymentInputSchema,
  ResolveIncidentInputSchema,
} from "@software-factory/core";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import {
  deploymentRecord,
  incidentAnswer,
  incidentRecord,
  requireDeployment,
  requireIncident,
  requireWorkItem,
} from "./knownRecords.js";
import { filteredOnLine, requireLine } from "./knownValues.js";
import { Cursor, IdempotencyKey, keyed, keyedWrite, page, Retried, retriedText } from "./shared.js";
import { DeploymentOutput, IncidentOutput } from "./workOutputs.js";

/** An id of a record the tool names (a work item, an incident, a deployment). */
const RecordId = z.string().min(1).max(200);

/** A line argument: a line id of the floor plan, checked before anything is written or read. */
const LineArgument = LineIdSchema.optional();

/** `record_deployment`: records a deployment and the work items it shipped. */
export const recordDeployment = defineTool({
  name: "record_deployment",
  title: "Record a deployment",
  description:
    "Record a deployment (to production unless environment says otherwise): the work items it shipped or, with remediates, the incidents it fixes; name its line and version. get_metrics computes the DORA measures from deployments and incidents.",
  group: "work",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    environment: RecordDeploymentInputSchema.shape.environment.describe(
      "Where it went: production (default; the only environment the DORA measures count), staging...",
    ),
    workItems: z
      .array(RecordId)
      .max(INPUT_LIMITS.ids)
      .default([])
      .describe("Ids of the work items it shipped (wi_...; list_work gives them)"),
    status: RecordDeploymentInputSchema.shape.status.describe(
      "succeeded (default) or failed; a failed deployment counts toward the change fail rate",
    ),
    remediates: z
      .array(RecordId)
      .max(INPUT_LIMITS.ids)
      .default([])
      .describe(
        "Ids of the incidents it fixes (inc_...; open_incident gives them): an unplanned deployment, counted as rework",
      ),
    line: LineArgument.describe(
      "Id of the line of the floor plan it deployed (factory://floorplan lists them); get_metrics for that line counts it",
    ),
    version: RecordDeploymentInputSchema.shape.version.describe(
      "What went out: v2.4.1, a commit sha, a build number; one line",
    ),
    idempotencyKey: IdempotencyKey,
  }),
  output: DeploymentOutput.extend({ alreadyRecorded: Retried }),
  run: async (factory, { idempotencyKey, ...input }) => {
    if (input.line !== undefined) await requireLine(factory, input.line, "line");
    for (const [index, id] of input.workItems.entries())
      await requireWorkItem(factory, id, `workItems[${index}]`);
    for (const [index, id] of input.remediates.entries())
      await requireIncident(factory, id, `remediates[${index}]`);
    const { result: id, retried } = await keyedWrite(idempotencyKey, () =>
      factory.work.recordDeployment(input, keyed(idempotencyKey)),
    );
    return { ...(await deploymentRecord(factory, id)), alreadyRecorded: retried };
  },
  text: (d) => retriedText(d.alreadyRecorded, `recorded ${d.id} to ${d.environment} (${d.status})`, d),
});

/** `open_incident`: opens an incident in production, blamed on a deployment when known. */
export const openIncident = defineTool({
  name: "open_incident",
  title: "Open an incident",
  description:
    "Record that something is broken in production, naming the deployment that caused it when known (it then counts as a failed change in get_metrics' DORA measures), else the line it hurts. resolve_incident ends it.",
  group: "work",
  // Idempotent only with an idempotencyKey: called twice without one, it writes twice.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    title: OpenIncidentInputSchema.shape.title.describe("What is wrong in production, in a line"),
    severity: OpenIncidentInputSchema.shape.severity.describe(
      "How bad it is: low, medium, high (default) or critical",
    ),
    deployment: RecordId.optional().describe(
      "Id of the deployment that caused it, when known (dep_...; record_deployment gives them)",
    ),
    line: LineArgument.describe(
      "Id of the line of the floor plan it hurts (factory://floorplan lists them); its deployment's line when omitted",
    ),
    idempotencyKey: IdempotencyKey,
  }),
  output: IncidentOutput.extend({ alreadyOpened: Retried }),
  run: async (factory, { idempotencyKey, ...input }) => {
    if (input.line !== undefined) await requireLine(factory, input.line, "line");
    if (input.deployment !== undefined) await requireDeployment(factory, input.deployment, "deployment");
    const { result: id, retried } = await keyedWrite(idempotencyKey, () =>
      factory.work.openIncident(input, keyed(idempotencyKey)),
    );
    return { ...(await incidentRecord(factory, id)), alreadyOpened: retried };
  },
  text: (incident) =>
    retriedText(incident.alreadyOpened, `opened ${incident.id} (${incident.severity})`, incident),
});

/** `resolve_incident`: records that service is restored; the first resolution is the one measured. */
export const resolveIncident = defineTool({
  name: "resolve_incident",
  title: "Resolve an incident",
  description:
    "Record that an incident is over (service restored): its recovery time runs from the failed deployment to now. Resolving it again writes nothing and answers the first resolution (alreadyResolved: true).",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    id: RecordId.describe("Id of the incident (inc_...; open_incident gives them)"),
    note: ResolveIncidentInputSchema.shape.note.describe("How service was restored"),
  }),
  output: IncidentOutput.extend({
    alreadyResolved: z
      .boolean()
      .describe("Whether it was resolved before this call; the first resolution is the one that counts"),
  }),
  run: async (factory, { id, note }) => {
    const before = await requireIncident(factory, id, "id");
    await factory.work.resolveIncident(id, note === undefined ? {} : { note });
    return { ...(await incidentRecord(factory, id)), alreadyResolved: before.resolvedAt !== undefined };
  },
});

/** `list_deployments`: deployments, by environment and line, newest first, paged. */
export const listDeployments = defineTool({
  name: "list_deployments",
  title: "List deployments",
  description:
    "Deployments recorded with record_deployment, newest first, one page at a time, of one environment and one line.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    environment: RecordDeploymentInputSchema.shape.environment
      .unwrap()
      .optional()
      .describe("Only deployments to this environment: production, staging..."),
    line: LineArgument.describe("Only deployments that name this line (factory://floorplan lists them)"),
    limit: z.number().int().min(1).max(100).default(20).describe("Deployments per page"),
    cursor: Cursor,
  }),
  output: z.object({
    items: z.array(DeploymentOutput).describe("The page's deployments, newest first"),
    nextCursor: z.string().optional().describe("Pass as cursor for the next page; absent on the last page"),
  }),
  run: async (factory, { environment, line, limit, cursor }) => {
    await factory.work.refresh();
    // The SDK refuses a line it does not know (a retired one answers its history), told in this server's words.
    const deployments = await filteredOnLine(factory, line, "line", () =>
      factory.work.deployments({
        ...(environment === undefined ? {} : { environment }),
        ...(line === undefined ? {} : { line }),
      }),
    );
    return page("list_deployments", deployments.reverse(), cursor, limit);
  },
});

/** `list_incidents`: incidents, open or all, by line, newest first, paged. */
export const listIncidents = defineTool({
  name: "list_incidents",
  title: "List incidents",
  description:
    "Incidents opened with open_incident, newest first, one page at a time: the open or the resolved ones, of one line.",
  group: "work",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    open: z
      .boolean()
      .optional()
      .describe("true: only incidents not resolved yet; false: only resolved ones; omit for both"),
    line: LineArgument.describe("Only incidents of this line (factory://floorplan lists them)"),
    limit: z.number().int().min(1).max(100).default(20).describe("Incidents per page"),
    cursor: Cursor,
  }),
  output: z.object({
    items: z.array(IncidentOutput).describe("The page's incidents, newest first"),
    nextCursor: z.string().optional().describe("Pass as cursor for the next page; absent on the last page"),
  }),
  run: async (factory, { open, line, limit, cursor }) => {
    await factory.work.refresh();
    const incidents = await filteredOnLine(factory, line, "line", () =>
      factory.work.incidents({
        ...(open === undefined ? {} : { open }),
        ...(line === undefined ? {} : { line }),
      }),
    );
    return page("list_incidents", incidents.reverse().map(incidentAnswer), cursor, limit);
  },
});
