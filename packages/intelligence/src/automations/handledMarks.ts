/**
 * The `automation.handled` marks and `automation.advanced` records of the
 * log, read back: where each automation's durable cursor stands, and the last
 * mark of each event it marked (what `startAutomations` lists as failures and
 * retries, and `readAutomationFailures` lists for every automation).
 *
 * @module
 */
import type { EventLog } from "@software-factory/core";
import type { z } from "zod";
import { AutomationAdvanced, AutomationHandled } from "./events.js";

const CURSOR_PAGE = 1000;

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
      const reached = AutomationHandled.is(event)
        ? { name: event.data.automation, position: event.data.eventSeq }
        : AutomationAdvanced.is(event)
          ? { name: event.data.automation, position: event.data.position }
          : undefined;
      if (reached === undefined || (names !== undefined && !names.has(reached.name))) continue;
      cursors.set(reached.name, Math.max(cursors.get(reached.name) ?? 0, reached.position));
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
    const key = `${stored.data.automation}\u0000${stored.data.event}`;
    last.set(key, { ...stored.data, marks: (last.get(key)?.marks ?? 0) + 1, at: stored.at });
  }
  return last;
}
