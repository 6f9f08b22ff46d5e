import { createMemoryEventStore, EventLogService, ValidationError } from "@software-factory/core";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";

const layer = () => EventLogService.layer({ store: createMemoryEventStore(), events: [NoteAdded] });

describe("EventLogService (Effect face)", () => {
  it("appends and reads through the service", async () => {
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      yield* log.append({ type: "note.added", subject: "s", data: { text: "hello" } });
      const head = yield* log.head;
      const events = yield* log.read({});
      return { head, texts: events.map((event) => (event.data as { text: string }).text) };
    });
    await expect(Effect.runPromise(Effect.provide(program, layer()))).resolves.toEqual({
      head: 1,
      texts: ["hello"],
    });
  });

  it("puts typed errors in the error channel, so catchTag can handle them", async () => {
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      return yield* log.append(
        { type: "note.added", subject: "s", data: { text: "x" } },
        { expectedHead: 5 },
      );
    }).pipe(
      Effect.catchTag("ConcurrencyConflictError", (error) => Effect.succeed(`conflict at ${error.actual}`)),
    );
    await expect(Effect.runPromise(Effect.provide(program, layer()))).resolves.toBe("conflict at 0");
  });

  it("rejects the promise with the original tagged error when unhandled", async () => {
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      return yield* log.append({ type: "note.added", subject: "s", data: { text: "" } });
    });
    const failure = Effect.runPromise(Effect.provide(program, layer()));
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toThrow('event "note.added" is invalid: data.text:');
  });
});
