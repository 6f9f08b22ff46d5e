/**
 * How postgresParity.test.ts compares two runs of the same week: the log and
 * the inboxes read in an order that does not depend on which automation
 * appended first, and every generated id replaced by its order of first
 * appearance, so the reads of a SQLite run and a PostgreSQL run are equal
 * text when the factories are the same.
 */
import type { StoredEvent } from "@software-factory/core";
import type { Factory, InboxItem } from "@software-factory/intelligence";

/**
 * The log as the team reads it: each event a person (or the test) wrote, in
 * order, followed by what the automations wrote in reaction to it, by
 * automation. Automations run side by side, so which of two reacting to one
 * event appends first (and the log positions after) is up to the scheduler on
 * any store; their bookkeeping marks are listed per automation.
 */
export async function logReads(factory: Factory): Promise<Record<string, unknown>> {
  const events = await factory.log.read({});
  const handled = new Map<string, string[]>();
  for (const event of events.filter((next) => next.type === "automation.handled")) {
    const data = event.data as { automation: string; event: string; outcome: string; emitted: number };
    handled.set(data.automation, [
      ...(handled.get(data.automation) ?? []),
      `${data.event} ${data.outcome} ${data.emitted}`,
    ]);
  }
  const reactions = new Map<string, StoredEvent[]>();
  for (const event of events) {
    if (event.type === "automation.handled" || !event.actor.startsWith("automation:")) continue;
    const cause = event.causedBy ?? "";
    reactions.set(cause, [...(reactions.get(cause) ?? []), event]);
  }
  const ordered: StoredEvent[] = [];
  const visit = (event: StoredEvent) => {
    ordered.push(event);
    const children = reactions.get(event.id) ?? [];
    for (const child of [...children].sort((a, b) => a.actor.localeCompare(b.actor))) visit(child);
  };
  for (const event of events) if (!event.actor.startsWith("automation:")) visit(event);
  return {
    log: ordered.map(({ id, type, at, actor, subject, data, causedBy }) => ({
      id,
      type,
      at,
      actor,
      subject,
      data,
      causedBy,
    })),
    handled: [...handled].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => [name, list.sort()]),
  };
}

/** An operator's inbox without the log positions, by cause and automation (see {@link logReads}). */
export function inboxRead(items: readonly InboxItem[]): unknown[] {
  return [...items]
    .sort((a, b) => (a.causedBy ?? "").localeCompare(b.causedBy ?? "") || a.from.localeCompare(b.from))
    .map(({ seq: _seq, ...item }) => item);
}

/** The reads as JSON with each generated id replaced by its order of first appearance. */
export function normalized(reads: Record<string, unknown>): Record<string, unknown> {
  const ids = new Map<string, string>();
  const text = JSON.stringify(reads).replace(/\b([a-z]+)_[0-9A-HJKMNP-TV-Z]{26}\b/g, (id, prefix: string) => {
    let name = ids.get(id);
    if (name === undefined) {
      name = `${prefix}_#${ids.size}`;
      ids.set(id, name);
    }
    return name;
  });
  return JSON.parse(text);
}
