import { type EventLog, type StoredEvent, ValidationError } from "@software-factory/core";
import {
  type Automation,
  AutomationAdvanced,
  AutomationClaimed,
  AutomationHandled,
  defineAutomation,
  readAutomationFailures,
  startAutomations,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { NoteAdded } from "../fixtures/counting.js";
import { addNotes, useNoteLogs } from "./noteLogs.js";

const logs = useNoteLogs("factory-filters-");

const numberOf = (event: StoredEvent) => (event.data as { n: number }).n;

/** An automation on `note.added` acting on the notes `filter` passes, telling `called` of each. */
function filtered(
  called: (event: StoredEvent) => void,
  filter: Automation["filter"],
  exclusive?: Automation["exclusive"],
): Automation {
  return defineAutomation({
    name: "note-effects",
    description: "Has an effect outside the log for some notes.",
    on: [NoteAdded.type],
    ...(filter === undefined ? {} : { filter }),
    ...(exclusive === undefined ? {} : { exclusive }),
    retry: { attempts: 2, backoffMs: 0 },
    run: (event) => called(event),
  });
}

/** The data of the log's events of `type`. */
async function dataOf(log: EventLog, type: string): Promise<Record<string, unknown>[]> {
  return (await log.read({ types: [type] })).map((event) => event.data as Record<string, unknown>);
}

describe("an automation's filter", () => {
  it("has an exclusive automation claim and handle only the events it passes", async () => {
    const log = await logs.open();
    const calls: number[] = [];
    const runner = await startAutomations({
      log,
      automations: [
        filtered(
          (event) => calls.push(numberOf(event)),
          (event) => numberOf(event) % 4 === 0,
          true,
        ),
      ],
      services: {},
    });
    const notes = await addNotes(log, 20);
    await runner.idle();
    await runner.close();

    expect(calls).toEqual([0, 4, 8, 12, 16]);
    const passing = notes.filter((note) => numberOf(note) % 4 === 0).map((note) => note.id);
    expect((await dataOf(log, AutomationClaimed.type)).map((claim) => claim.event)).toEqual(passing);
    expect((await dataOf(log, AutomationHandled.type)).map((mark) => mark.event)).toEqual(passing);
    // The 15 passed over are recorded with the quiet handlings, at the close.
    expect(await dataOf(log, AutomationAdvanced.type)).toEqual([
      expect.objectContaining({ position: notes.at(-1)?.seq, handled: 15 }),
    ]);
  });

  it("keeps the events it passes over from the handler, and a restart does not bring them back", async () => {
    const log = await logs.open();
    const seen: number[] = [];
    const automation = filtered(
      (event) => seen.push(numberOf(event)),
      (event) => numberOf(event) % 2 === 0,
    );
    const first = await startAutomations({ log, automations: [automation], services: {} });
    const notes = await addNotes(log, 9);
    await first.idle();
    expect(first.positions()).toEqual({ "note-effects": notes.at(-1)?.seq });
    await first.close();
    expect(seen).toEqual([0, 2, 4, 6, 8]);

    const second = await startAutomations({ log, automations: [automation], services: {} });
    logs.defer(() => second.close());
    await second.idle();
    expect(seen).toEqual([0, 2, 4, 6, 8]);
    expect(second.positions()).toEqual({ "note-effects": notes.at(-1)?.seq });
    expect(await dataOf(log, AutomationClaimed.type)).toEqual([]);
  });

  it("fails an event at once when it throws or answers no boolean, listed by failures() and retried on request", async () => {
    const log = await logs.open();
    const calls: number[] = [];
    // The retry number the filter is told about note 1: 0 when reached, 1 on the first runner.retry.
    const told: number[] = [];
    let broken = true;
    const runner = await startAutomations({
      log,
      automations: [
        filtered(
          (event) => calls.push(numberOf(event)),
          (event, { retry }) => {
            if (numberOf(event) === 1) told.push(retry);
            if (numberOf(event) === 1 && broken)
              throw Object.assign(new Error("no such line"), { code: "E_LINE" });
            if (numberOf(event) === 2) return Promise.resolve(true) as unknown as boolean;
            return true;
          },
          true,
        ),
      ],
      services: {},
    });
    logs.defer(() => runner.close());
    const [, one, two] = await addNotes(log, 3);
    await runner.idle();

    expect(calls).toEqual([0]);
    expect(await runner.failures()).toEqual([
      {
        automation: "note-effects",
        event: one?.id,
        eventSeq: one?.seq,
        error: {
          code: "E_LINE",
          message: `the filter of automation "note-effects" on event ${one?.id} (note.added, seq ${one?.seq}) threw: no such line`,
        },
        permanent: true,
      },
      {
        automation: "note-effects",
        event: two?.id,
        eventSeq: two?.seq,
        error: {
          code: "E_VALIDATION",
          message: `the filter of automation "note-effects" on event ${two?.id} (note.added, seq ${two?.seq}) answered a Promise; a filter must answer true or false, synchronously`,
        },
        permanent: true,
      },
    ]);
    // Failed by the filter: no claim, and no handler call to count.
    expect((await dataOf(log, AutomationClaimed.type)).map((claim) => claim.event)).not.toContain(one?.id);
    expect(
      (await dataOf(log, AutomationHandled.type)).find((mark) => mark.event === one?.id),
    ).not.toHaveProperty("attempts");
    // Read back by a process that runs no automation: no handler call, not an old mark's unknown count.
    expect((await readAutomationFailures(log)).failures.map((failure) => failure.attempts)).toEqual([0, 0]);

    broken = false;
    expect(await runner.retry("note-effects", one?.id ?? "")).toEqual({ outcome: "ok" });
    expect(calls).toEqual([0, 1]);
    expect(told).toEqual([0, 1]);
    expect((await runner.failures()).map((failure) => failure.event)).toEqual([two?.id]);
  });

  it("is refused unless it is a function, naming its path", async () => {
    const base = { name: "note-effects", description: "x", on: [NoteAdded.type], run: () => undefined };
    const refusal = (filter: unknown) => {
      try {
        defineAutomation({ ...base, filter } as unknown as Automation);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    };
    expect(refusal("even")).toBeInstanceOf(ValidationError);
    expect((refusal(true) as ValidationError).issues.map((issue) => issue.path)).toEqual(["filter"]);
    const log = await logs.open();
    await expect(
      startAutomations({ log, automations: [{ ...base, filter: 3 } as unknown as Automation], services: {} }),
    ).rejects.toThrow(/filter/);
  });
});
