/**
 * The keys of a skill's input that its input schema does not take: a zod
 * object drops them unread, so a run given `strictInput` refuses them (an
 * agent's misspelt field would otherwise pass as absent).
 *
 * @module
 */
import type { ValidationIssue } from "@software-factory/core";
import { z } from "zod";

/** A JSON schema node, as much of it as this module reads. */
interface ObjectSchema {
  readonly type?: unknown;
  readonly properties?: Record<string, unknown>;
  readonly additionalProperties?: unknown;
}

/** Each input schema's JSON schema, made once (as `SkillRegistry.list` gives it). */
const jsonSchemas = new WeakMap<z.ZodType, unknown>();

/**
 * The issues of the keys of `input` that `schema` does not take, at any
 * depth of plain objects (not inside arrays or unions), each at the path of
 * the object holding them (empty for `input` itself): `unknown field
 * "orders"; it takes order, address`. An object that takes other keys (a
 * loose object, a catchall) or refuses them itself (a strict object) has none.
 */
export function unknownInputKeyIssues(schema: z.ZodType, input: unknown): ValidationIssue[] {
  let json = jsonSchemas.get(schema);
  if (json === undefined) {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
    jsonSchemas.set(schema, json);
  }
  return unknownKeys(json, input, "");
}

/** {@link unknownInputKeyIssues} of `value`, found at `path`, against its JSON schema node. */
function unknownKeys(schema: unknown, value: unknown, path: string): ValidationIssue[] {
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
      const at = path === "" ? key : `${path}.${key}`;
      issues.push(...unknownKeys(inner, (value as Record<string, unknown>)[key], at));
    }
  }
  return issues;
}
