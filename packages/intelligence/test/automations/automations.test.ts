import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createMemoryEventStore,
  type EventLog,
  NotFoundError,
  openEventLog,
  ValidationError,
} from "@software-factory/core";
import {
  type Automation,
  type AutomationRunner,
  defineAutomation,
  Inbox,
  startAutomations,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { spawnFixture, waitForExit, waitForOutput } from "../../../core/test/fixtures/runChild.js";
import { countNotes, NoteAdded, NoteCounted } from "../fixtures/counting.js";

const child = join(import.meta.dirname, "..", "fixtures", "automationChild.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function memoryLog(): Promise<EventLog> {
  return openEventLog({ store: createMemoryEventStore(), events: [NoteAdded, NoteCounted] });
}

async function addNotes(log: EventLog, from: number, count: number): Promise<void> {
  await log.append(
    Array.from({ length: count }, (_, index) => ({
      type: NoteAdded.type,
      subject: `note-${from + index}`,
      data: { n: from + index },
    })),
  );
}

async function countedBySource(log: EventLog): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const event of log.readAll()) {
    if (NoteCounted.is(event)) counts.set(event.data.note, (counts.get(event.data.note) ?? 0) + 1);
  }
  return counts;
}

/** Starts `automation` on `log`, adds `count` notes, waits until it handled them and closes it; the closed runner. */
async function handleNotes(log: EventLog, automation: Automation, count: number): Promise<AutomationRunner> {
  const runner = await startAutomations({ log, automations: [automation], services: {} });
  await addNotes(log, 0, count);
  await runner.idle();
  await runner.close();
  return runner;
}

/**
 * Starts the automation `make` builds (its handler calls `called` when it is
 * first called) on a log with one new note and closes it at that first call;
 * expects the note left unhandled, and handled once by the next start.
 */
async function expectClosedOnFirstCallLeavesNoteForNextStart(
  make: (called: () => void) => Automation,
): Promise<void> {
  const log = await memoryLog();
  let called: () => void = () => undefined;
  const firstCall = new Promise<void>((resolve) => {
    called = resolve;
  });
  const first = await startAutomations({ log, automations: [make(called)], services: {} });
  await addNotes(log, 0, 1);
  await firstCall;
  await first.close();
  expect(await log.read({ types: ["automation.handled"] })).toEqual([]);

  const second = await startAutomations({ log, automations: [countNotes], services: {} });
  await second.idle();
  await second.close();
  expect([...(await countedBySource(log)).values()]).toEqual([1]);
}

