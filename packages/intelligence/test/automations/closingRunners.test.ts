import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { type Clock, ClosedError, type EventLog } from "@software-factory/core";
import {
  type Automation,
  AutomationClaimed,
  AutomationHandled,
  AutomationReleased,
  automationEvents,
  defineAutomation,
  PermanentFailureError,
  startAutomations,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { startFixture } from "../../../core/test/fixtures/runChild.js";
import { NoteAdded } from "../fixtures/counting.js";
import { addNotes, useNoteLogs } from "./noteLogs.js";
import { type CountingClock, countingClock, gate } from "./waits.js";

const logs = useNoteLogs("factory-closing-");
const holderChild = join(import.meta.dirname, "closingHolderChild.ts");

/** Runs `automation` over `log` until the test ends. */
async function run(log: EventLog, automation: Automation) {
  const runner = await startAutomations({ log, automations: [automation], services: {} });
  logs.defer(() => runner.close());
  return runner;
}

/** The data of the log's events of `type`. */
async function dataOf(log: EventLog, type: string): Promise<Record<string, unknown>[]> {
  return (await log.read({ types: [type] })).map((event) => event.data as Record<string, unknown>);
}

describe("an exclusive automation whose holder closes", () => {
  it("is taken over at once from a process that closed its runner mid-handling and still runs", async () => {
    const path = logs.path();
    const log = await logs.open(path);
    const [note] = await addNotes(log, 1);
    // The child claims the note, closes its runner while its handler holds it, and lives on.
    const holder = await startFixture(holderChild, [path], "closed");
    logs.defer(async () => {
      holder.child.kill("SIGKILL");
      await holder.exited;
    });
    const calls: string[] = [];
    const taker = await run(
      log,
      defineAutomation({
        name: "note-effects",
        description: "Has an effect outside the log for each note.",
        on: [NoteAdded.type],
        exclusive: true, // a lease of 15 minutes: only the release lets this runner take the note now
        run: (event) => void calls.push(event.id),
      }),
    );
    await taker.idle();

    expect(calls).toEqual([note?.id]);
    expect(holder.child.exitCode).toBeNull();
    expect(await dataOf(log, AutomationClaimed.type)).toEqual([
      expect.objectContaining({ event: note?.id, generation: 1, pid: holder.child.pid }),
      expect.objectContaining({ event: note?.id, generation: 2, pid: process.pid }),
    ]);
    expect(await dataOf(log, AutomationReleased.type)).toEqual([
      expect.objectContaining({ event: note?.id, generation: 1 }),
    ]);
    expect(await dataOf(log, AutomationHandled.type)).toEqual([
      expect.objectContaining({ event: note?.id, outcome: "ok" }),
    ]);
  });

  it("is not taken over by another runner of the process while the closing holder's handler still runs", async () => {
    const path = logs.path();
    const [first, second] = [await logs.open(path), await logs.open(path, countingClock())];
    const calls: string[] = [];
    const started = gate();
    const finish = gate();
    const secondCalled = gate();
    const holder = await startAutomations({
      log: first,
      automations: [
        defineAutomation({
          name: "note-effects",
          description: "Finishes its effect though its runner closes.",
          on: [NoteAdded.type],
          exclusive: true,
          run: async () => {
            calls.push("first");
            started.open();
            await finish.opened;
          },
        }),
      ],
      services: {},
    });
    await addNotes(first, 1);
    await started.opened;
    const waiter = await run(
      second,
      defineAutomation({
        name: "note-effects",
        description: "Has an effect outside the log for each note.",
        on: [NoteAdded.type],
        exclusive: true,
        run: () => {
          calls.push("second");
          secondCalled.open();
        },
      }),
    );
    const closing = holder.close();
    // The waiting runner looks at the claim twice (it reads the clock for its lease each time) or takes the note over.
    await Promise.race([secondCalled.opened, (second.clock as CountingClock).reads(2)]);
    finish.open();
    await closing;
    await waiter.idle();

    expect(calls).toEqual(["first"]);
    expect((await dataOf(second, AutomationClaimed.type)).map((claim) => claim.generation)).toEqual([1]);
    expect(await dataOf(second, AutomationHandled.type)).toEqual([
      expect.objectContaining({ outcome: "ok" }),
    ]);
  });
});

describe("an exclusive automation taking over an abandoned claim", () => {
  it("does not run the handler when the holder's mark landed just before the holder was seen to end", async () => {
    const path = logs.path();
    // The waiter's clock, read to stamp its claim, then when it judges the claim it lost (after reading the
    // log): the holder's mark lands at that second read, as if the holder marked just before it ended.
    let reads = 0;
    let onRead: () => void = () => undefined;
    const clock: Clock = {
      now() {
        reads += 1;
        if (reads === 2) onRead();
        return new Date();
      },
    };
    const [writer, log] = [await logs.open(path), await logs.open(path, clock)];
    writer.registry.register(...automationEvents);
    const [note] = await addNotes(writer, 1);
    if (note === undefined) throw new Error("no note");
    // The holder: a process that has ended (its claim names it), which marked its handling just before.
    const ended = spawn(process.execPath, ["-e", ""]);
    const pid = ended.pid ?? 0;
    await new Promise((resolve) => ended.once("exit", resolve));
    await writer.append(
      {
        type: AutomationClaimed.type,
        subject: "automation:note-effects",
        data: {
          automation: "note-effects",
          event: note.id,
          eventSeq: note.seq,
          generation: 1,
          host: hostname(),
          pid,
          instance: "ended-process",
          worker: "ended-worker",
        },
      },
      { idempotencyKey: `automation:note-effects:${note.id}:claim:1` },
    );
    onRead = () => {
      void writer.append(
        {
          type: AutomationHandled.type,
          subject: "automation:note-effects",
          data: { automation: "note-effects", event: note.id, eventSeq: note.seq, outcome: "ok", emitted: 0 },
        },
        { idempotencyKey: `automation:note-effects:${note.id}` },
      );
    };
    const calls: string[] = [];
    const runner = await run(
      log,
      defineAutomation({
        name: "note-effects",
        description: "Has an effect outside the log for each note.",
        on: [NoteAdded.type],
        exclusive: true,
        run: (event) => void calls.push(event.id),
      }),
    );
    await runner.idle();

    expect(calls).toEqual([]);
    expect(await dataOf(log, AutomationHandled.type)).toEqual([expect.objectContaining({ event: note.id })]);
  });
});

describe("a runner that closes", () => {
  it("refuses a retry queued behind the handling in progress, without calling the handler", async () => {
    const log = await logs.open();
    const calls: number[] = [];
    const holding = gate();
    const finish = gate();
    const runner = await startAutomations({
      log,
      automations: [
        defineAutomation({
          name: "note-effects",
          description: "Fails note 0 the first time, holds note 1 until told.",
          on: [NoteAdded.type],
          run: async (event) => {
            const { n } = event.data as { n: number };
            calls.push(n);
            if (n === 0 && calls.length === 1) throw new PermanentFailureError({ message: "not yet" });
            if (n === 1) {
              holding.open();
              await finish.opened;
            }
          },
        }),
      ],
      services: {},
    });
    const [failing] = await addNotes(log, 2);
    await holding.opened;

    const retrying = runner.retry("note-effects", failing?.id ?? "").catch((thrown: unknown) => thrown);
    const closing = runner.close();
    finish.open();
    await closing;

    expect(await retrying).toBeInstanceOf(ClosedError);
    expect(calls).toEqual([0, 1]);
    const marks = await dataOf(log, AutomationHandled.type);
    expect(marks).toEqual([expect.objectContaining({ event: failing?.id, outcome: "error" })]);
  });
});
