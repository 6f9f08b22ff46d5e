/**
 * The problems zod finds in a record of an imported file (an issue export's
 * element, what a record would write) said in the SDK's words: what the
 * value must be (`must be a number, not a string`, `missing (expected
 * string)`, `must be a URL`) rather than zod's defaults (`Invalid input:
 * expected number, received string`), at a path whose list indexes are in
 * brackets (`[0].labels[1].name`), as core's `validationErrorFromZod` writes
 * them. A schema's own message is kept as it is.
 *
 * @module
 */
import type { z } from "zod";

/** A JSON type as a person reads it, by zod's name for it. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: "a JSON object",
  record: "a JSON object",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  null: "null",
};

/** `a string` for zod's `string`; a type the table lacks as zod names it. */
const typeName = (type: string): string => TYPE_NAMES[type] ?? type;

/** The JSON type of a parsed value, as zod names types (`array`, `null`, `object`...). */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** The words of a text's or list's size limit; one that must hold something `must not be empty`. */
function sizeWords(least: boolean, limit: number, unit: string): string {
  if (least && limit === 1) return "must not be empty";
  return `must be ${least ? "at least" : "at most"} ${limit} ${unit}`;
}

/** The words of a number's bound: `at least 1`, `more than 0`, `at most 9`, `less than 10`. */
function boundWords(least: boolean, inclusive: boolean, limit: unknown): string {
  const words = least ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  return `must be ${words} ${String(limit)}`;
}

/** The words of a size or bound that zod found a value past. */
function limitWords(least: boolean, origin: string, limit: unknown, inclusive: boolean): string | undefined {
  if (origin === "string" || origin === "array") {
    const count = Number(limit) + (inclusive ? 0 : least ? 1 : -1);
    return sizeWords(least, count, origin === "string" ? "characters" : "items");
  }
  if (origin === "number" || origin === "int" || origin === "bigint")
    return boundWords(least, inclusive, limit);
  return undefined;
}

/**
 * The words of a value none of a union's types takes, when each refused it
 * for its type: `must be a string or a JSON object, not a number`.
 */
function unionWords(branches: readonly (readonly z.core.$ZodIssue[])[], input: unknown): string | undefined {
  const expected: string[] = [];
  for (const [issue, ...more] of branches) {
    if (issue?.code !== "invalid_type" || issue.path.length > 0 || more.length > 0) return undefined;
    expected.push(typeName(issue.expected));
  }
  if (expected.length === 0 || input === undefined) return undefined;
  return `must be ${[...new Set(expected)].join(" or ")}, not ${typeName(jsonType(input))}`;
}

/**
 * The SDK's message for a zod issue, to pass as a parse's `error`
 * (`schema.safeParse(value, { error: inRecordWords })`): zod keeps a
 * schema's own message over it, and uses its default where this gives none.
 */
export function inRecordWords(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return `missing (expected ${issue.expected})`;
      if (issue.expected === "int" && typeof issue.input === "number")
        return `must be a whole number, not ${issue.input}`;
      return `must be ${typeName(issue.expected)}, not ${typeName(jsonType(issue.input))}`;
    }
    case "too_small":
      return limitWords(true, issue.origin, issue.minimum, issue.inclusive !== false);
    case "too_big":
      return limitWords(false, issue.origin, issue.maximum, issue.inclusive !== false);
    case "invalid_format":
      if (issue.format === "url") return "must be a URL";
      if (issue.format === "datetime") return "must be an ISO 8601 instant, as 2026-11-20T09:12:44Z";
      return undefined;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_union":
      return unionWords(issue.errors, issue.input);
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "field" : "fields"} ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}`;
    default:
      return undefined;
  }
}

/**
 * A zod issue's path as the SDK writes it: each list index in brackets, each
 * key after a dot (`labels[0].name`); `prefix` (`[3]`, the element's index in
 * its file) before it.
 */
export function fieldPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
