/**
 * Which log a cache was taken from: the position it reflects and the id of
 * the event at that position. A cache of another log (another store opened
 * over the same folder, a log deleted and started again) has another event
 * there, or none, so it is never taken for this log's state.
 *
 * @module
 */
import type { EventLog } from "@software-factory/core";

/** The position a cache reflects and the id of the event there (`""` at 0). */
export interface LogStamp {
  readonly position: number;
  readonly eventId: string;
}

/** The stamp of `log` at `position`, or `undefined` when the log has no event there. */
export async function logStampAt(log: EventLog, position: number): Promise<LogStamp | undefined> {
  const eventId = await log.eventIdAt(position);
  return eventId === undefined ? undefined : { position, eventId };
}

/** Whether `log` holds the stamped event at the stamped position. */
export async function isStampOf(log: EventLog, stamp: LogStamp): Promise<boolean> {
  if (!Number.isSafeInteger(stamp.position) || stamp.position < 0) return false;
  const current = await logStampAt(log, stamp.position);
  return current !== undefined && current.eventId === stamp.eventId;
}
