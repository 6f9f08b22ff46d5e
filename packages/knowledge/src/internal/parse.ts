import { validationErrorFromZod } from "@software-factory/core";
import type { z } from "zod";
import { inUserWords } from "./issueWords.js";

/**
 * Parses a boundary input, throwing the core's `ValidationError` that names
 * the subject and each bad field, a value out of its limits in the user's
 * words (`body: is 2,500,000 characters; at most 2,000,000`).
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  subject: string,
): z.output<Schema> {
  const result = schema.safeParse(value, { error: inUserWords });
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject });
  return result.data;
}
