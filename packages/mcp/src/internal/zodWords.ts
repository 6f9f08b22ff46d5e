/**
 * zod's default messages, wherever an error an agent reads carries them (a
 * tool's arguments, a skill's input, a check of the SDK), said as what the
 * value must be: `input.line: required (a string)` rather than
 * `input.line: Invalid input: expected string, received undefined`, as the
 * tools' own refusals of a missing argument say it. A schema's own message is
 * kept as it is.
 *
 * @module
 */

/** A JSON type as an agent reads it, by zod's name for it. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
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
const typeName = (type: string): string => TYPE_NAMES[type] ?? type;

/** The words of a size limit (`at most 500 items`); a text or list that must hold something `must not be empty`. */
function sizeWords(comparison: string, limit: string, unit: string): string {
  if (comparison === ">" && limit === "1") return "must not be empty";
  return `must be ${comparison === "<" ? "at most" : "at least"} ${limit} ${unit}`;
}

/** The words of a number's bound: `<=5` is `at most 5`, `>0` is `more than 0`. */
function boundWords(bound: string, limit: string): string {
  const words: Record<string, string> = {
    "<=": "at most",
    "<": "less than",
    ">=": "at least",
    ">": "more than",
  };
  return `must be ${words[bound] ?? bound} ${limit}`;
}

/** zod's default messages and their words, in the order they are tried. */
const ZOD_DEFAULTS: readonly [RegExp, (...groups: string[]) => string][] = [
  [
    /Invalid input: expected (\w+), received undefined/g,
    (_, expected = "") => `required (${typeName(expected)})`,
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
    (_, choices = "") => `must be one of ${choices.split(/(?<=")\|(?=")/).join(", ")}`,
  ],
  [/Invalid URL/g, () => "must be a URL"],
  [/Invalid ISO datetime/g, () => "must be an ISO 8601 instant, as 2026-03-01T09:00:00Z"],
];

/**
 * `text` with each default message of zod in it said as what the value must
 * be; the rest as it is.
 *
 * @example
 * ```ts
 * inPlainWords("input.line: Invalid input: expected string, received undefined"); // "input.line: required (a string)"
 * inPlainWords("depth: Invalid input: expected number, received string"); // "depth: must be a number, not a string"
 * inPlainWords("paths: Too big: expected array to have <=500 items"); // "paths: must be at most 500 items"
 * ```
 */
export function inPlainWords(text: string): string {
  return ZOD_DEFAULTS.reduce(
    (reworded, [pattern, words]) =>
      reworded.replace(pattern, (...match: unknown[]) => words(...(match.slice(0, -2) as string[]))),
    text,
  );
}
