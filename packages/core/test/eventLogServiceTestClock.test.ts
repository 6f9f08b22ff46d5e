import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClockService, EventLogService, manualClock } from "@software-factory/core";
import { Effect, Layer } from "effect";
import { TestClock } from "effect/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "event-log-service-test-clock-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const appendNote = (text: string) =>
  Effect.gen(function* () {
    const log = yield* EventLogService;
    const [stored] = yield* log.append({ type: NoteAdded.type, subject: "notes", data: { text } });
    return stored?.at;
  });

/** Sets the TestClock to 2026-01-01, appends, moves it an hour on, appends again: the two stamps. */
const appendAcrossAnHour = Effect.gen(function* () {
  yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"));
  const first = yield* appendNote("first");
  yield* TestClock.adjust("1 hour");
  const second = yield* appendNote("second");
  return [first, second];
});

describe("EventLogService.layer under Effect's TestClock", () => {
  it("stamps events with the TestClock's time, and adjust moves the stamps", async () => {
    const layer = EventLogService.layer({ path: join(dir, "factory.db"), events: [NoteAdded] }).pipe(
      Layer.provideMerge(TestClock.layer()),
    );

    const stamps = await Effect.runPromise(Effect.provide(appendAcrossAnHour, layer));

    expect(stamps).toEqual(["2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"]);
  });

  it("reads the TestClock the program provides outside the log's layer", async () => {
    const program = appendAcrossAnHour.pipe(
      Effect.provide(EventLogService.layer({ path: join(dir, "factory.db"), events: [NoteAdded] })),
      Effect.provide(TestClock.layer()),
    );

    expect(await Effect.runPromise(program)).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T01:00:00.000Z",
    ]);
  });

  it("stamps with a ClockService of the context over the TestClock", async () => {
    const layer = EventLogService.layer({ path: join(dir, "factory.db"), events: [NoteAdded] }).pipe(
      Layer.provide(Layer.succeed(ClockService, manualClock("2030-06-01T12:00:00Z"))),
      Layer.provideMerge(TestClock.layer()),
    );

    const stamps = await Effect.runPromise(Effect.provide(appendAcrossAnHour, layer));

    expect(stamps).toEqual(["2030-06-01T12:00:00.000Z", "2030-06-01T12:00:00.000Z"]);
  });

  it("stamps with its clock option over both", async () => {
    const layer = EventLogService.layer({
      path: join(dir, "factory.db"),
      events: [NoteAdded],
      clock: manualClock("2031-02-03T04:05:06Z"),
    }).pipe(
      Layer.provide(Layer.succeed(ClockService, manualClock("2030-06-01T12:00:00Z"))),
      Layer.provideMerge(TestClock.layer()),
    );

    const stamps = await Effect.runPromise(Effect.provide(appendAcrossAnHour, layer));

    expect(stamps).toEqual(["2031-02-03T04:05:06.000Z", "2031-02-03T04:05:06.000Z"]);
  });
});
