/**
 * The flags that say where a document's words came from, in the same words
 * for every command that captures one (`knowledge capture`, `import
 * transcripts`): `--author`, who wrote or said them, and `--at`, when.
 *
 * @module
 */
import { z } from "zod";
import { NameValue, parseFlag, SinceFlag } from "./flags.js";

/** `--author`: who wrote or said it, an operator id or a name (`Olu Adeyemi`); not blank, at most 200 characters. */
export const AuthorFlag = NameValue.pipe(z.string().max(200, "must be at most 200 characters"));

/** What `--at` takes, for its help: a date, an instant or a span back, as `--since` takes them. */
export const AT_VALUES = "a date, an instant or a span back (2026-03-01, 2026-03-01T09:00:00Z, 3d)";

/**
 * The instant an `--at` names, as an ISO string: a date (midnight UTC), an
 * instant, or a span back from now (`3d`).
 *
 * @throws UsageError naming `--at` when it is none of those.
 * @example
 * ```ts
 * atFlag("2026-03-01"); // "2026-03-01T00:00:00.000Z"
 * ```
 */
export function atFlag(value: string): string {
  return parseFlag(SinceFlag, value, "--at").toISOString();
}
