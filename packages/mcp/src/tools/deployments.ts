/**
 * The production tools of the `work` group: recording deployments, opening
 * and resolving incidents, the facts the DORA measures of `get_metrics` are
 * computed from. `record_deployment` and `open_incident` take the
 * assembly line's idempotency key, so a retried call records once.
 *
 * @module
 */
import {
  INPUT_LIMITS,
  OpenIncidentInputSchema,
  RecordDeploymentInputSchema,
  ResolveIncidentInputSchema,
} from "@software-factory/core";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import {
  deploymentRecord,
  incidentRecord,
  requireDeployment,
  requireIncident,
  requireWorkItem,
} from "./knownRecords.js";
import { IdempotencyKey, keyed } from "./shared.js";
import { DeploymentOutput, IncidentOutput } from "./workOutputs.js";

/** An id of a record the tool names (a work item, an incident, a deployment). */
const RecordId = z.string().min(1).max(200);

/** `record_deployment`: records a deployment and the work items it shipped. */
export const recordDeployment = defineTool({
  name: "record_deployment",
  title: "Record a deployment",
  description:
    "Record that a deployment happened (to production unless environment says otherwise), with the work items it shipped, or, with remediates, the incidents it was made to fix. get_metrics computes the DORA measures from these (deployment frequency, change lead time, change fail rate, recovery time, rework rate; production only). Pass an idempotencyKey (the CI pipeline's run id, say) so that a retried call records the deployment once and answers it; the key reused with other arguments is E_IDEMPOTENCY_CONFLICT naming them. An unknown work item or incident is E_NOT_FOUND naming it (workItems[1], remediates[0]).",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    environment: RecordDeploymentInputSchema.shape.environment.describe(
      "Where it went: production (default; the only environment the DORA measures count), staging...; at most 100 characters",
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
    idempotencyKey: IdempotencyKey,
  }),
  output: DeploymentOutput,
  run: async (factory, { idempotencyKey, ...input }) => {
    for (const [index, id] of input.workItems.entries())
      await requireWorkItem(factory, id, `workItems[${index}]`);
    for (const [index, id] of input.remediates.entries())
      await requireIncident(factory, id, `remediates[${index}]`);
    const id = await factory.work.recordDeployment(input, keyed(idempotencyKey));
    return deploymentRecord(factory, id);
  },
});

/** `open_incident`: opens an incident in production, blamed on a deployment when known. */
export const openIncident = defineTool({
  name: "open_incident",
  title: "Open an incident",
  description:
    "Record that something is broken in production, naming the deployment that caused it when known (record_deployment gives its id): that deployment then counts as a failed change in get_metrics' DORA measures, and the time to resolve_incident as its recovery time. Pass an idempotencyKey (the alert's id, say) so that a retried call opens the incident once and answers it; the key reused with other arguments is E_IDEMPOTENCY_CONFLICT naming them. An unknown deployment is E_NOT_FOUND naming deployment.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    title: OpenIncidentInputSchema.shape.title.describe(
      "What is wrong in production, in a line; at most 500 characters",
    ),
    severity: OpenIncidentInputSchema.shape.severity.describe(
      "How bad it is: low, medium, high (default) or critical",
    ),
    deployment: RecordId.optional().describe(
      "Id of the deployment that caused it, when known (dep_...; record_deployment gives them)",
    ),
    idempotencyKey: IdempotencyKey,
  }),
  output: IncidentOutput,
  run: async (factory, { idempotencyKey, ...input }) => {
    if (input.deployment !== undefined) await requireDeployment(factory, input.deployment, "deployment");
    const id = await factory.work.openIncident(input, keyed(idempotencyKey));
    return incidentRecord(factory, id);
  },
});

/** `resolve_incident`: records that service is restored; the first resolution is the one measured. */
export const resolveIncident = defineTool({
  name: "resolve_incident",
  title: "Resolve an incident",
  description:
    "Record that an incident is over: service is restored. Its recovery time in get_metrics runs from the failed deployment to this resolution. Resolving a resolved incident is accepted and writes nothing: the answer keeps the first resolution's time, author and note, with alreadyResolved true. An unknown id is E_NOT_FOUND naming id.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  input: z.object({
    id: RecordId.describe("Id of the incident (inc_...; open_incident gives them)"),
    note: ResolveIncidentInputSchema.shape.note.describe("How service was restored, at most 2000 characters"),
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
