/**
 * Where a value holds what JSON cannot keep: a keyed skill run records its
 * output, and a retry returns what the log gives back.
 *
 * @module
 */
import type { ValidationIssue } from "@software-factory/core";

/** What an issue of {@link notJsonIssue} says, before why and what it found. */
const MUST_BE_JSON = "must be JSON (no BigInt, cycle, function or symbol)";

/**
 * The first place, depth first, where `value` holds what `JSON.stringify`
 * throws on (a BigInt, a cycle) or drops (a function, a symbol), as an issue
 * whose path names it as zod paths are named (`lines[0].total`; empty for
 * `value` itself). What JSON converts passes (a Date through its `toJSON`,
 * NaN to null), as do `undefined` members, which JSON drops; an object
 * reached twice without a cycle (a shared reference) passes too. (The log
 * refuses to record what JSON converts; a keyed run's output says so.)
 *
 * @param why - why the value must be JSON, said after the rule ("as a run's input is hashed and recorded").
 * @returns the issue, or undefined when `value` is JSON.
 */
export function notJsonIssue(value: unknown, why: string): ValidationIssue | undefined {
  const issue = visit(value, "", "", new Map());
  return issue === undefined
    ? undefined
    : { path: issue.path, message: `${MUST_BE_JSON}, ${why}: ${issue.message}` };
}

/** The issue of `value`, reached under `key` at `path` inside `ancestors` (each object by its path). */
function visit(
  value: unknown,
  key: string,
  path: string,
  ancestors: Map<object, string>,
): ValidationIssue | undefined {
  const json = toJson(value, key);
  if (typeof json === "bigint" || typeof json === "function" || typeof json === "symbol")
    return { path, message: `found a ${typeof json === "bigint" ? "BigInt" : typeof json}` };
  if (typeof json !== "object" || json === null) return undefined;
  const first = ancestors.get(json);
  if (first !== undefined)
    return { path, message: `found a cycle back to ${first === "" ? "(root)" : first}` };
  ancestors.set(json, path);
  try {
    if (Array.isArray(json)) {
      for (const [index, item] of json.entries()) {
        const issue = visit(item, String(index), `${path}[${index}]`, ancestors);
        if (issue !== undefined) return issue;
      }
      return undefined;
    }
    for (const [member, item] of Object.entries(json)) {
      const issue = visit(item, member, path === "" ? member : `${path}.${member}`, ancestors);
      if (issue !== undefined) return issue;
    }
    return undefined;
  } finally {
    ancestors.delete(json);
  }
}

/** What `JSON.stringify` serializes in place of `value`: the result of its `toJSON`, when it has one. */
function toJson(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return value;
  const { toJSON } = value as { readonly toJSON?: unknown };
  return typeof toJSON === "function" ? toJSON.call(value, key) : value;
}
