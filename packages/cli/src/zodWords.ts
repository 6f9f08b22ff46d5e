/**
 * zod's default messages, as the SDK's schemas leave them in a
 * `ValidationError` (a skill's input), said in the CLI's words: what the value must be, as the flag errors say it
 * (`must be a string, not a number`, `missing (expected string)`), instead of
 * `Invalid input: expected string, received number`. A schema's own message
 * is kept as it is.
 *
 * @module
 */

/** A JSON type as a person reads it, as zod names it in its type errors. */
export const TYPE_NAMES: Readonly<Record<string, string>> = {
  record: "a JSON object",
  object: "a JSON object",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  null: "null",
};

/** `a string` for zod's `string`; a type the table lacks as zod names it. */
function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

/** The words of a size limit: `at most 80 characters`; a text or list that must hold something `must not be empty`. */
function sizeWords(comparison: string, limit: string, unit: string): string {
  if (comparison === ">" && limit === "1") return "must not be empty";
  return `must be ${comparison === "<" ? "at most" : "at least"} ${limit} ${unit}`;
}

/** The words of a number's limit: `<=5` is `at most 5`, `>0` is `more than 0`. */
function boundWords(bound: string, limit: string): string {
  const words: Record<string, string> = {
    "<=": "at most",
    "<": "less than",
    ">=": "at least",
    ">": "more than",
  };
  return `must be ${words[bound] ?? bound} ${limit}`;
}

/** The JSON strings quoted in `text` (`"a"|"b"`), unquoted. */
function quotedWords(text: string): string[] {
  return [...text.matchAll(/"(?:[^"\\]|\\.)*"/g)].map((match) => JSON.parse(match[0]) as string);
}

/** zod's default messages and the CLI's words for them, in the order they are tried. */
const ZOD_DEFAULTS: readonly [RegExp, (...groups: string[]) => string][] = [
  [
    /Invalid input: expected (\w+), received undefined/g,
    (_, expected = "") => `missing (expected ${expected})`,
  ],
  [
    /Invalid input: expected (\w+), received (\w+)/g,
    (_, expected = "", received = "") => `must be ${typeName(expected)}, not ${typeName(received)}`,
  ],
  [/Invalid input: expected (\w+)\b(?!,)/g, (_, expected = "") => `must be ${typeName(expected)}`],
  [
    /Too (?:big|small): expected \w+ to have ([<>])=(\d+) (characters|items)/g,
    (_, comparison = "", limit = "", unit = "") => sizeWords(comparison, limit, unit),
  ],
  [
    /Too (?:big|small): expected \w+ to be ([<>]=?)(-?[\d.]+)/g,
    (_, bound = "", limit = "") => boundWords(bound, limit),
  ],
  [
    /Invalid option: expected one of ((?:"(?:[^"\\]|\\.)*"\|?)+)/g,
    (_, choices = "") => `must be one of ${quotedWords(choices).join(", ")}`,
  ],
  [
    /Unrecognized keys?: ((?:"(?:[^"\\]|\\.)*"(?:, )?)+)/g,
    (_, keys = "") => `unknown ${quotedWords(keys).length === 1 ? "field" : "fields"} ${keys}`,
  ],
  [/Invalid URL/g, () => "must be a URL"],
  [/Invalid ISO datetime/g, () => "must be an ISO 8601 instant"],
];

/**
 * `text` with every default message of zod in it said in the CLI's words;
 * the rest of the text as it is.
 *
 * @example
 * ```ts
 * inCliText("[1].number: Invalid input: expected number, received string"); // "[1].number: must be a number, not a string"
 * inCliText("line: Invalid input: expected string, received undefined"); // "line: missing (expected string)"
 * ```
 */
export function inCliText(text: string): string {
  return ZOD_DEFAULTS.reduce(
    (reworded, [pattern, words]) =>
      reworded.replace(pattern, (...match: unknown[]) => words(...(match.slice(0, -2) as string[]))),
    text,
  );
}

/**
 * A field path with each index in brackets, as the rest of the path writes
 * the element's: `[0].labels.1.name` is `[0].labels[1].name` (a zod path
 * joined with dots).
 */
export function bracketedPath(path: string): string {
  return path.replace(/\.(\d+)(?=\.|\[|$)/g, "[$1]");
}
