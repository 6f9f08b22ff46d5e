import {
  ClosedError,
  ConcurrencyConflictError,
  defineEvent,
  EventLog,
  EventRegistry,
  type EventStore,
  IdempotencyConflictError,
  manualClock,
  type StoredEvent,
  UnknownEventTypeError,
  ValidationError,
} from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

/** What an adapter's test file provides to the shared contract suite. */
export interface ContractHarness {
  /** Opens a fresh, empty store. */
  open(): Promise<EventStore>;
  /** Opens another handle (connection, process-level client) on the store last opened, if the adapter has such a thing. */
  openAnother?(): Promise<EventStore>;
  /** Removes what `open` created. */
  cleanup?(): Promise<void>;
}

/** Event types used by the contract suite. */
export const NoteAdded = defineEvent(
  "note.added",
  z.object({ text: z.string().min(1), tags: z.array(z.string()).default([]) }),
);
export const NoteRemoved = defineEvent("note.removed", z.object({ reason: z.string() }));

/** Opens an event log over a store with the contract's event types. */
export function logOver(store: EventStore): EventLog {
  return new EventLog(
    store,
    new EventRegistry([NoteAdded, NoteRemoved]),
    manualClock("2026-01-01T00:00:00Z"),
    "tester",
  );
}

/** Waits until `predicate` holds, polling every 10 ms, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const note = (text: string, subject = "note_1") => ({ type: "note.added", subject, data: { text } });

/**
 * The behaviour every event store adapter must have. An adapter's test file calls
 * this once; a new adapter is done when it passes unchanged.
 */
