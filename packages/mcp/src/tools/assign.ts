/**
 * The `assign_work_item` tool of the `work` group: the SDK's `assign`, which
 * hands a work item to another owner or adds contributors (the other moves
 * are in `work.ts`).
 *
 * @module
 */
import { AssignInputSchema, MoveOptionsSchema } from "@software-factory/core";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { requireWorkItem } from "./knownRecords.js";
import { requirePlanOperator } from "./knownValues.js";
import { ID_MAX, IdempotencyKey, keyed } from "./shared.js";
import { WorkItemOutput } from "./workOutputs.js";

/** `assign_work_item`: changes a work item's owner or adds contributors; idempotent with a key. */
export const assignWorkItem = defineTool({
  name: "assign_work_item",
  title: "Assign a work item",
  description:
    "Hand an active or blocked work item to another owner, or add contributors (operators of the floor plan). Pass the version you read as expectedVersion to be refused if the item changed since.",
  group: "work",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  input: z
    .object({
      id: z
        .string()
        .min(1)
        .max(ID_MAX)
        .describe("Id of the work item (wi_...; list_work and create_work_item give them)"),
      owner: AssignInputSchema.shape.owner.describe(
        "The new accountable operator, an operator id of the floor plan (factory://floorplan lists them); the owner stays when omitted",
      ),
      contributors: AssignInputSchema.shape.contributors.describe(
        "Operators who join the work, added to its contributors: operator ids of the floor plan (factory://floorplan lists them)",
      ),
      expectedVersion: MoveOptionsSchema.shape.expectedVersion.describe(
        "The item's version as you read it (list_work and its writes answer it): refused if the item has changed since",
      ),
      idempotencyKey: IdempotencyKey,
    })
    .refine((input) => input.owner !== undefined || input.contributors.length > 0, {
      message: "nothing to assign: give owner or contributors",
    }),
  output: WorkItemOutput,
  run: async (factory, { id, owner, contributors, expectedVersion, idempotencyKey }) => {
    // An assignment decides on the item as this server last read it: read what other processes wrote first.
    await requireWorkItem(factory, id, "id");
    if (owner !== undefined) await requirePlanOperator(factory, owner, "owner");
    for (const [index, contributor] of contributors.entries())
      await requirePlanOperator(factory, contributor, `contributors[${index}]`);
    return factory.work.assign(id, owner === undefined ? { contributors } : { owner, contributors }, {
      ...keyed(idempotencyKey),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
  },
});
