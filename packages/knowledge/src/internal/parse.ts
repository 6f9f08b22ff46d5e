import { validationErrorFromZod } from "@software-factory/core";
import type { z } from "zod";

/** Parses a boundary input, throwing the core's `ValidationError` that names the subject and each bad field. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  subject: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject });
  return result.data;
}
