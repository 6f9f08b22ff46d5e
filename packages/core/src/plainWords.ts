/**
 * zod's default messages said in plain words, for every face (the SDK's
 * `ValidationError`s, the CLI, the MCP tools): what the value must be
 * (`required (a string)`, `must be a string, not a number`, `must be one of
 * "a", "b"`, `unknown field "x"`, `must be at most 500 items`) rather than
 * zod's `Invalid input: expected string, received undefined`. A schema's
 * own message is kept as it is.
 *
 * @module
 */
import { z } from "zod";

/** zod's English messages, which a parse gives an issue no schema gave a message of its own. */
const zodDefault = z.locales.en().localeError;

/** A JSON type as a person reads it, by zod's name for it. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: "a JSON object",
  record: "a JSON object",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  bigint: "a BigInt",
  null: "null",
};

/** `a string` for zod's `string`; a type the table lacks as zod names it. */
const typeName = (type: string): string => TYPE_NAMES[type] ?? type;

/** The unit a size limit counts, by the kind of value zod found past it. */
const SIZE_UNITS: Readonly<Record<string, string>> = { string: "characters", array: "items", set: "items" };

/** The words of a format zod's default names (`Invalid URL`). */
const FORMAT_WORDS: Readonly<Record<string, string>> = {
  url: "must be a URL",
  datetime: "must be an ISO 8601 instant, as 2026-03-01T09:00:00Z",
};

/**
 * The type zod received, from its default message of a type issue
 * (`Invalid input: expected string, received number`); undefined when the
 * message is a schema's own.
 */
function receivedType(issue: { readonly expected: string; readonly message: string }): string | undefined {
  const prefix = `Invalid input: expected ${issue.expected}, received `;
  return issue.message.startsWith(prefix) ? issue.message.slice(prefix.length) : undefined;
}

/** The words of a value of none of `expected` types: `required (a string)` when it is missing. */
function typeWords(expected: readonly string[], received: string): string {
  const names = [...new Set(expected.map(typeName))].join(" or ");
  if (received === "undefined") return `required (${names})`;
  if (received === "number" && expected.includes("int")) return "must be a whole number";
  return `must be ${names}, not ${typeName(received)}`;
}

/** The words of a size or bound zod found a value past: `must be at most 80 characters`, `must be more than 0`. */
function limitWords(
  least: boolean,
  issue: { readonly origin: string; readonly inclusive?: boolean; readonly exact?: boolean },
  limit: number | bigint,
): string | undefined {
  const unit = SIZE_UNITS[issue.origin];
  const inclusive = issue.inclusive !== false;
  if (unit !== undefined) {
    if (issue.exact === true) return `must be exactly ${limit} ${unit}`;
    const count = Number(limit) + (inclusive ? 0 : least ? 1 : -1);
    if (least && count === 1) return "must not be empty";
    return `must be ${least ? "at least" : "at most"} ${count} ${unit}`;
  }
  if (!["number", "int", "bigint"].includes(issue.origin)) return undefined;
  const words = least ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  return `must be ${words} ${limit}`;
}

/** Values as JSON, `, `-separated: `"a", "b"`. */
const quoted = (values: readonly unknown[]): string =>
  values.map((value) => JSON.stringify(value) ?? String(value)).join(", ");

/** `must be "a"`, `must be one of "a", "b"`. */
const choiceWords = (values: readonly unknown[]): string =>
  values.length === 1 ? `must be ${quoted(values)}` : `must be one of ${quoted(values)}`;

/**
 * The words of a value none of a union's types takes, when each refused it
 * for its type alone: `must be a string or a JSON object, not a number`.
 */
function unionWords(branches: readonly (readonly z.core.$ZodIssue[])[]): string | undefined {
  const expected: string[] = [];
  const received = new Set<string | undefined>();
  for (const [issue, ...more] of branches) {
    if (issue?.code !== "invalid_type" || issue.path.length > 0 || more.length > 0) return undefined;
    expected.push(issue.expected);
    received.add(receivedType(issue));
  }
  const [type] = received;
  return received.size === 1 && type !== undefined ? typeWords(expected, type) : undefined;
}

/** The plain words for a zod issue whose message is zod's default; undefined for a schema's own message. */
function plainWords(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === "invalid_type") {
    const received = receivedType(issue);
    return received === undefined ? undefined : typeWords([issue.expected], received);
  }
  if (issue.message !== zodDefault(issue as z.core.$ZodRawIssue)) return undefined;
  switch (issue.code) {
    case "too_small":
      return limitWords(true, issue, issue.minimum);
    case "too_big":
      return limitWords(false, issue, issue.maximum);
    case "invalid_format":
      return FORMAT_WORDS[issue.format];
    case "invalid_value":
      return choiceWords(issue.values);
    case "invalid_union": {
      const options = (issue as { readonly options?: readonly unknown[] }).options;
      return options !== undefined && options.length > 0 ? choiceWords(options) : unionWords(issue.errors);
    }
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "field" : "fields"} ${quoted(issue.keys)}`;
    default:
      return undefined;
  }
}

/**
 * A zod issue's message in plain words: zod's default said as what the value
 * must be, a schema's own message as it is. {@link validationErrorFromZod}
 * says every issue so; this is for the places that show zod issues otherwise.
 *
 * @example
 * ```ts
 * const result = z.object({ line: z.string() }).safeParse({});
 * inPlainWords(result.error!.issues[0]!); // "required (a string)", not "Invalid input: expected string, received undefined"
 * ```
 */
export function inPlainWords(issue: z.core.$ZodIssue): string {
  return plainWords(issue) ?? issue.message;
}
