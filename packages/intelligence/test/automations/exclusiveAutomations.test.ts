import { ClosedError, type EventLog, manualClock, ValidationError } from "@software-factory/core";
import {
  type Automation,
  AutomationAdvanced,
  AutomationClaimed,
  AutomationHandled,
  defineAutomation,
  PermanentFailureError,
  startAutomations,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { NoteAdded } from "../fixtures/counting.js";
import { addNotes, useNoteLogs } from "./noteLogs.js";

const logs = useNoteLogs("factory-exclusive-");

/** Runs `automation` over `log` until the test ends. */
async function run(log: EventLog, automation: Automation) {
  const runner = await startAutomations({ log, automations: [automation], services: {} });
  logs.defer(() => runner.close());
  return runner;
}

/** Appends notes 0 to count - 1, returning their ids. */
async function addNoteIds(log: EventLog, count: number): Promise<string[]> {
  return (await addNotes(log, count)).map((event) => event.id);
}

/** An automation on `note.added` that emits nothing and tells `called` of each event it is run on. */
function noting(called: (event: string) => void, exclusive?: Automation["exclusive"]): Automation {
  return defineAutomation({
    name: "note-effects",
    description: "Has an effect outside the log for each note.",
    on: [NoteAdded.type],
    ...(exclusive === undefined ? {} : { exclusive }),
    run: (event) => called(event.id),
  });
}

describe("an exclusive automation", () => {
  it("runs its handler once per event across two runners of one log, each handling claimed and marked", async () => {
    const path = logs.path();
    const calls: string[] = [];
    const [first, second] = [await logs.open(path), await logs.open(path)];
    const runners = [
      await run(
        first,
        noting((id) => calls.push(id), true),
      ),
      await run(
        second,
        noting((id) => calls.push(id), true),
      ),
    ];
    const ids = await addNoteIds(first, 20);
    await Promise.all(runners.map((runner) => runner.idle()));

    expect(calls.toSorted()).toEqual(ids.toSorted());
    const claims = await first.read({ types: [AutomationClaimed.type] });
    expect(claims.map((claim) => (claim.data as { event: string }).event)).toEqual(ids);
    // Each handling is marked at once, though it emitted nothing, for the runner that waits on it.
    const marks = await first.read({ types: [AutomationHandled.type] });
    expect(marks.map((mark) => (mark.data as { event: string }).event)).toEqual(ids);
  });

  it("is taken over by another runner once its claim's lease runs out", async () => {
    const path = logs.path();
    const clock = manualClock("2026-01-01T00:00:00Z");
    const [first, second] = [await logs.open(path, clock), await logs.open(path, clock)];
    const calls: string[] = [];
    let started: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      started = resolve;
    });
    // The first runner's handler hangs until its runner closes.
    await run(
      first,
      defineAutomation({
        name: "note-effects",
        description: "Hangs.",
        on: [NoteAdded.type],
        exclusive: { leaseMs: 60_000 },
        run: (_event, { signal }) => {
          calls.push("first");
          started();
          return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
        },
      }),
    );
    const [id] = await addNoteIds(first, 1);
    await holding;
    const taker = await run(
      second,
      noting(() => calls.push("second"), { leaseMs: 60_000 }),
    );
    clock.advance(60_000);
    await taker.idle();

    expect(calls).toEqual(["first", "second"]);
    const claims = await second.read({ types: [AutomationClaimed.type] });
    expect(claims.map((claim) => claim.data)).toEqual([
      expect.objectContaining({ event: id, generation: 1 }),
      expect.objectContaining({ event: id, generation: 2 }),
    ]);
    expect((await second.read({ types: [AutomationHandled.type] })).map((mark) => mark.data)).toEqual([
      expect.objectContaining({ event: id, outcome: "ok" }),
    ]);
  });

  it("claims a retry of a failure too, so another runner retrying it waits and takes it over from a closed one", async () => {
    const path = logs.path();
    const [first, second] = [await logs.open(path), await logs.open(path)];
    const calls: string[] = [];
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    /** The automation as runner `label` runs it: the first handling fails for good, the first runner's retry hangs until it closes. */
    const failingOnce = (label: string) =>
      defineAutomation({
        name: "note-effects",
        description: "Fails once, then has its effect.",
        on: [NoteAdded.type],
        exclusive: true,
        run: (_event, { signal }) => {
          calls.push(label);
          if (calls.length === 1) throw new PermanentFailureError({ message: "not yet" });
          if (label === "second") return;
          held();
          return new Promise<void>((_resolve, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason)),
          );
        },
      });
    const holder = await startAutomations({ log: first, automations: [failingOnce("first")], services: {} });
    const taker = await run(second, failingOnce("second"));
    const [id = ""] = await addNoteIds(first, 1);
    await Promise.all([holder.idle(), taker.idle()]);
    expect(await taker.failures()).toEqual([expect.objectContaining({ event: id, permanent: true })]);

    const holderRetry = holder.retry("note-effects", id).catch((thrown: unknown) => thrown);
    await holding;
    const takerRetry = taker.retry("note-effects", id);
    await holder.close();

    expect(await holderRetry).toBeInstanceOf(ClosedError);
    expect(await takerRetry).toEqual({ outcome: "ok" });
    expect(calls.slice(1)).toEqual(["first", "second"]);
    const retryClaims = (await second.read({ types: [AutomationClaimed.type] }))
      .map((claim) => claim.data as { retry?: number; generation: number })
      .filter((claim) => claim.retry === 1);
    expect(retryClaims.map((claim) => claim.generation)).toEqual([1, 2]);
  });

  it("refuses a bad exclusive option, naming its path", () => {
    const base = { name: "note-effects", description: "x", on: [NoteAdded.type], run: () => undefined };
    const issues = (exclusive: unknown) => {
      try {
        defineAutomation({ ...base, exclusive } as unknown as Automation);
      } catch (thrown) {
        expect(thrown).toBeInstanceOf(ValidationError);
        return (thrown as ValidationError).issues.map((issue) => issue.path);
      }
      return [];
    };
    expect(issues({ leaseMs: 0 })).toEqual(["exclusive.leaseMs"]);
    expect(issues({ leaseMs: 1.5 })).toEqual(["exclusive.leaseMs"]);
    expect(issues("yes")).toEqual(["exclusive"]);
    expect(issues({ lease: 1000 })).toEqual(["exclusive"]);
  });

  it("is refused by startAutomations when not defined with defineAutomation and its lease is bad", async () => {
    const log = await logs.open();
    const automation = { ...noting(() => undefined), exclusive: { leaseMs: -5 } } as Automation;
    const refused = await startAutomations({ log, automations: [automation], services: {} }).catch(
      (thrown: unknown) => thrown,
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((issue) => issue.path)).toEqual(["exclusive.leaseMs"]);
  });
});

describe("an automation that is not exclusive", () => {
  it("appends no claims and no marks for handlings that emitted nothing", async () => {
    const log = await logs.open();
    const calls: string[] = [];
    const runner = await run(
      log,
      noting((id) => calls.push(id)),
    );
    const ids = await addNoteIds(log, 5);
    await runner.idle();
    await runner.close();

    expect(calls).toEqual(ids);
    expect(await log.read({ types: [AutomationClaimed.type, AutomationHandled.type] })).toEqual([]);
    expect((await log.read({ types: [AutomationAdvanced.type] })).map((event) => event.data)).toEqual([
      expect.objectContaining({ handled: 5 }),
    ]);
  });
});
