/**
 * The `automation.handled` marks and `automation.advanced` records of the
 * log, read back: where each automation's durable cursor stands, and the last
 * mark of each event it marked (what `startAutomations` lists as failures and
 * retries, and `readAutomationFailures` lists for every automation).
 *
 * @module
 */
import type { EventLog, StoredEvent } from "@software-factory/core";
import type { z } from "zod";
import { AutomationAdvanced, AutomationHandled } from "./events.js";

const CURSOR_PAGE = 1000;

/** The automation a mark or advance is of, and the log position it says the automation reached. */
function reachedBy(event: StoredEvent): { readonly name: string; readonly position: number } | undefined {
  if (AutomationHandled.is(event)) return { name: event.data.automation, position: event.data.eventSeq };
  if (AutomationAdvanced.is(event)) return { name: event.data.automation, position: event.data.position };
  return undefined;
}

/** Moves `name`'s cursor in `cursors` up to `position` when it is further. */
function advance(cursors: Map<string, number>, name: string, position: number): void {
  cursors.set(name, Math.max(cursors.get(name) ?? 0, position));
}

/**
 * The cursor of each named automation (absent: none yet), or of every
 * automation the log has records of when `names` is undefined: the highest
 * log position among the events its `automation.handled` marks say it
 * handled and the positions its `automation.advanced` records reached.
 */
export async function readCursors(log: EventLog, names?: ReadonlySet<string>): Promise<Map<string, number>> {
  const cursors = new Map<string, number>();
  const types = [AutomationHandled.type, AutomationAdvanced.type];
  for (let after = 0; ; ) {
    const page = await log.read({ after, limit: CURSOR_PAGE, types });
    for (const event of page) {
      const reached = reachedBy(event);
      if (reached === undefined || (names !== undefined && !names.has(reached.name))) continue;
      advance(cursors, reached.name, reached.position);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < CURSOR_PAGE) return cursors;
    after = last.seq;
  }
}

/** One `automation.handled` mark, with how many marks its event has in all and when it was written. */
export type HandledMark = z.infer<typeof AutomationHandled.schema> & {
  readonly marks: number;
  readonly at: string;
};

/** Notes `stored` as the last mark of its (automation, event) in `last`, counting the event's marks. */
function noteMark(
  last: Map<string, HandledMark>,
  stored: StoredEvent<z.infer<typeof AutomationHandled.schema>>,
) {
  const key = `${stored.data.automation}\u0000${stored.data.event}`;
  last.set(key, { ...stored.data, marks: (last.get(key)?.marks ?? 0) + 1, at: stored.at });
}

/**
 * The last `automation.handled` mark of each (automation, event), with how
 * many marks the event has: of the named automations, or of every one when
 * `automations` is undefined; only those of `event` when it is given.
 */
export async function lastMarks(
  log: EventLog,
  automations: ReadonlySet<string> | undefined,
  event?: string,
): Promise<Map<string, HandledMark>> {
  const last = new Map<string, HandledMark>();
  for await (const stored of log.readAll({
    types: [AutomationHandled.type],
    ...(automations === undefined ? {} : { subjects: [...automations].map((name) => `automation:${name}`) }),
  })) {
    if (!AutomationHandled.is(stored)) continue;
    if (automations !== undefined && !automations.has(stored.data.automation)) continue;
    if (event !== undefined && stored.data.event !== event) continue;
    noteMark(last, stored);
  }
  return last;
}

/**
 * In one pass over the log's marks and advances: the cursor of every
 * automation it has records of ({@link readCursors} of all), and the last
 * marks of the named automations, or of every one when `automations` is
 * undefined ({@link lastMarks}).
 */
export async function cursorsAndLastMarks(
  log: EventLog,
  automations: ReadonlySet<string> | undefined,
): Promise<{ readonly cursors: Map<string, number>; readonly last: Map<string, HandledMark> }> {
  const cursors = new Map<string, number>();
  const last = new Map<string, HandledMark>();
  for await (const stored of log.readAll({ types: [AutomationHandled.type, AutomationAdvanced.type] })) {
    const reached = reachedBy(stored);
    if (reached === undefined) continue;
    advance(cursors, reached.name, reached.position);
    if (AutomationHandled.is(stored) && (automations === undefined || automations.has(reached.name)))
      noteMark(last, stored);
  }
  return { cursors, last };
}
