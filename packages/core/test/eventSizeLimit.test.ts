import {
  createMemoryEventStore,
  DEFAULT_MAX_EVENT_BYTES,
  defineEvent,
  type EventLog,
  openEventLog,
  ValidationError,
} from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { useLogStores } from "./fixtures/logStores.js";

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));
const KiB = 1024;
const MiB = 1024 * KiB;

/** How each store is opened: the limit is the log's, the same over every one. */
const stores = useLogStores({ folder: "core-event-size-", schema: "size" });

const note = (text: string) => ({ type: "note.added", subject: "note_1", data: { text } });

async function refusal(log: EventLog, events: Parameters<EventLog["append"]>[0]): Promise<ValidationError> {
  const error = await log.append(events).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe.each(stores)("the event size limit over the $name store", ({ skip, store }) => {
  it.skipIf(skip)("refuses an event over 16 MiB by default, naming its type and sizes in MiB", async () => {
    expect(DEFAULT_MAX_EVENT_BYTES).toBe(16 * MiB);
    await using log = await openEventLog({ ...store(), events: [NoteAdded] });
    const error = await refusal(log, note("x".repeat(17 * MiB)));
    expect(error.issues).toEqual([
      {
        path: "(event)",
        message:
          'event "note.added" is 17.00 MiB serialized (payload and metadata), over the limit of 16 MiB per event; ' +
          "keep large content outside the log and store a reference to it, or raise maxEventBytes (an option of openFactory and of openEventLog)",
      },
    ]);
    expect(error.message).toMatch(/^event batch is invalid: \(event\): event "note\.added" is 17\.00 MiB/);
    expect(await log.head()).toBe(0);

    // Just over: 16 MiB of text and the event's other fields, which two decimals cannot tell from 16 MiB.
    const justOver = await refusal(log, note("x".repeat(16 * MiB)));
    expect(justOver.issues[0]?.message).toMatch(
      /^event "note\.added" is 16\.00 MiB \(16,777,\d{3} bytes\) serialized \(payload and metadata\), over the limit of 16 MiB per event;/,
    );
    expect(await log.head()).toBe(0);
  });

  it.skipIf(skip)(
    "writes nothing of a batch with one event over maxEventBytes, counting UTF-8 bytes",
    async () => {
      await using log = await openEventLog({
        ...store(),
        events: [NoteAdded],
        maxEventBytes: 64 * KiB,
      });
      // 40,000 characters, 80,000 bytes: over 64 KiB in bytes, not in characters.
      const error = await refusal(log, [note("first"), note("é".repeat(40_000)), note("last")]);
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]?.path).toBe("events[1]");
      expect(error.issues[0]?.message).toMatch(
        /^event "note\.added" is 80,\d{3} bytes serialized \(payload and metadata\), over the limit of 65,536 bytes per event;/,
      );
      expect(await log.head()).toBe(0);

      // Over twice the limit in characters alone: refused without serializing it.
      const far = await refusal(log, [note("first"), note("z".repeat(200 * KiB))]);
      expect(far.issues[0]?.message).toMatch(
        /^event "note\.added" is at least 204,\d{3} bytes serialized \(payload and metadata\), over the limit of 65,536 bytes per event;/,
      );
      expect(await log.head()).toBe(0);

      const text = "y".repeat(60 * KiB);
      await log.append([note("first"), note(text)]);
      const read = await log.read();
      expect(read.map((event) => (event.data as { text: string }).text.length)).toEqual([5, 60 * KiB]);
    },
  );
});

describe("maxEventBytes", () => {
  it("is refused at open unless a positive integer of at most 256 MiB, naming maxEventBytes", async () => {
    for (const maxEventBytes of [0, 1.5, 257 * MiB]) {
      const error = await openEventLog({ store: createMemoryEventStore(), maxEventBytes }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["maxEventBytes"]);
    }
    await using log = await openEventLog({ store: createMemoryEventStore(), maxEventBytes: 256 * MiB });
    expect(await log.head()).toBe(0);
  });
});
