/**
 * The size check of a free-form input before it becomes an event: an input
 * too large for the log is refused at the field the caller gave, with the
 * option that raises the limit, rather than as an event over the limit.
 *
 * @module
 */
import type { ValidationIssue } from "../errors.js";
import { sizeText } from "./eventSize.js";

/**
 * The issue of a value larger serialized (UTF-8 JSON) than `maxEventBytes`,
 * at `path`: `fields: is 17.00 MiB serialized; the event recording it may take
 * at most 16 MiB ...`. Nothing when it fits or has no JSON (a BigInt, a value
 * holding itself: other checks name those). The log still checks the whole
 * event, which also carries the metadata and the other fields of the input.
 */
export function oversizedInputIssues(value: unknown, path: string, maxEventBytes: number): ValidationIssue[] {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return [];
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most inputs fit without being encoded.
  if (json === undefined || json.length * 3 <= maxEventBytes) return [];
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes <= maxEventBytes) return [];
  return [
    {
      path,
      message:
        `is ${sizeText(bytes, maxEventBytes)} serialized; the event recording it may take at most ` +
        `${sizeText(maxEventBytes, bytes)}: keep large content outside the log and store a reference to it, ` +
        "or raise maxEventBytes (an option of openFactory and of openEventLog)",
    },
  ];
}
