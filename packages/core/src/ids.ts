import { randomFillSync } from "node:crypto";
import { formatIssues, ValidationError } from "./errors.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;
const RANDOM_BYTES = 10;
const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;
const ID_PATTERN = /^([a-z][a-z0-9]{0,15})_([0-9A-HJKMNP-TV-Z]{26})$/;

let lastTime = -1;
const lastRandom = new Uint8Array(RANDOM_BYTES);

/**
 * Creates a new id for an entity of the given kind: `<prefix>_<ulid>`.
 *
 * The ULID part sorts by creation time (millisecond precision) and is strictly
 * increasing within one process while time moves forward, so ids created
 * later sort after earlier ones, even inside the same millisecond.
 *
 * @param prefix - lowercase kind prefix, 1-16 chars of `[a-z0-9]` starting with a letter (`evt`, `line`, `doc`).
 * @param now - milliseconds since the epoch; defaults to `Date.now()`.
 * @throws ValidationError (path `prefix`) when the prefix is not a valid kind prefix.
 * @example
 * ```ts
 * const id = newId("evt"); // "evt_01JD3X0S1Q8Z4Y9K2M5N7P0R3T"
 * ```
 */
export function newId(prefix: string, now: number = Date.now()): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw invalidArgument("newId", "prefix", `id prefix "${prefix}" must match ${PREFIX_PATTERN.source}`);
  }
  return `${prefix}_${ulid(now)}`;
}

/**
 * Tells whether a value is an id made by {@link newId}, optionally of one kind.
 *
 * @example
 * ```ts
 * isId("evt_01JD3X0S1Q8Z4Y9K2M5N7P0R3T", "evt"); // true
 * ```
 */
export function isId(value: unknown, prefix?: string): value is string {
  if (typeof value !== "string") return false;
  const match = ID_PATTERN.exec(value);
  return match !== null && (prefix === undefined || match[1] === prefix);
}

/**
 * Returns the creation time encoded in an id made by {@link newId}.
 *
 * @throws ValidationError (path `id`) when the value is not such an id.
 */
export function idTimestamp(id: string): Date {
  const match = ID_PATTERN.exec(id);
  if (match === null || match[2] === undefined)
    throw invalidArgument("idTimestamp", "id", `"${id}" is not a factory id`);
  let time = 0;
  for (const char of match[2].slice(0, TIME_LENGTH)) time = time * 32 + CROCKFORD.indexOf(char);
  return new Date(time);
}

/** The ValidationError of a bad argument to `subject`, naming the argument in its path. */
function invalidArgument(subject: string, path: string, message: string): ValidationError {
  const issues = [{ path, message }];
  return new ValidationError({ message: formatIssues(subject, issues), issues });
}

function ulid(now: number): string {
  if (now === lastTime) {
    incrementRandom();
  } else if (now > lastTime) {
    lastTime = now;
    randomFillSync(lastRandom);
  } else {
    // An explicit time in the past (an import of old records): a fresh id at that time.
    return encodeTime(now) + encodeRandom(randomFillSync(new Uint8Array(RANDOM_BYTES)));
  }
  return encodeTime(lastTime) + encodeRandom(lastRandom);
}

function incrementRandom(): void {
  for (let i = RANDOM_BYTES - 1; i >= 0; i--) {
    const byte = lastRandom[i] ?? 0;
    if (byte < 255) {
      lastRandom[i] = byte + 1;
      return;
    }
    lastRandom[i] = 0;
  }
  // 2^128 ids in one millisecond cannot happen; wrapping keeps the function total.
}

function encodeTime(time: number): string {
  let out = "";
  let rest = time;
  for (let i = 0; i < TIME_LENGTH; i++) {
    out = CROCKFORD.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(random: Uint8Array): string {
  // 80 random bits make the 16 Crockford characters.
  let bits = 0n;
  for (let i = 0; i < RANDOM_BYTES; i++) bits = (bits << 8n) | BigInt(random[i] ?? 0);
  let out = "";
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    out = CROCKFORD.charAt(Number(bits & 31n)) + out;
    bits >>= 5n;
  }
  return out;
}
