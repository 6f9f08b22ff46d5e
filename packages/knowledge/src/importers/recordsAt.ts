/**
 * Finding the records of an API response: the array at a dotted path
 * (`data.issues.nodes`, read as a mapping's paths are), or why there is none,
 * naming what is there instead.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { Text } from "../internal/arguments.js";

/** How many keys or arrays a message names before it says how many more there are. */
const NAMED = 6;

/** A parsed JSON value in words: `an object with keys a, b`, `an array of 3`, `a string`, `null`. */
function described(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "an empty object" : `an object with keys ${listed(keys)}`;
  }
  return `a ${typeof value}`;
}

/** Up to {@link NAMED} items joined by commas, then how many more. */
function listed(items: readonly string[]): string {
  const named = items.slice(0, NAMED).join(", ");
  return items.length > NAMED ? `${named} and ${items.length - NAMED} more` : named;
}

/**
 * The records at a dotted path of a parsed file: the array there, or the
 * path where they are not and why: the first key that is missing and what
 * its parent holds (`data.issue`: `no such field (the object has
 * data.issues)`), or what the path holds when it is not an array
 * (`expected an array of records, found an object with keys edges, pageInfo`).
 */
export function recordsAt(
  value: unknown,
  path: string,
): { readonly records: unknown[] } | { readonly path: string; readonly message: string } {
  const keys = path.split(".");
  let current = value;
  for (const [index, key] of keys.entries()) {
    const parent = keys.slice(0, index).join(".");
    const here = keys.slice(0, index + 1).join(".");
    const has = current !== null && typeof current === "object" && Object.hasOwn(current as object, key);
    if (!has) {
      const prefix = parent === "" ? "" : `${parent}.`;
      const holds =
        current !== null && typeof current === "object" && !Array.isArray(current)
          ? Object.keys(current).length === 0
            ? "the object is empty"
            : `the object has ${listed(Object.keys(current).map((name) => `${prefix}${name}`))}`
          : `${parent === "" ? "the file" : parent} is ${described(current)}`;
      return { path: here, message: `no such field (${holds})` };
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (!Array.isArray(current))
    return { path, message: `expected an array of records, found ${described(current)}` };
  return { records: current };
}

/**
 * Why a file's value is not an array of records, and where its arrays are:
 * `the file is an object; its arrays are at issues (50 records): pass
 * records: "issues"`. Arrays are looked for through objects, not inside
 * arrays, down to four keys (`data.issues.nodes`); the suggestion is the one
 * with the most records.
 */
function notAnArray(value: unknown, option: (path: string) => string): string {
  if (value === null || typeof value !== "object") {
    return `the file holds ${described(value)}, not an array of records`;
  }
  const arrays: { path: string; count: number }[] = [];
  const visit = (object: object, prefix: string, depth: number): void => {
    for (const [key, inner] of Object.entries(object)) {
      const path = `${prefix}${key}`;
      if (Array.isArray(inner)) arrays.push({ path, count: inner.length });
      else if (inner !== null && typeof inner === "object" && depth < 4) visit(inner, `${path}.`, depth + 1);
    }
  };
  visit(value, "", 1);
  if (arrays.length === 0) return `the file is ${described(value)} and no array of records in it`;
  const most = arrays.reduce((best, array) => (array.count > best.count ? array : best));
  const where = arrays.map(({ path, count }) => `${path} (${count} record${count === 1 ? "" : "s"})`);
  return `the file is an object; its arrays are at ${listed(where)}: pass ${option(most.path)}`;
}

/**
 * 1-based line on which each element of the array at `path` (keys, `[]` for
 * the top level) of `text` (valid JSON) starts, so a record is named by its line.
 */
function elementLines(text: string, path: readonly string[]): number[] {
  const starts: number[] = [];
  // One frame per open container: whether it is an array, the key (or index) of the value in it now.
  const frames: { array: boolean; key: string; expectingKey: boolean }[] = [];
  const inTarget = (): boolean => {
    const top = frames.at(-1);
    if (top?.array !== true || frames.length - 1 !== path.length) return false;
    return path.every((key, index) => frames[index]?.key === key);
  };
  let line = 1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === "\n") line += 1;
    if (char === " " || char === "\t" || char === "\r" || char === "\n" || char === ":") continue;
    const top = frames.at(-1);
    if (char === ",") {
      if (top?.array === true) top.key = String(Number(top.key) + 1);
      else if (top !== undefined) top.expectingKey = true;
      continue;
    }
    if (char === "]" || char === "}") {
      frames.pop();
      continue;
    }
    if (char === '"') {
      const start = index;
      for (index += 1; index < text.length && text[index] !== '"'; index += 1) {
        if (text[index] === "\\") index += 1;
      }
      if (top?.expectingKey === true) {
        top.key = JSON.parse(text.slice(start, index + 1)) as string;
        top.expectingKey = false;
        continue;
      }
    }
    if (inTarget()) starts.push(line);
    if (char === "[" || char === "{")
      frames.push({ array: char === "[", key: "0", expectingKey: char === "{" });
    else if (char !== '"')
      while (index + 1 < text.length && !/[\s,\]}]/.test(text[index + 1] as string)) index += 1;
  }
  return starts;
}

/** The records of a JSON file with the line each starts on, or where and why it has none. */
export type RecordsOfJson =
  | {
      /** Each record and the 1-based line it starts on. */
      readonly records: readonly {
        /** The record as parsed. */
        readonly value: unknown;
        /** Where it starts in the file; `undefined` when it could not be told. */
        readonly line: number | undefined;
      }[];
    }
  | {
      /** The dotted path where the records are not (`""` for the file itself). */
      readonly path: string;
      /** Why, naming what is there instead. */
      readonly message: string;
    };

/**
 * The records of a parsed JSON file and the line each starts on: the array at
 * the dotted path `records` (`data.issues.nodes`, read as a mapping's paths
 * are), or the file itself when it is an array and no path is given.
 *
 * Where there are none, the path and why, naming what is there instead: the
 * first missing key and what its parent holds (`data.issue: no such field
 * (the object has data.issues)`), what the path holds (`expected an array of
 * records, found an object with keys edges, pageInfo`), or for a file that is
 * an object and no path, where its arrays are and the `records` to pass
 * (`the file is an object; its arrays are at issues (50 records): pass
 * records: "issues"`; looked for four keys deep, not inside arrays).
 *
 * @param text - the file's text, to find each record's line.
 * @param value - the file parsed (`JSON.parse(text)`).
 * @throws ValidationError naming `text` or `records` when one is not a string.
 * @example
 * ```ts
 * const text = '{"issues": [{"id": 1}]}';
 * const found = recordsOfJson(text, JSON.parse(text), "issues");
 * if ("records" in found) console.log(found.records.length); // 1
 * ```
 */
export function recordsOfJson(text: string, value: unknown, records?: string): RecordsOfJson {
  checkArguments("recordsOfJson", { text: [Text, text], records: [Text.optional(), records] });
  if (records === undefined && !Array.isArray(value)) {
    return {
      path: "",
      message: `holds no JSON array of records: ${notAnArray(value, (path) => `records: ${JSON.stringify(path)}`)}`,
    };
  }
  const found = records === undefined ? { records: value as unknown[] } : recordsAt(value, records);
  if (!("records" in found)) return found;
  const lines = elementLines(text, records?.split(".") ?? []);
  return { records: found.records.map((record, index) => ({ value: record, line: lines[index] })) };
}
