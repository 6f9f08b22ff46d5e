import type { ValidationIssue } from "../errors.js";

/**
 * A NUL character, or a UTF-16 surrogate that is not half of a pair (with the
 * `u` flag a well-formed pair is one code point and does not match `\p{Cs}`).
 */
export const UNSTORABLE = /[\0\p{Cs}]/u;

/**
 * Issues for every string in `value` (object keys included) that no store can
 * keep as written: NUL, which PostgreSQL refuses in text and jsonb, and lone
 * surrogates, which are not Unicode and have no UTF-8 encoding; and for what
 * JSON cannot hold: a BigInt, and arrays and objects nested deeper than 512
 * levels (a value that holds itself among them).
 *
 * The event log refuses an append holding such text with a ValidationError;
 * importers run this check on what they will write, before the first write,
 * to name the place in their input instead of failing half-way. Walks
 * strings, arrays and plain objects; `path` names `value` in the issues
 * (`data` gives `data.title`, `data.tags[2]`; by default `title`, `tags[2]`).
 * None when everything can be stored.
 *
 * @example
 * ```ts
 * unstorableTextIssues({ title: "a\u0000b" });
 * // [{ path: "title", message: "contains a NUL character (\\u0000) at index 1, which cannot be stored" }]
 * ```
 */
export function unstorableTextIssues(value: unknown, path = ""): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (holdsUnstorableText(value)) collect(value, path, issues);
  return issues;
}

/**
 * How deep arrays and objects may nest: JSON.stringify overflows the stack a
 * few thousand levels down, and a value that holds itself never ends.
 */
const MAX_DEPTH = 512;

/** Whether {@link unstorableTextIssues} finds anything: a fast walk, building no paths. */
export function holdsUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return UNSTORABLE.test(value);
  if (typeof value === "bigint") return true;
  if (typeof value !== "object" || value === null) return false;
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(value)) return value.some((item) => holdsUnstorableText(item, depth + 1));
  for (const key of Object.keys(value)) {
    if (UNSTORABLE.test(key) || holdsUnstorableText((value as Record<string, unknown>)[key], depth + 1))
      return true;
  }
  return false;
}

function collect(value: unknown, path: string, issues: ValidationIssue[], depth = 0): void {
  if (typeof value === "bigint") {
    issues.push({ path, message: "is a BigInt, which JSON cannot hold; give it as a string or a number" });
  } else if (typeof value === "object" && value !== null && depth >= MAX_DEPTH) {
    issues.push({
      path,
      message: `nests deeper than ${MAX_DEPTH} levels, or holds itself, which JSON cannot hold`,
    });
  } else if (typeof value === "string") {
    const problem = problemOf(value);
    if (problem !== undefined) issues.push({ path, message: problem });
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) collect(item, `${path}[${index}]`, issues, depth + 1);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = problemOf(key);
      if (keyProblem !== undefined)
        issues.push({ path, message: `key ${JSON.stringify(key)}: ${keyProblem}` });
      collect(item, path === "" ? key : `${path}.${key}`, issues, depth + 1);
    }
  }
}

function problemOf(text: string): string | undefined {
  const found = UNSTORABLE.exec(text);
  if (found === null) return undefined;
  const index = found.index;
  if (found[0] === "\0")
    return `contains a NUL character (\\u0000) at index ${index}, which cannot be stored`;
  const unit = text.charCodeAt(index).toString(16).padStart(4, "0");
  return `contains a lone UTF-16 surrogate (\\u${unit}) at index ${index}, which is not valid Unicode`;
}
