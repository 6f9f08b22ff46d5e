/**
 * `countAppended` counts the events its work appended: not those other work
 * appended to the same log at the same time, nor the events an append with
 * a used idempotency key answers from before. A real in-memory log.
 */
import { countAppended, createMemoryEventStore, defineEvent, openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const Noted = defineEvent("test.noted", z.object({ text: z.string() }));

describe("countAppended", () => {
  it("counts its own appends only, a replayed idempotent append as none, and an inner call's for the outer too", async () => {
    const log = await openEventLog({ store: createMemoryEventStore(), events: [Noted] });
    const note = (text: string) => ({ type: Noted.type, subject: "n", data: { text } });
    try {
      await log.append(note("before"), { idempotencyKey: "k" });
      const [mine, theirs] = await Promise.all([
        countAppended(async () => {
          await log.append([note("a"), note("b")]);
          await log.append(note("before"), { idempotencyKey: "k" });
          const inner = await countAppended(() => log.append(note("c")));
          return inner.appended;
        }),
        countAppended(async () => {
          await log.append(note("x"));
          await log.append(note("y"));
        }),
      ]);
      expect(mine).toEqual({ result: 1, appended: 3 });
      expect(theirs.appended).toBe(2);
      expect(await log.head()).toBe(6);
    } finally {
      await log.close();
    }
  });
});
