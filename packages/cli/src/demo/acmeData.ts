/**
 * The files of the Acme example besides its markdown: signals and work in
 * flight, as JSON lines, validated line by line.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { SeveritySchema, ValidationError, WorkItemKindSchema } from "@software-factory/core";
import { z } from "zod";

/** One line of `signals.jsonl`. */
export const SignalRecordSchema = z.strictObject({
  text: z.string().min(1),
  source: z.string().min(1),
  customer: z.string().optional(),
  severity: SeveritySchema.default("medium"),
  /** The line it was already routed to, if any. */
  line: z.string().optional(),
  /** The field operator who captured it. */
  capturedBy: z.string().min(1),
});

/** One line of `work.jsonl`: a work item in flight and how far it got. */
export const WorkRecordSchema = z.strictObject({
  line: z.string().min(1),
  title: z.string().min(1),
  kind: WorkItemKindSchema.default("feature"),
  flow: z.string().optional(),
  /** How many stages to advance it after creation. */
  advance: z.number().int().min(0).default(0),
  /** Block it with this reason once advanced. */
  blocked: z.string().optional(),
});

/**
 * Reads a JSON lines file, each line parsed with `schema`.
 *
 * @throws ValidationError naming the file, line and field of the first bad record.
 */
export function readJsonLines<Schema extends z.ZodType>(file: string, schema: Schema): z.output<Schema>[] {
  const records: z.output<Schema>[] = [];
  for (const [index, text] of readFileSync(file, "utf8").split("\n").entries()) {
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ValidationError({
        message: `${file}:${index + 1}: not JSON (${(error as Error).message})`,
        issues: [{ path: "", message: "not JSON", file, line: index + 1 }],
      });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: issue.message,
        file,
        line: index + 1,
      }));
      throw new ValidationError({
        message: `${file}:${index + 1}: ${issues.map((issue) => `${issue.path || "(root)"}: ${issue.message}`).join("; ")}`,
        issues,
      });
    }
    records.push(parsed.data);
  }
  return records;
}
