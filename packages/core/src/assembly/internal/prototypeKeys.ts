/**
 * Keys named `__proto__` in artifact fields. JSON.parse makes such a key an
 * ordinary member (an import of a JSON file, an MCP call), but building an
 * object from it sets the object's prototype instead: parsing the fields
 * drops it at the top level, and the fingerprint leaves it out deeper down,
 * so a change inside it would make no link suspect.
 *
 * @module
 */
import type { ValidationIssue } from "../../errors.js";

/** How deep the walk goes: as deep as JSON may nest in an event. */
const MAX_DEPTH = 512;

/**
 * An issue for each own `__proto__` key in `value` (`fields.__proto__`,
 * `fields.body[2].__proto__`), whose path starts with `path`.
 */
export function prototypeKeyIssues(value: unknown, path: string): ValidationIssue[] {
  return prototypeKeyPaths(value).map((steps) => ({
    path: steps.reduce<string>(
      (at, step) => (typeof step === "number" ? `${at}[${step}]` : `${at}.${step}`),
      path,
    ),
    message: PROTOTYPE_KEY_MESSAGE,
  }));
}

/** Why a `__proto__` key is refused, and what to do. */
export const PROTOTYPE_KEY_MESSAGE =
  'a key named "__proto__" is not kept (JavaScript reads it as the prototype); rename it';

/** The path to each own `__proto__` key in `value`, as steps (`["body", 2, "__proto__"]`). */
export function prototypeKeyPaths(value: unknown): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const seen = new Set<object>();
  const walk = (inner: unknown, at: (string | number)[], depth: number): void => {
    if (inner === null || typeof inner !== "object" || seen.has(inner) || depth > MAX_DEPTH) return;
    seen.add(inner);
    if (Array.isArray(inner)) {
      inner.forEach((item, index) => {
        walk(item, [...at, index], depth + 1);
      });
      return;
    }
    for (const key of Object.keys(inner)) {
      if (key === "__proto__") paths.push([...at, key]);
      walk((inner as Record<string, unknown>)[key], [...at, key], depth + 1);
    }
  };
  walk(value, [], 0);
  return paths;
}
