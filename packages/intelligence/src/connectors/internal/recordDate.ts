/**
 * A record's mapped date read as an instant, as knowledge's `importRecords`
 * reads a mapped `capturedAt`.
 *
 * @module
 */

/**
 * An epoch time below this is seconds (Intercom's `created_at`, Slack's
 * `ts`), above it milliseconds, as knowledge's `importRecords` tells them:
 * 1e11 seconds is the year 5138, 1e11 milliseconds March 1973.
 */
const EPOCH_SECONDS_BELOW = 1e11;

/**
 * A mapped date as an ISO instant: text `new Date` reads, or an epoch time
 * (a number, or 9 or more digits with an optional fraction, as Slack's
 * `"1700000000.123456"`) in seconds or milliseconds by its size; `undefined`
 * when the record has none, `null` when it is not a date.
 */
export function dateOf(value: unknown): string | undefined | null {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" && typeof value !== "number") return null;
  const epoch =
    typeof value === "number" ? value : /^\d{9,}(\.\d+)?$/.test(value) ? Number(value) : undefined;
  const date =
    epoch === undefined
      ? new Date(value)
      : new Date(Math.abs(epoch) < EPOCH_SECONDS_BELOW ? Math.round(epoch * 1000) : epoch);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
