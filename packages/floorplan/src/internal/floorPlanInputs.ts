/**
 * The checks of what the floor plan's calls are given: a path to look up, the
 * options of `health`, `linesOf`, `dependencies` and `dependents`, `applyPlan` and the
 * single-change methods. Each options object takes its own keys only: another
 * one (`dryrun` for `dryRun`) is refused, naming it and the keys.
 *
 * @module
 */
import { strictInput, validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";
import { ProvenanceSourceSchema } from "../model.js";

/** A path to look up. */
export const PathSchema = z.string();

const count = z.number().int().nonnegative();

/** What {@link FloorPlan.health} accepts: {@link HealthOptions}, no other field (one is refused, naming it and these). */
export const HealthOptionsSchema = strictInput({
  files: z
    .custom<Iterable<string>>(
      (value) => typeof value === "object" && value !== null && Symbol.iterator in value,
      {
        message: "expected a list of repository files",
      },
    )
    .optional(),
  central: count.optional(),
  maxLinesPerOperator: count.optional(),
  staleBefore: z
    .union([z.iso.date(), z.iso.datetime()], {
      message: "expected an ISO date or UTC instant (2026-03-01T00:00:00Z)",
    })
    .optional(),
});

/** What `dependencies` and `dependents` accept: `ReachOptions`, no other field. */
export const ReachOptionsSchema = strictInput({
  transitive: z.boolean().optional(),
  depth: z.number().optional(),
});

/** What `linesOf` accepts: `contributions`, no other field. */
export const LinesOfOptionsSchema = strictInput({ contributions: z.boolean().optional() });

const changeOptionsShape = {
  source: ProvenanceSourceSchema.optional(),
  actor: z.string().optional(),
};

/** What the single-change methods (`declareLine`, `assignOwner`, ...) accept: `ChangeOptions`, no other field. */
export const ChangeOptionsSchema = strictInput(changeOptionsShape);

/** What `applyPlan` accepts: `ApplyPlanOptions`, no other field. */
export const ApplyPlanOptionsSchema = strictInput({
  ...changeOptionsShape,
  mode: z.enum(["replace", "merge"]).optional(),
  label: z.string().optional(),
  files: z.array(z.string()).readonly().optional(),
  refs: z
    .custom<ReadonlyMap<string, string>>((value) => value instanceof Map, {
      message: "expected a Map from fact keys to references",
    })
    .optional(),
  allowRemoveAllLines: z.boolean().optional(),
  dryRun: z.boolean().optional(),
});

/** The value, when the schema accepts it. @throws ValidationError naming each bad field of `subject`. */
export function parsed<T>(schema: z.ZodType<T>, value: unknown, subject: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject });
  return result.data;
}
