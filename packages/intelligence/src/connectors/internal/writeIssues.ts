/**
 * Checking what a connector is about to write with the schemas the writes
 * themselves use, so that an input they would refuse (a title or a customer
 * past its length limit) is named by its place in the imported file before
 * anything is written, instead of failing the import half-way.
 *
 * @module
 */
import { type ValidationIssue, validationErrorFromZod } from "@software-factory/core";
import type { z } from "zod";

/**
 * The issues a write's own schema finds in its input, none when the write
 * would accept it; `place` turns each into an issue of the imported file,
 * given the written field's path (`source.uri`, `tags[0]`) and the schema's
 * message (zod's defaults in plain words, as `validationErrorFromZod` says them).
 */
export function writeIssues(
  schema: z.ZodType,
  input: unknown,
  place: (field: string, message: string) => ValidationIssue,
): ValidationIssue[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  const { issues } = validationErrorFromZod(result.error.issues, { subject: "input" });
  return issues.map((issue) => place(issue.path, issue.message));
}
