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

/** An issue for each own `__proto__` key in `value` (`fields.__proto__`, `fields.body[2].__proto__`). */
export function prototypeKeyIssues(value: unknown, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<object>();
  const walk = (inner: unknown, at: string, depth: number): void => {
    if (inner === null || typeof inner !== "object" || seen.has(inner) || depth > MAX_DEPTH) return;
    seen.add(inner);
    if (Array.isArray(inner)) {
      inner.forEach((item, index) => {
        walk(item, `${at}[${index}]`, depth + 1);
      });
      return;
    }
    for (const key of Object.keys(inner)) {
      const member = `${at}.${key}`;
      if (key === "__proto__")
        issues.push({
          path: member,
          message: 'a key named "__proto__" is not kept (JavaScript reads it as the prototype); rename it',
        });
      walk((inner as Record<string, unknown>)[key], member, depth + 1);
    }
  };
  walk(value, path, 0);
  return issues;
}
