import type { ValidationIssue } from "../errors.js";

/**
 * Issues for every value in a payload that a JSON store gives back as something
 * else: a Date (read back as a string), NaN and ±Infinity (null), `undefined`
 * or a hole in an array (null), a function or symbol (dropped), a Map or Set
 * (`{}`), and any other object but a plain object or an array (a class
 * instance, a URL, a Buffer: read back as a plain object or a string, without
 * its prototype). `undefined` as an object member is kept out of the issues:
 * it reads back as a missing member, which optional fields treat the same.
 * `-0` is none either: the log writes it as `0`, which every store reads back.
 *
 * Run on what the event's schema returned, so a schema that turns a Date into
 * an ISO string (`z.date().transform(...)`) passes. `path` names the value
 * (`data` gives `data.when`, `data.tags[2]`). Values nested deeper than 512
 * levels are not looked at: the check for what JSON cannot hold refuses them.
 */
export function unkeptValueIssues(value: unknown, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (holdsUnkept(value, 0)) collect(value, path, issues, 0);
  return issues;
}

/** How deep the walk goes: as deep as JSON may nest in an event. */
const MAX_DEPTH = 512;

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** What is wrong with a single value, not looking inside arrays and plain objects. */
function problemOf(value: unknown): string | undefined {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value)
        ? undefined
        : `${String(value)} is not stored as written (JSON keeps it as null); pass null or a string`;
    case "function":
      return "a function is not stored (JSON drops it); pass data only";
    case "symbol":
      return "a symbol is not stored (JSON drops it); pass a string";
    case "object":
      if (value === null || Array.isArray(value) || isPlain(value)) return undefined;
      if (value instanceof Date)
        return "a Date is not stored as written (it reads back as a string); pass an ISO string (date.toISOString())";
      if (value instanceof Map)
        return "a Map is not stored as written (JSON keeps it as {}); pass a plain object (Object.fromEntries(map)) or an array of entries";
      if (value instanceof Set)
        return "a Set is not stored as written (JSON keeps it as {}); pass an array ([...set])";
      return `${nameOf(value)} is not stored as written (it reads back as a plain object or a string, without its class); pass a plain object or a string`;
    default:
      return undefined;
  }
}

/** `an instance of URL`, `an object with a prototype`. */
function nameOf(value: object): string {
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name !== "" ? `an instance of ${name}` : "an object with a prototype";
}

/** The fast walk every append takes: no paths are built unless something is found. */
function holdsUnkept(value: unknown, depth: number): boolean {
  if (problemOf(value) !== undefined) return true;
  if (typeof value !== "object" || value === null || depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      if (item === undefined || holdsUnkept(item, depth + 1)) return true;
    }
    return false;
  }
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined && holdsUnkept(item, depth + 1)) return true;
  }
  return false;
}

function collect(value: unknown, path: string, issues: ValidationIssue[], depth: number): void {
  const problem = problemOf(value);
  if (problem !== undefined) {
    issues.push({ path, message: problem });
    return;
  }
  if (typeof value !== "object" || value === null || depth >= MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      if (item === undefined) {
        issues.push({
          path: `${path}[${index}]`,
          message: `${index in value ? "undefined" : "a hole"} in an array is not stored as written (JSON keeps it as null); pass null`,
        });
      } else {
        collect(item, `${path}[${index}]`, issues, depth + 1);
      }
    }
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) collect(item, path === "" ? key : `${path}.${key}`, issues, depth + 1);
  }
}
