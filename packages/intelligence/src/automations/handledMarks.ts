/**
 * The `automation.handled` marks of the log, read back: where each
 * automation's durable cursor stands, and the last mark of each event it
 * handled (what `startAutomations` lists as failures and retries).
 *
 * @module
 */
import type { EventLog } from "@software-factory/core";
import type { z } from "zod";
import { AutomationHandled } from "./events.js";

const CURSOR_PAGE = 1000;

/**
 * The cursor of each named automation: the highest log position among the
 * events its `automation.handled` marks say it handled (absent: none yet).
 */
export async function readCursors(log: EventLog, names: ReadonlySet<string>): Promise<Map<string, number>> {
  const cursors = new Map<string, number>();
  for (let after = 0; ; ) {
    const page = await log.read({ after, limit: CURSOR_PAGE, types: [AutomationHandled.type] });
    for (const event of page) {
      if (!AutomationHandled.is(event) || !names.has(event.data.automation)) continue;
      cursors.set(
        event.data.automation,
        Math.max(cursors.get(event.data.automation) ?? 0, event.data.eventSeq),
      );
    }
    const last = page.at(-1);
    if (last === undefined || page.length < CURSOR_PAGE) return cursors;
    after = last.seq;
  }
}

/** One `automation.handled` mark, with how many marks its event has in all. */
export type HandledMark = z.infer<typeof AutomationHandled.schema> & { readonly marks: number };

/**
 * The last `automation.handled` mark of each (automation, event), with how
 * many marks the event has; only those of `event` when it is given.
 */
export async function lastMarks(
  log: EventLog,
  automations: ReadonlySet<string>,
  event?: string,
): Promise<Map<string, HandledMark>> {
  const last = new Map<string, HandledMark>();
  for await (const stored of log.readAll({
    types: [AutomationHandled.type],
    subjects: [...automations].map((name) => `automation:${name}`),
  })) {
    if (!AutomationHandled.is(stored) || !automations.has(stored.data.automation)) continue;
    if (event !== undefined && stored.data.event !== event) continue;
    const key = `${stored.data.automation}\u0000${stored.data.event}`;
    last.set(key, { ...stored.data, marks: (last.get(key)?.marks ?? 0) + 1 });
  }
  return last;
}
