import { z } from "zod";
import type { PreparedEvent } from "../EventStore.js";
import type { ValidationIssue } from "../errors.js";

const MiB = 1024 * 1024;

/**
 * The most bytes one event may take serialized, payload and metadata, unless
 * the log is opened with another `maxEventBytes`: EventStoreDB's largest record
 * (its default write is 1 MiB, as Kafka's default message limit is 1 MB).
 * PostgreSQL's jsonb holds up to 256 MiB, the most {@link MAX_EVENT_BYTES_CEILING} allows.
 */
export const DEFAULT_MAX_EVENT_BYTES = 16 * MiB;

/** The highest `maxEventBytes` a log takes: about what one PostgreSQL jsonb value can hold. */
export const MAX_EVENT_BYTES_CEILING = 256 * MiB;

/** A per-event size limit as `maxEventBytes` takes it: whole bytes, from 1 to {@link MAX_EVENT_BYTES_CEILING}. */
export const MaxEventBytesSchema = z
  .number()
  .int()
  .positive()
  .max(
    MAX_EVENT_BYTES_CEILING,
    `expected at most ${MAX_EVENT_BYTES_CEILING} (256 MiB, about what a PostgreSQL jsonb value holds)`,
  );

/**
 * The issue of an event whose serialized form (UTF-8 JSON of all its fields)
 * is over `limit` bytes, or undefined when it fits or is no JSON (a BigInt, a
 * cycle: other checks name those). A string's length is a lower bound of its
 * bytes, so an event over twice the limit is refused without serializing it
 * (`at least 400.00 MiB`, in milliseconds rather than the seconds it takes to
 * serialize); closer to the limit, its exact size is given.
 */
export function eventSizeIssue(
  event: PreparedEvent,
  limit: number,
  path: string,
): ValidationIssue | undefined {
  const atLeast = textLength(event, 0);
  let size: string;
  if (atLeast > 2 * limit) {
    size = `at least ${sizeText(atLeast, limit)}`;
  } else {
    const bytes = serializedBytes(event);
    if (bytes === undefined || bytes <= limit) return undefined;
    size = sizeText(bytes, limit);
  }
  return {
    path,
    message:
      `event "${event.type}" is ${size} serialized (payload and metadata), over the limit of ` +
      `${sizeText(limit, atLeast)} per event; keep large content outside the log and store a reference to it, ` +
      "or open the log with a higher maxEventBytes",
  };
}

/** How deep {@link textLength} looks; deeper (or cyclic) values are refused by the JSON checks. */
const MAX_DEPTH = 512;

/** The characters of every string and key in `value`, with their quotes: fewer than its UTF-8 JSON bytes. */
function textLength(value: unknown, depth: number): number {
  if (typeof value === "string") return value.length + 2;
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return 0;
  let total = 0;
  if (Array.isArray(value)) {
    for (const item of value) total += textLength(item, depth + 1);
    return total;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return 0;
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined && typeof item !== "function" && typeof item !== "symbol")
      total += key.length + 3 + textLength(item, depth + 1);
  }
  return total;
}

/** The UTF-8 bytes of the value's JSON, or undefined when it has none. */
function serializedBytes(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Bytes in MiB, as exact as it takes to tell them from `other`: `16 MiB`,
 * `400.25 MiB`, with the bytes as well when two decimals are not enough
 * (`16.00 MiB (16,777,300 bytes)`); under 1 MiB, bytes (`65,536 bytes`).
 */
function sizeText(bytes: number, other: number): string {
  const exact = `${bytes.toLocaleString("en-US")} bytes`;
  if (bytes < MiB) return exact;
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  const mib = `${(bytes / MiB).toFixed(2)} MiB`;
  return mib === `${(other / MiB).toFixed(2)} MiB` ? `${mib} (${exact})` : mib;
}
