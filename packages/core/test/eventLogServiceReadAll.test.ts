import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import { Effect, Stream } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "event-log-service-read-all-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run<A, E>(program: Effect.Effect<A, E, EventLogService>): Promise<A> {
  return Effect.runPromise(
    Effect.provide(program, EventLogService.layer({ path: join(dir, "factory.db"), events: [NoteAdded] })),
  );
}

const note = (text: string) => ({ type: NoteAdded.type, subject: "notes", data: { text } });

describe("EventLogService.readAll and eventIdAt", () => {
  it("streams every event page by page, anew on each run, and can be cut short", async () => {
    const read = await run(
      Effect.gen(function* () {
        const log = yield* EventLogService;
        yield* log.append(Array.from({ length: 25 }, (_, index) => note(`n${index + 1}`)));
        const all = log.readAll({ pageSize: 10 });
        const first = yield* Stream.runCollect(all);
        yield* log.append(note("n26"));
        const second = yield* Stream.runCollect(all);
        const firstThree = yield* Stream.runCollect(Stream.take(log.readAll({ after: 20, pageSize: 2 }), 3));
        return {
          first: first.map((event) => event.seq),
          second: second.length,
          firstThree: firstThree.map((event) => (event.data as { text: string }).text),
        };
      }),
    );

    expect(read.first).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(read.second).toBe(26);
    expect(read.firstThree).toEqual(["n21", "n22", "n23"]);
  });

  it("fails the stream with a ValidationError naming a malformed query, in the error channel", async () => {
    const error = await run(
      Effect.gen(function* () {
        const log = yield* EventLogService;
        return yield* Effect.flip(Stream.runCollect(log.readAll({ pageSize: 0 })));
      }),
    );

    expect(error._tag).toBe("ValidationError");
    expect(error.message).toContain("pageSize");
  });

  it("gives the id of the event at a position, empty at 0 and undefined past the head", async () => {
    const ids = await run(
      Effect.gen(function* () {
        const log = yield* EventLogService;
        const [stored] = yield* log.append(note("only"));
        return {
          stored: stored?.id,
          atOne: yield* log.eventIdAt(1),
          atZero: yield* log.eventIdAt(0),
          pastHead: yield* log.eventIdAt(2),
        };
      }),
    );

    expect(ids).toEqual({
      stored: ids.atOne,
      atOne: expect.stringMatching(/.+/),
      atZero: "",
      pastHead: undefined,
    });
  });

  it("fails eventIdAt with a ValidationError naming the position, not a defect, for a negative or fractional one", async () => {
    const caught = await run(
      Effect.gen(function* () {
        const log = yield* EventLogService;
        const caughtAt = (position: number) =>
          log
            .eventIdAt(position)
            .pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.message)));
        return [yield* caughtAt(-1), yield* caughtAt(1.5)];
      }),
    );

    expect(caught).toEqual([expect.stringContaining("position"), expect.stringContaining("position")]);
  });
});