export function describeEventStoreContract(adapter: string, harness: ContractHarness): void {
  describe(`event store contract: ${adapter}`, () => {
    let log: EventLog;
    const extra: EventLog[] = [];

    beforeEach(async () => {
      log = logOver(await harness.open());
    });
    afterEach(async () => {
      for (const other of extra.splice(0)) await other.close();
      await log.close();
      await harness.cleanup?.();
    });

    it("appends events with contiguous positions from 1 and moves the head", async () => {
      expect(await log.head()).toBe(0);
      const first = await log.append(note("a"));
      const batch = await log.append([note("b"), note("c", "note_2")]);
      expect(first.map((event) => event.seq)).toEqual([1]);
      expect(batch.map((event) => event.seq)).toEqual([2, 3]);
      expect(await log.head()).toBe(3);
      expect(batch[1]).toMatchObject({
        type: "note.added",
        subject: "note_2",
        actor: "tester",
        v: 1,
        at: "2026-01-01T00:00:00.000Z",
        data: { text: "c", tags: [] },
      });
      expect(batch[1]?.id).toMatch(/^evt_/);
    });

    it("round-trips payloads, actors and causation exactly", async () => {
      const data = { text: 'ünïcødé ✓ "quoted" \n newline', tags: ["a", "b"] };
      const [cause] = await log.append({ type: "note.added", subject: "s", data });
      await log.append(
        { type: "note.removed", subject: "s", data: { reason: "dup" }, causedBy: cause?.id ?? "" },
        { actor: "alice" },
      );
      const events = await log.read();
      expect(events[0]?.data).toEqual(data);
      expect(events[1]).toMatchObject({ actor: "alice", causedBy: cause?.id });
      expect("causedBy" in (events[0] as StoredEvent)).toBe(false);
    });

    it("rejects a batch with one bad payload and writes nothing of it", async () => {
      await log.append(note("kept"));
      const attempt = log.append([note("fine"), { type: "note.added", subject: "x", data: { text: 42 } }]);
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toThrow(/events\[1\]\.data\.text/);
      expect(await log.head()).toBe(1);
    });

    it("refuses NUL characters and lone surrogates anywhere in an event, naming the field, and writes nothing", async () => {
      await log.append(note("kept"));
      const nul = log.append({ type: "note.added", subject: "s", data: { text: "a\u0000b" } });
      await expect(nul).rejects.toBeInstanceOf(ValidationError);
      await expect(nul).rejects.toThrow(/data\.text: contains a NUL character/);
      const lone = log.append([
        note("fine"),
        { type: "note.added", subject: "s", data: { text: "ok", tags: ["x", "half \ud83d"] } },
      ]);
      await expect(lone).rejects.toThrow(
        /events\[1\]\.data\.tags\[1\]: contains a lone UTF-16 surrogate \(\\ud83d\)/,
      );
      const subject = log.append({ type: "note.added", subject: "s\udc00", data: { text: "ok" } });
      await expect(subject).rejects.toThrow(/subject: contains a lone UTF-16 surrogate/);
      const actor = log.append(note("ok"), { actor: "al\u0000ice" });
      await expect(actor).rejects.toThrow(/actor: contains a NUL character/);
      expect(await log.head()).toBe(1);
      const [paired] = await log.append(note("a pair is fine: \ud83d\ude00"));
      expect((await log.read({ after: paired ? paired.seq - 1 : 0 }))[0]?.data).toMatchObject({
        text: "a pair is fine: 😀",
      });
    });

    it("rejects an unknown event type by name", async () => {
      const attempt = log.append({ type: "note.exploded", subject: "x", data: {} });
      await expect(attempt).rejects.toBeInstanceOf(UnknownEventTypeError);
      await expect(attempt).rejects.toThrow(/unknown event type "note.exploded"/);
      expect(await log.head()).toBe(0);
    });

    it("appends once for an idempotency key and returns the first result again", async () => {
      const first = await log.append([note("a"), note("b")], { idempotencyKey: "import-1" });
      await log.append(note("other"));
      const again = await log.append([note("a"), note("b")], { idempotencyKey: "import-1" });
      expect(again).toEqual(first);
      expect(await log.head()).toBe(3);
    });

    it("refuses an idempotency key reused for a different batch", async () => {
      await log.append(note("a"), { idempotencyKey: "k" });
      const attempt = log.append(note("not a"), { idempotencyKey: "k" });
      await expect(attempt).rejects.toBeInstanceOf(IdempotencyConflictError);
      await expect(attempt).rejects.toMatchObject({ code: "E_IDEMPOTENCY_CONFLICT", key: "k" });
      expect(await log.head()).toBe(1);
    });

    it("fails an append whose expected head is stale, with both positions, and writes nothing", async () => {
      await log.append([note("a"), note("b")]);
      await expect(log.append(note("c"), { expectedHead: 2 })).resolves.toHaveLength(1);
      const attempt = log.append(note("d"), { expectedHead: 2 });
      await expect(attempt).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(attempt).rejects.toMatchObject({ expected: 2, actual: 3, code: "E_CONCURRENCY_CONFLICT" });
      expect(await log.head()).toBe(3);
    });

    it("lets exactly one of two writers expecting the same head win", async () => {
      await log.append(note("a"));
      const results = await Promise.allSettled([
        log.append(note("b"), { expectedHead: 1 }),
        log.append(note("c"), { expectedHead: 1 }),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
      expect(await log.head()).toBe(2);
    });

    it("reads after a position with a limit, and filters by type and subject", async () => {
      await log.append([note("a", "s1"), note("b", "s2"), note("c", "s1")]);
      await log.append({ type: "note.removed", subject: "s1", data: { reason: "r" } });
      expect((await log.read({ after: 1, limit: 2 })).map((event) => event.seq)).toEqual([2, 3]);
      expect((await log.read({ types: ["note.removed"] })).map((event) => event.seq)).toEqual([4]);
      expect((await log.read({ subjects: ["s1"] })).map((event) => event.seq)).toEqual([1, 3, 4]);
      expect(
        (await log.read({ subjects: ["s1"], types: ["note.added"], after: 1 })).map((e) => e.seq),
      ).toEqual([3]);
      expect((await log.read({ until: 2 })).map((event) => event.seq)).toEqual([1, 2]);
      expect(await log.read({ after: 4 })).toEqual([]);
      expect(await log.read({ types: [] })).toEqual([]);
    });

    it("iterates over a long log page by page", async () => {
      await log.append(Array.from({ length: 250 }, (_, index) => note(`n${index}`)));
      const seen: number[] = [];
      for await (const event of log.readAll({ pageSize: 100 })) seen.push(event.seq);
      expect(seen).toEqual(Array.from({ length: 250 }, (_, index) => index + 1));
    });

    it("delivers new events to a subscriber in order, once each", async () => {
      await log.append(note("before"));
      const seen: number[] = [];
      const subscription = await log.subscribe((event) => {
        seen.push(event.seq);
      });
      await log.append([note("a"), note("b")]);
      await log.append(note("c"));
      await waitFor(() => seen.length === 3);
      expect(seen).toEqual([2, 3, 4]);
      await subscription.close();
      await log.append(note("after close"));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([2, 3, 4]);
    });

    it("delivers an event appended just as the subscriber finishes catching up", async () => {
      // The second append lands a few microtasks after the first woke the subscriber: at one of
      // these depths it arrives between the catch-up's last read and its end, and must not wait
      // for a third append to be delivered.
      for (let depth = 0; depth < 40; depth++) {
        const seen: string[] = [];
        const subscription = await log.subscribe(
          (event) => void seen.push((event.data as { text: string }).text),
          {
            after: await log.head(),
            keepAlive: false,
          },
        );
        void log.append(note(`first ${depth}`));
        for (let tick = 0; tick < depth; tick++) await Promise.resolve();
        await log.append(note(`second ${depth}`));
        await waitFor(() => seen.length === 2, 2000);
        // The two appends race, so a server may order them either way; both must arrive.
        expect([...seen].sort()).toEqual([`first ${depth}`, `second ${depth}`]);
        await subscription.close();
      }
    });

    it("replays from a position and filters what a subscriber receives", async () => {
      await log.append([note("a", "s1"), note("b", "s2")]);
      const seen: string[] = [];
      const subscription = await log.subscribe((event) => void seen.push(event.subject), {
        after: 0,
        subjects: ["s2"],
      });
      await log.append([note("c", "s1"), note("d", "s2")]);
      await waitFor(() => seen.length === 2);
      await waitFor(() => subscription.position === 4);
      expect(seen).toEqual(["s2", "s2"]);
      await subscription.close();
    });

    it("stops a subscription whose handler throws and reports the event", async () => {
      const failures: number[] = [];
      const subscription = await log.subscribe(
        (event) => {
          if (event.seq === 2) throw new Error("boom");
        },
        { after: 0, onError: (_error, event) => void failures.push(event.seq) },
      );
      await log.append([note("a"), note("b"), note("c")]);
      await subscription.stopped;
      expect(failures).toEqual([2]);
      expect(subscription.position).toBe(1);
      expect(subscription.active).toBe(false);
    });

    if (harness.openAnother !== undefined) {
      const openAnother = harness.openAnother.bind(harness);

      it("delivers events written through another handle to a subscriber", async () => {
        const other = logOver(await openAnother());
        extra.push(other);
        const seen: number[] = [];
        const subscription = await log.subscribe((event) => void seen.push(event.seq));
        await other.append([note("x"), note("y")]);
        await waitFor(() => seen.length === 2);
        expect(seen).toEqual([1, 2]);
        await subscription.close();
      });

      it("keeps positions contiguous when two handles append concurrently", async () => {
        const other = logOver(await openAnother());
        extra.push(other);
        await Promise.all([
          ...Array.from({ length: 20 }, (_, index) => log.append([note(`a${index}`), note(`a${index}'`)])),
          ...Array.from({ length: 20 }, (_, index) => other.append([note(`b${index}`), note(`b${index}'`)])),
        ]);
        const events = await log.read({ limit: 100 });
        expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 80 }, (_, index) => index + 1));
        // Batches stay together: each batch's two events sit side by side.
        const texts = events.map((event) => (event.data as { text: string }).text);
        for (let index = 0; index < texts.length; index += 2) {
          expect(texts[index + 1]).toBe(`${texts[index]}'`);
        }
      });

      it("honours an idempotency key across handles", async () => {
        const other = logOver(await openAnother());
        extra.push(other);
        const first = await log.append(note("once"), { idempotencyKey: "shared" });
        const second = await other.append(note("once"), { idempotencyKey: "shared" });
        expect(second).toEqual(first);
        expect(await other.head()).toBe(1);
      });
    }

    it("fails with ClosedError after close", async () => {
      const store = await harness.open();
      const closing = logOver(store);
      await closing.close();
      await expect(closing.append(note("late"))).rejects.toBeInstanceOf(ClosedError);
      await expect(closing.head()).rejects.toBeInstanceOf(ClosedError);
    });
  });
}
