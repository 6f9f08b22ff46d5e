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

/** An event measured against the size limit (see {@link measureEvent}). */
export interface MeasuredEvent {
  /**
   * `JSON.stringify` of the payload, what a store writes: undefined when the
   * event was refused without serializing it, or its payload has no JSON (a
   * BigInt, a value holding itself, `undefined`).
   */
  readonly payloadJson: string | undefined;
  /** The issue of an event over the limit; undefined when it fits or is no JSON (other checks name that). */
  readonly issue: ValidationIssue | undefined;
}

/**
 * Measures an event's serialized form (UTF-8 JSON of all its fields) against
 * `limit` bytes, serializing its payload once: the string is returned for the
 * store to write. `payloadTextLength` is what `scanPayload` counted in the
 * payload. A string's length is a lower bound of its bytes, so an event over
 * twice the limit is refused without serializing it (`at least 400.00 MiB`,
 * in milliseconds rather than the seconds it takes to serialize); closer to
 * the limit, its exact size is given.
 */
export function measureEvent(
  event: PreparedEvent,
  payloadTextLength: number,
  limit: number,
  path: string,
): MeasuredEvent {
  let atLeast = 0;
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue;
    atLeast += key.length + 3 + (key === "data" ? payloadTextLength : textLength(value, 1));
  }
  if (atLeast > 2 * limit) {
    return {
      payloadJson: undefined,
      issue: sizeIssue(event, `at least ${sizeText(atLeast, limit)}`, limit, atLeast, path),
    };
  }
  const payloadJson = jsonOf(event.data);
  // The event's JSON is its metadata's with the payload's in place of a one-character one.
  const bytes =
    payloadJson === undefined
      ? utf8Bytes(jsonOf(event))
      : Buffer.byteLength(JSON.stringify({ ...event, data: 0 }), "utf8") -
        1 +
        Buffer.byteLength(payloadJson, "utf8");
  if (bytes === undefined || bytes <= limit) return { payloadJson, issue: undefined };
  return { payloadJson, issue: sizeIssue(event, sizeText(bytes, limit), limit, atLeast, path) };
}

function sizeIssue(
  event: PreparedEvent,
  size: string,
  limit: number,
  atLeast: number,
  path: string,
): ValidationIssue {
  return {
    path,
    message:
      `event "${event.type}" is ${size} serialized (payload and metadata), over the limit of ` +
      `${sizeText(limit, atLeast)} per event; keep large content outside the log and store a reference to it, ` +
      "or raise maxEventBytes (an option of openFactory and of openEventLog)",
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

/** `JSON.stringify` of the value, or undefined when it has no JSON (or serializing it throws). */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function utf8Bytes(json: string | undefined): number | undefined {
  return json === undefined ? undefined : Buffer.byteLength(json, "utf8");
}

/**
 * Bytes in MiB, as exact as it takes to tell them from `other`: `16 MiB`,
 * `400.25 MiB`, with the bytes as well when two decimals are not enough
 * (`16.00 MiB (16,777,300 bytes)`); under 1 MiB, bytes (`65,536 bytes`).
 */
export function sizeText(bytes: number, other: number): string {
  const exact = `${bytes.toLocaleString("en-US")} bytes`;
  if (bytes < MiB) return exact;
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  const mib = `${(bytes / MiB).toFixed(2)} MiB`;
  return mib === `${(other / MiB).toFixed(2)} MiB` ? `${mib} (${exact})` : mib;
}
