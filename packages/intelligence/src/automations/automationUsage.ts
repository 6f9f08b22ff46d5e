/**
 * The use of the automations factory operators encoded: each automation's
 * handlings in a window, read from its `automation.handled` marks and
 * `automation.advanced` records, and the lines and operators the events it
 * emitted name.
 *
 * @module
 */
import type { EventLog, StoredEvent } from "@software-factory/core";
import { AutomationAdvanced, AutomationHandled, InboxNotified } from "./events.js";

/** The handlings of one automation in the window. */
export interface AutomationUse {
  /** Name of the automation. */
  readonly automation: string;
  /**
   * Events it handled for the first time, of every outcome: each
   * `automation.handled` mark that is no retry, and the handlings that emitted
   * nothing, as counted by the `automation.advanced` records stamped in the
   * window (written every 500 such handlings and at a close, so they count
   * in the window they are recorded in).
   */
  readonly handled: number;
  /** Of which failed after every attempt (marks with outcome `error`). */
  readonly failed: number;
  /** Re-runs of failed handlings by `runner.retry`. */
  readonly retried: number;
  /** Of which went well. */
  readonly recovered: number;
  /** Events its handlings emitted (notifications included). */
  readonly emitted: number;
  /** Lines the events it emitted name (a `line` field, as `signal.routed`'s), sorted. */
  readonly lines: readonly string[];
  /** Operators it notified (its `inbox.notified` events), sorted. */
  readonly operators: readonly string[];
}

/** An automation this factory runs, as the measure reads it. */
export interface EncodedAutomation {
  /** Its name. */
  readonly name: string;
  /** Who encoded it, if it says. */
  readonly author?: string | undefined;
}

/** The window measured, as epoch milliseconds: start inclusive, end exclusive. */
export interface MeasuredWindow {
  /** Start, inclusive. */
  readonly start: number;
  /** End, exclusive. */
  readonly end: number;
}

/** The use of each automation, and the author each is credited to (null: none). */
export interface AutomationUsage {
  /** Each automation that ran in the window or that this factory runs, by name. */
  readonly automations: ReadonlyMap<string, AutomationUse>;
  /** The author of each of them, null when it names none. */
  readonly authorOf: ReadonlyMap<string, string | null>;
}

interface Tally {
  handled: number;
  failed: number;
  retried: number;
  recovered: number;
  emitted: number;
  readonly lines: Set<string>;
  readonly operators: Set<string>;
}

const tally = (): Tally => ({
  handled: 0,
  failed: 0,
  retried: 0,
  recovered: 0,
  emitted: 0,
  lines: new Set(),
  operators: new Set(),
});

/** The `line` a payload names, if it names one as a non-empty string. */
function lineOf(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || !("line" in data)) return undefined;
  const { line } = data as { line: unknown };
  return typeof line === "string" && line !== "" ? line : undefined;
}

/**
 * The events a handling emitted: those of its mark's batch before the mark,
 * which an append puts at consecutive positions (SQLite and PostgreSQL
 * alike), checked by their actor and cause.
 */
async function emittedBy(log: EventLog, mark: StoredEvent, emitted: number, handled: string) {
  const batch = await log.read({ after: mark.seq - emitted - 1, until: mark.seq - 1 });
  return batch.filter((event) => event.actor === mark.actor && event.causedBy === handled);
}

/**
 * The handlings of each automation in `[start, end)`, from the
 * `automation.handled` and `automation.advanced` events of the log stamped in
 * the window (any process's): first handlings by outcome, retries, the events
 * emitted, and the lines and operators those name, read from each mark's
 * batch. An automation this factory does not run is credited to the author its
 * last record in the window names. Reads every record of the two types (the
 * log offers no read bounded by time).
 */
export async function measureAutomationUsage(
  log: EventLog,
  automations: readonly EncodedAutomation[],
  window: MeasuredWindow,
): Promise<AutomationUsage> {
  const running = new Set(automations.map((automation) => automation.name));
  const authorOf = new Map(automations.map((automation) => [automation.name, automation.author ?? null]));
  const byName = new Map<string, Tally>(automations.map((automation) => [automation.name, tally()]));
  const types = [AutomationHandled.type, AutomationAdvanced.type];
  /** The tally of an automation, crediting one this factory does not run to the author its record names. */
  const tallyOf = (name: string, author: string | undefined): Tally => {
    if (author !== undefined && !running.has(name)) authorOf.set(name, author);
    const t = byName.get(name) ?? tally();
    byName.set(name, t);
    return t;
  };
  for await (const event of log.readAll({ types })) {
    const at = Date.parse(event.at);
    if (at < window.start || at >= window.end) continue;
    if (AutomationAdvanced.is(event)) {
      tallyOf(event.data.automation, event.data.author).handled += event.data.handled;
      continue;
    }
    if (!AutomationHandled.is(event)) continue;
    const t = tallyOf(event.data.automation, event.data.author);
    const mark = event.data;
    if (mark.retry === undefined) {
      t.handled++;
      if (mark.outcome === "error") t.failed++;
    } else {
      t.retried++;
      if (mark.outcome === "ok") t.recovered++;
    }
    t.emitted += mark.emitted;
    if (mark.emitted === 0) continue;
    for (const emitted of await emittedBy(log, event, mark.emitted, mark.event)) {
      if (InboxNotified.is(emitted)) t.operators.add(emitted.data.to);
      const line = lineOf(emitted.data);
      if (line !== undefined) t.lines.add(line);
    }
  }
  const uses = new Map<string, AutomationUse>();
  for (const [name, t] of byName) {
    const { lines, operators, ...counts } = t;
    uses.set(name, {
      automation: name,
      ...counts,
      lines: [...lines].sort(),
      operators: [...operators].sort(),
    });
  }
  return { automations: uses, authorOf };
}
