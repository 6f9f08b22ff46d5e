import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "event-log-watch-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("EventLogService.watch", () => {
  it("calls the listener when events land while its scope is open, and no more once it closed", async () => {
    let calls = 0;
    const note = (text: string) => ({ type: NoteAdded.type, subject: "s", data: { text } });
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      const whileWatching = yield* Effect.scoped(
        Effect.gen(function* () {
          yield* log.watch(() => {
            calls += 1;
          });
          yield* log.append(note("one"));
          return calls;
        }),
      );
      yield* log.append(note("two"));
      return { whileWatching, afterwards: calls, head: yield* log.head };
    });

    const seen = await Effect.runPromise(
      Effect.provide(program, EventLogService.layer({ path: join(dir, "factory.db"), events: [NoteAdded] })),
    );

    expect(seen).toEqual({ whileWatching: 1, afterwards: 1, head: 2 });
  });
});