describe("automations", () => {
  it("handles every matching event once, with what it emits caused by that event", async () => {
    const log = await memoryLog();
    await addNotes(log, 0, 3);
    const runner = await startAutomations({ log, automations: [countNotes], services: {} });
    await addNotes(log, 3, 2);
    await runner.idle();
    const counted = (await log.read({ types: [NoteCounted.type] })).map((event) => event.data);
    expect(counted.map((data) => (data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    const notes = await log.read({ types: [NoteAdded.type] });
    const causes = (await log.read({ types: [NoteCounted.type] })).map((event) => event.causedBy);
    expect(causes).toEqual(notes.map((event) => event.id));
    await runner.close();
  });

  it("resumes from its durable cursor after a restart without repeating an event", async () => {
    const log = await memoryLog();
    await addNotes(log, 0, 4);
    const first = await startAutomations({ log, automations: [countNotes], services: {} });
    await first.idle();
    await first.close();
    await addNotes(log, 4, 3);
    const second = await startAutomations({ log, automations: [countNotes], services: {} });
    await second.idle();
    await second.close();
    const counts = await countedBySource(log);
    expect(counts.size).toBe(7);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it("resumes after its process is killed mid-run, missing and repeating nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-automation-"));
    dirs.push(dir);
    const path = join(dir, "factory.db");
    const log = await openEventLog({ path, events: [NoteAdded, NoteCounted] });
    await addNotes(log, 0, 300);

    const process = spawnFixture(child, [path]);
    const exit = waitForExit(process);
    await waitForOutput(process, "handled ");
    process.kill("SIGKILL");
    expect((await exit).signal).toBe("SIGKILL");
    const handledBeforeCrash = (await log.read({ types: ["automation.handled"], limit: 1000 })).length;
    expect(handledBeforeCrash).toBeGreaterThan(0);
    expect(handledBeforeCrash).toBeLessThan(300);

    const runner = await startAutomations({ log, automations: [countNotes], services: {} });
    await runner.idle();
    await runner.close();
    const counts = await countedBySource(log);
    expect(counts.size).toBe(300);
    expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
    await log.close();
  });

  it("records a throwing handler as an error and goes on with the next event", async () => {
    const log = await memoryLog();
    const picky = defineAutomation({
      name: "picky",
      description: "Fails on odd notes.",
      on: [NoteAdded.type],
      run: (event, { emit }) => {
        const { n } = event.data as { n: number };
        if (n % 2 === 1) throw new RangeError(`odd note ${n}`);
        emit({ type: NoteCounted.type, subject: event.subject, data: { n, note: event.id } });
      },
    });
    await handleNotes(log, picky, 4);
    const handled = (await log.read({ types: ["automation.handled"] })).map((event) => event.data);
    expect(handled.map((data) => (data as { outcome: string }).outcome)).toEqual([
      "ok",
      "error",
      "ok",
      "error",
    ]);
    // By default a throwing handler is called three times before its event is recorded as failed.
    expect(handled[1]).toMatchObject({ error: { message: "odd note 1" }, emitted: 0, attempts: 3 });
    expect((await log.read({ types: [NoteCounted.type] })).length).toBe(2);
  });

  it("calls a handler that failed once again, handling its event once with outcome ok", async () => {
    const log = await memoryLog();
    const calls = new Map<string, number>();
    const flaky = defineAutomation({
      name: "flaky",
      description: "Fails the first time it sees a note (a model that is down for a moment).",
      on: [NoteAdded.type],
      retry: { backoffMs: 1 },
      run: (event, { emit }) => {
        calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
        emit({ type: NoteCounted.type, subject: event.subject, data: { n: 0, note: event.id } });
        if (calls.get(event.id) === 1) throw new Error("model unreachable");
      },
    });
    const runner = await handleNotes(log, flaky, 2);
    const handled = (await log.read({ types: ["automation.handled"] })).map((event) => event.data);
    expect(handled).toMatchObject([
      { outcome: "ok", attempts: 2, emitted: 1 },
      { outcome: "ok", attempts: 2, emitted: 1 },
    ]);
    expect(handled[0]).not.toHaveProperty("error");
    // What the failed attempt emitted was dropped: one note.counted per note.
    expect([...(await countedBySource(log)).values()]).toEqual([1, 1]);
    expect(await runner.failures()).toEqual([]);
  });

  it("records an event as an error after the policy's attempts, and later events still run", async () => {
    const log = await memoryLog();
    const calls = new Map<number, number>();
    const poisoned = defineAutomation({
      name: "poisoned",
      description: "Always fails on note 1.",
      on: [NoteAdded.type],
      retry: { attempts: 4, backoffMs: 1 },
      run: (event, { emit }) => {
        const { n } = event.data as { n: number };
        calls.set(n, (calls.get(n) ?? 0) + 1);
        if (n === 1) throw new RangeError("note 1 is poison");
        emit({ type: NoteCounted.type, subject: event.subject, data: { n, note: event.id } });
      },
    });
    const runner = await startAutomations({ log, automations: [poisoned], services: {} });
    await addNotes(log, 0, 3);
    await runner.idle();
    const handled = (await log.read({ types: ["automation.handled"] })).map((event) => event.data);
    expect(handled).toMatchObject([
      { outcome: "ok", attempts: 1 },
      { outcome: "error", attempts: 4, error: { code: "HANDLER_FAILED", message: "note 1 is poison" } },
      { outcome: "ok", attempts: 1 },
    ]);
    expect([...calls.entries()]).toEqual([
      [0, 1],
      [1, 4],
      [2, 1],
    ]);
    const [note1] = await log.read({ types: [NoteAdded.type], after: 1, limit: 1 });
    expect(await runner.failures()).toEqual([
      {
        automation: "poisoned",
        event: note1?.id,
        eventSeq: note1?.seq,
        error: { code: "HANDLER_FAILED", message: "note 1 is poison" },
      },
    ]);
    await runner.close();
  });

  it("runs a failed event again on retry, once across two runners, and lands what it emits", async () => {
    const log = await memoryLog();
    let down = true;
    const calls: number[] = [];
    const needsModel = defineAutomation({
      name: "needs-model",
      description: "Fails while the model is down.",
      on: [NoteAdded.type],
      retry: { attempts: 2, backoffMs: 1 },
      run: (event, { emit }) => {
        const { n } = event.data as { n: number };
        calls.push(n);
        if (down) throw new Error("model down");
        emit({ type: NoteCounted.type, subject: event.subject, data: { n, note: event.id } });
      },
    });
    const a = await startAutomations({ log, automations: [needsModel], services: {} });
    await addNotes(log, 0, 1);
    await a.idle();
    const [failure] = await a.failures("needs-model");
    expect(failure).toMatchObject({
      automation: "needs-model",
      eventSeq: 1,
      error: { message: "model down" },
    });
    const event = failure?.event ?? "";
    expect(await a.retry("needs-model", event)).toEqual({
      outcome: "error",
      error: { code: "HANDLER_FAILED", message: "model down" },
    });

    down = false;
    const b = await startAutomations({ log, automations: [needsModel], services: {} });
    const results = await Promise.all([a.retry("needs-model", event), b.retry("needs-model", event)]);
    expect(results).toEqual([{ outcome: "ok" }, { outcome: "ok" }]);
    expect(await a.failures()).toEqual([]);
    expect([...(await countedBySource(log)).values()]).toEqual([1]);
    const marks = (await log.read({ types: ["automation.handled"] })).map((mark) => mark.data);
    expect(marks).toMatchObject([
      { outcome: "error", attempts: 2 },
      { outcome: "error", attempts: 2, retry: 1 },
      { outcome: "ok", attempts: 1, retry: 2, emitted: 1 },
    ]);

    await expect(a.retry("needs-model", event)).rejects.toThrow(
      `automation "needs-model" handled event "${event}" well: nothing to retry`,
    );
    await expect(a.retry("needs-model", "evt_nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(a.retry("count-notes", event)).rejects.toThrow(
      'no automation "count-notes" in this runner; it runs: needs-model',
    );
    await Promise.all([a.close(), b.close()]);
  });

  it("leaves an event unhandled when closed while waiting to retry it, and handles it on the next start", async () => {
    await expectClosedOnFirstCallLeavesNoteForNextStart((called) =>
      defineAutomation({
        name: "count-notes",
        description: "Fails, then waits a minute before its next attempt.",
        on: [NoteAdded.type],
        retry: { attempts: 2, backoffMs: 60_000 },
        run: () => {
          called();
          throw new Error("down");
        },
      }),
    );
  });

  it("aborts a handler's signal on close, leaving its event unhandled for the next start, even on its last attempt", async () => {
    await expectClosedOnFirstCallLeavesNoteForNextStart((called) =>
      defineAutomation({
        name: "count-notes",
        description: "Waits on a webhook that never answers, heeding its signal.",
        on: [NoteAdded.type],
        retry: { attempts: 1 },
        run: async (_event, { signal }) => {
          called();
          await new Promise<void>((_resolve, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
        },
      }),
    );
  });

  it("refuses an automation with a bad retry policy, naming the field", async () => {
    const log = await memoryLog();
    await expect(
      startAutomations({
        log,
        automations: [{ ...countNotes, retry: { attempts: 0 } }],
        services: {},
      }),
    ).rejects.toThrow(/automation "count-notes" is invalid: retry.attempts/);
    await expect(
      startAutomations({ log, automations: [{ ...countNotes, retry: { attempts: 0 } }], services: {} }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("records an invalid emitted event as an error instead of appending it", async () => {
    const log = await memoryLog();
    const broken = defineAutomation({
      name: "broken",
      description: "Emits a bad payload.",
      on: [NoteAdded.type],
      run: (event, { emit }) => emit({ type: NoteCounted.type, subject: event.subject, data: { n: "x" } }),
    });
    await handleNotes(log, broken, 1);
    const [handled] = await log.read({ types: ["automation.handled"] });
    expect(handled?.data).toMatchObject({ outcome: "error", error: { code: "E_VALIDATION" } });
    expect(await log.read({ types: [NoteCounted.type] })).toEqual([]);
  });

  it("handles an event once when two runners of the same automation share a log", async () => {
    const log = await memoryLog();
    const a = await startAutomations({ log, automations: [countNotes], services: {} });
    const b = await startAutomations({ log, automations: [countNotes], services: {} });
    await addNotes(log, 0, 20);
    await Promise.all([a.idle(), b.idle()]);
    await Promise.all([a.close(), b.close()]);
    const counts = await countedBySource(log);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it("decides again when another writer changed the factory while its handler ran, instead of overriding it", async () => {
    const log = await memoryLog();
    let runs = 0;
    // Counts a note unless someone counted it already; the first time, a person counts it meanwhile.
    const countUnlessCounted = defineAutomation({
      name: "count-unless-counted",
      description: "Counts a note nobody counted yet.",
      on: [NoteAdded.type],
      run: async (event, { emit }) => {
        runs += 1;
        const counted = await log.read({ types: [NoteCounted.type] });
        if (counted.some((earlier) => earlier.subject === event.subject)) return;
        if (runs === 1) {
          await log.append(
            [{ type: NoteCounted.type, subject: event.subject, data: { n: 0, note: "by hand" } }],
            {
              actor: "alice",
            },
          );
        }
        emit({ type: NoteCounted.type, subject: event.subject, data: { n: 0, note: event.id } });
      },
    });
    await handleNotes(log, countUnlessCounted, 1);
    const counted = await log.read({ types: [NoteCounted.type] });
    expect(counted.map((event) => event.actor)).toEqual(["alice"]);
    expect(runs).toBe(2);
  });

  it("does not decide again for events about other things, and gives up as an error when its subject keeps changing", async () => {
    const log = await memoryLog();
    const runs = new Map<string, number>();
    // While deciding, writes an unrelated note ("other-*"), or one about the same subject when the note says so.
    const countBusy = defineAutomation({
      name: "count-busy",
      description: "Counts notes while others write.",
      on: [NoteAdded.type],
      run: async (event, { emit }) => {
        runs.set(event.subject, (runs.get(event.subject) ?? 0) + 1);
        const n = (event.data as { n: number }).n;
        const subject = n === 1 ? event.subject : `other-${event.subject}-${runs.get(event.subject)}`;
        await log.append([{ type: NoteCounted.type, subject, data: { n, note: "meanwhile" } }]);
        emit({ type: NoteCounted.type, subject: event.subject, data: { n, note: event.id } });
      },
    });
    const runner = await startAutomations({ log, automations: [countBusy], services: {} });
    await addNotes(log, 0, 2);
    await runner.idle();
    expect(runs.get("note-0")).toBe(1);
    expect(runs.get("note-1")).toBe(10);
    const failures = await runner.failures();
    expect(failures.map((failure) => failure.eventSeq)).toHaveLength(1);
    expect(failures[0]?.error.message).toMatch(/kept changing while it decided/);
    const mine = (await log.read({ types: [NoteCounted.type] })).filter(
      (counted) => (counted.data as { note: string }).note !== "meanwhile",
    );
    expect(mine.map((counted) => counted.subject)).toEqual(["note-0"]);
    await runner.close();
  });

  it("refuses two automations with one name and names that are not kebab-case", async () => {
    const log = await memoryLog();
    await expect(
      startAutomations({ log, automations: [countNotes, countNotes], services: {} }),
    ).rejects.toThrow(/two automations are named "count-notes"/);
    expect(() => defineAutomation({ ...countNotes, name: "Count Notes" })).toThrow(/kebab-case/);
  });
});

describe("inbox", () => {
  it("collects notifications per operator and marks them read", async () => {
    const log = await memoryLog();
    const inbox = await Inbox.open(log);
    const notifyOwner = defineAutomation({
      name: "notify-owner",
      description: "Tells ada about every note.",
      on: [NoteAdded.type],
      run: (event, { notify }) =>
        notify({
          to: "ada",
          title: `note ${event.subject}`,
          body: "",
          ref: { kind: "note", id: event.subject },
        }),
    });
    const runner = await startAutomations({ log, automations: [notifyOwner], services: {} });
    await addNotes(log, 0, 3);
    await runner.idle();
    const items = await inbox.list("ada");
    expect(items.map((item) => item.title)).toEqual(["note note-0", "note note-1", "note note-2"]);
    expect(items[0]).toMatchObject({
      from: "automation:notify-owner",
      read: false,
      ref: { kind: "note", id: "note-0" },
    });
    expect(await inbox.markRead("ada", [items[0]?.id ?? "", "not-an-id"])).toBe(1);
    expect(await inbox.unreadCount("ada")).toBe(2);
    expect((await inbox.list("ada", { unreadOnly: true })).map((item) => item.title)).toEqual([
      "note note-1",
      "note note-2",
    ]);
    expect(await inbox.list("grace")).toEqual([]);
    await expect(inbox.list("ada", { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await runner.close();
    await inbox.close();
  });

  it("refuses a misspelt list option, naming it and the options, rather than listing read items too", async () => {
    const log = await memoryLog();
    const inbox = await Inbox.open(log);
    await expect(inbox.list("ada", { unread: true } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'inbox list options is invalid: (root): unknown key "unread"; the keys are unreadOnly, limit, after',
    });
    await inbox.close();
  });

  it("counts each notification once when two processes mark the same ones read at once", async () => {
    const log = await memoryLog();
    const [first, second] = await Promise.all([Inbox.open(log), Inbox.open(log)]);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await first.notify({ to: "ada", title: `n${n}`, body: "" })).id);
    // Both have folded the notifications (an inbox folds the log on its first call), so both mark them at once.
    expect(await second.unreadCount("ada")).toBe(3);
    const counts = await Promise.all([first.markRead("ada", ids), second.markRead("ada", ids)]);
    expect(counts[0] + counts[1]).toBe(3);
    expect(await second.unreadCount("ada")).toBe(0);
    expect(await log.read({ types: ["inbox.read"] })).toHaveLength(2);
    await Promise.all([first.close(), second.close()]);
  });
});
