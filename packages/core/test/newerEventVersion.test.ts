/**
 * An event stored at a newer version of its type than this code defines (a
 * newer SDK appended it to a shared log): every read that meets it fails with
 * an `EventVersionError` naming it, rather than reading it with the old schema
 * or skipping it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineEvent,
  EventLogService,
  EventVersionError,
  openEventLog,
  type StoredEvent,
  startProjection,
} from "@software-factory/core";
import Database from "better-sqlite3";
import { Cause, Effect, Exit } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { appendNewerEvent } from "./fixtures/newerEvent.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Version 2 of `line.added`, the newest this code knows. */
const LineAdded = defineEvent("line.added", z.object({ title: z.string() }), {
  version: 2,
  upcast: { 1: (old: { name: string }) => ({ title: old.name }) },
});

const MESSAGE =
  'event "line.added" at position 2 (id evt_from_a_newer_sdk) is stored at version 9, but this code knows "line.added" up to version 2: it was written by a newer version of the SDK (or of the code defining "line.added"); upgrade to read it';

/**
 * A SQLite log holding, in order: a version 2 `line.added`, one a newer SDK
 * wrote at version 9 (appended through the store, as that SDK's log would),
 * and another version 2 one.
 */
async function logWithNewerEvent(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "core-newer-event-"));
  dirs.push(dir);
  const path = join(dir, "factory.db");
  {
    await using log = await openEventLog({ path, events: [LineAdded] });
    await log.append({ type: "line.added", subject: "line_checkout", data: { title: "Checkout" } });
  }
  await appendNewerEvent(path, {
    id: "evt_from_a_newer_sdk",
    type: "line.added",
    subject: "line_payments",
    data: { heading: { text: "Payments" } },
  });
  await using log = await openEventLog({ path, events: [LineAdded] });
  await log.append({ type: "line.added", subject: "line_search", data: { title: "Search" } });
  return path;
}

/** What a promise rejected with (or undefined when it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

function expectNewerEventError(error: unknown): void {
  expect(error).toBeInstanceOf(EventVersionError);
  const refusal = error as EventVersionError;
  expect(refusal.message).toBe(MESSAGE);
  expect(refusal.code).toBe("E_EVENT_VERSION");
  expect({
    type: refusal.type,
    version: refusal.version,
    supported: refusal.supported,
    position: refusal.position,
    id: refusal.id,
  }).toEqual({ type: "line.added", version: 9, supported: 2, position: 2, id: "evt_from_a_newer_sdk" });
}

describe("reading an event stored at a newer version of its type than this code defines", () => {
  it("fails read and readAll with an EventVersionError naming the event, its type and both versions", async () => {
    const path = await logWithNewerEvent();
    await using log = await openEventLog({ path, events: [LineAdded] });

    expectNewerEventError(await rejection(log.read()));
    expectNewerEventError(
      await rejection(
        (async () => {
          for await (const _ of log.readAll({ pageSize: 1 })) {
            // Reads on until the newer event.
          }
        })(),
      ),
    );
    // The events before and after it read as ever.
    expect((await log.read({ until: 1 })).map((event) => event.data)).toEqual([{ title: "Checkout" }]);
    expect((await log.read({ after: 2 })).map((event) => event.data)).toEqual([{ title: "Search" }]);
  });

  it("fails a projection's catch-up rather than fold past it", async () => {
    const path = await logWithNewerEvent();
    await using log = await openEventLog({ path, events: [LineAdded] });
    const folded: StoredEvent[] = [];
    expectNewerEventError(
      await rejection(startProjection(log, { apply: (event) => folded.push(event), pageSize: 1 })),
    );
    expect(folded.map((event) => event.seq)).toEqual([1]);
  });

  it("warns when a live projection meets one appended later, and folds nothing past it", async () => {
    const path = await logWithNewerEvent();
    const db = new Database(path);
    // The log before the newer event: the projection starts on it, then the newer event and the one after land.
    const later = db.prepare("SELECT * FROM events WHERE seq > 1 ORDER BY seq").all() as Record<
      string,
      unknown
    >[];
    db.exec("DELETE FROM events WHERE seq > 1");
    const warnings: Error[] = [];
    const warned = new Promise<void>((heard) => {
      const listen = (warning: Error) => {
        if ((warning as { code?: string }).code !== "FACTORY_PROJECTION_NEWER_EVENT") return;
        warnings.push(warning);
        process.off("warning", listen);
        heard();
      };
      process.on("warning", listen);
    });
    await using log = await openEventLog({ path, events: [LineAdded] });
    const folded: number[] = [];
    // A projection of several types, as a factory's are: the warning names the one event it met, not them all.
    await using projection = await startProjection(log, {
      types: ["line.added", "line.renamed", "line.retired"],
      apply: (event) => void folded.push(event.seq),
    });
    const insert = db.prepare(
      "INSERT INTO events (seq, id, type, v, at, actor, subject, data, caused_by) VALUES (@seq, @id, @type, @v, @at, @actor, @subject, @data, @caused_by)",
    );
    db.transaction(() => {
      for (const row of later) insert.run(row);
    })();
    db.close();
    await warned;

    expect(warnings.map((warning) => warning.message)).toEqual([
      'a live projection folds nothing from position 2 on: event "line.added" (id evt_from_a_newer_sdk) is stored at version 9, and this code knows it up to version 2; upgrade to read it',
    ]);
    expect(folded).toEqual([1]);
    expect(projection.position).toBe(1);
    expectNewerEventError(await rejection(projection.catchUp()));
  });

  it("stops a subscription at it with onError, after handling every event before it", async () => {
    const path = await logWithNewerEvent();
    await using log = await openEventLog({ path, events: [LineAdded] });
    const handled: number[] = [];
    const stoppedBy: [unknown, StoredEvent][] = [];
    const subscription = await log.subscribe((event) => void handled.push(event.seq), {
      after: 0,
      onError: (error, event) => stoppedBy.push([error, event]),
    });
    await subscription.stopped;

    expect(handled).toEqual([1]);
    expect(subscription.active).toBe(false);
    expect(subscription.position).toBe(1);
    expect(stoppedBy).toHaveLength(1);
    const [error, event] = stoppedBy[0] ?? [];
    expectNewerEventError(error);
    expect([event?.seq, event?.v, event?.data]).toEqual([2, 9, { heading: { text: "Payments" } }]);
  });

  it("fails EventLogService.read with the EventVersionError in its error channel", async () => {
    const path = await logWithNewerEvent();
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      return yield* log.read();
    });
    const exit = await Effect.runPromiseExit(
      Effect.provide(program, EventLogService.layer({ path, events: [LineAdded] })),
    );
    const failed = Exit.isFailure(exit) ? exit.cause.reasons.find(Cause.isFailReason) : undefined;
    expectNewerEventError(failed?.error);
  });
});
