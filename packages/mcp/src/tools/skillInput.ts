/**
 * The `input` argument of `run_skill` as the agent gave it: keys the skill's
 * input schema does not take are refused (a zod object would drop them
 * unread), and the skill's own validation names fields inside `input`
 * (`input.line`), as its refusal of an unknown id does.
 *
 * @module
 */
import { formatIssues, ValidationError, type ValidationIssue } from "@software-factory/core";

/** A JSON schema node, as much of it as this module reads. */
interface ObjectSchema {
  readonly type?: unknown;
  readonly properties?: Record<string, unknown>;
  readonly additionalProperties?: unknown;
}

/** The issues of the keys of `value` that `schema` (a skill's input JSON schema) does not take, at any depth of plain objects. */
function unknownKeyIssues(schema: unknown, value: unknown, path: string): ValidationIssue[] {
  if (typeof schema !== "object" || schema === null) return [];
  const { type, properties, additionalProperties } = schema as ObjectSchema;
  if (type !== "object" || properties === undefined) return [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  // A loose object or a catchall lists additionalProperties: only a plain object drops what it does not list.
  const unknown =
    additionalProperties === undefined
      ? Object.keys(value).filter((key) => !Object.hasOwn(properties, key))
      : [];
  const issues: ValidationIssue[] =
    unknown.length === 0
      ? []
      : [
          {
            path,
            message: `unknown field${unknown.length === 1 ? "" : "s"} ${unknown.map((key) => `"${key}"`).join(", ")}; it takes ${Object.keys(properties).join(", ") || "no fields"}`,
          },
        ];
  for (const [key, inner] of Object.entries(properties)) {
    if (Object.hasOwn(value, key)) {
      issues.push(...unknownKeyIssues(inner, (value as Record<string, unknown>)[key], `${path}.${key}`));
    }
  }
  return issues;
}

/**
 * Refuses an input holding keys the skill's input schema does not take.
 *
 * @throws ValidationError (`E_VALIDATION`) `input of skill <name> is invalid:
 *   input: unknown field "lines"; it takes line`, each path inside `input`.
 */
export function refuseUnknownInputKeys(skill: string, inputSchema: unknown, input: unknown): void {
  const issues = unknownKeyIssues(inputSchema, input, "input");
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues(`input of skill ${skill}`, issues), issues });
}

/**
 * The skill's refusal of its input (`input of skill sum is invalid: [1]: ...`)
 * with each field named inside the argument: `input[1]: ...`; any other
 * error as it is.
 */
export function namedInInputArgument(skill: string, error: unknown): unknown {
  const subject = `input of skill ${skill}`;
  if (!(error instanceof ValidationError) || !error.message.startsWith(`${subject} is invalid: `))
    return error;
  const issues = error.issues.map((issue) => ({
    ...issue,
    path:
      issue.path === "" ? "input" : issue.path.startsWith("[") ? `input${issue.path}` : `input.${issue.path}`,
  }));
  return new ValidationError({ message: formatIssues(subject, issues), issues });
}
