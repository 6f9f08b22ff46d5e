/**
 * The checks of what the floor plan's read calls are given: a path to look
 * up, the options of `health`.
 *
 * @module
 */
import { strictInput, validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";

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

/** The value, when the schema accepts it. @throws ValidationError naming each bad field of `subject`. */
export function parsed<T>(schema: z.ZodType<T>, value: unknown, subject: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject });
  return result.data;
}
