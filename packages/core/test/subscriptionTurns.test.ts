import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, type EventLog, openEventLog } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { signal } from "./fixtures/signal.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NoteAdded = defineEvent("note.added", z.object({ n: z.number().int() }));

/** A log in a new SQLite file, with `count` notes. */
async function logWithNotes(count: number): Promise<EventLog> {
  const dir = mkdtempSync(join(tmpdir(), "core-subscription-turns-"));
  dirs.push(dir);
  const log = await openEventLog({ path: join(dir, "factory.db"), events: [NoteAdded] });
  await log.append(
    Array.from({ length: count }, (_, n) => ({ type: NoteAdded.type, subject: `note-${n}`, data: { n } })),
  );
  return log;
}

/** Waits the time a synchronous handler takes, as one that reads SQLite at length does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe("a subscription catching up", () => {
  it("lets the event loop turn between pages, so other work runs before the catch-up is through", async () => {
    await using log = await logWithNotes(100);
    const handled: number[] = [];
    const all = signal();
    const subscription = await log.subscribe(
      (event) => {
        handled.push(event.seq);
        if (handled.length === 100) all.resolve();
      },
      { after: 0, batchSize: 10 },
    );
    // A request that arrived meanwhile (stdin, a socket) is served from the event loop as this is.
    const served = new Promise<number>((resolve) => setImmediate(() => resolve(handled.length)));
    await all.promise;
    expect(await served).toBeLessThan(100);
    await subscription.close();
  });

  it("lets the event loop turn within a page whose handlers run long", async () => {
    await using log = await logWithNotes(3);
    const handled: number[] = [];
    const all = signal();
    const subscription = await log.subscribe(
      (event) => {
        busyFor(25);
        handled.push(event.seq);
        if (handled.length === 3) all.resolve();
      },
      { after: 0 },
    );
    const served = new Promise<number>((resolve) => setImmediate(() => resolve(handled.length)));
    await all.promise;
    expect(await served).toBeLessThan(3);
    await subscription.close();
  });
});
