/**
 * Two copies of the intelligence package in one process (the built one and
 * its sources, or two versions): loaded here by importing the sources again
 * after `vi.resetModules()`, each with its own copy of core over one SQLite file.
 */
import type { EventLog } from "@software-factory/core";
import * as core from "@software-factory/core";
import * as intelligence from "@software-factory/intelligence";
import { describe, expect, it, vi } from "vitest";
import { THIS_PROCESS } from "../../src/internal/processHolder.js";
import { NoteAdded } from "../fixtures/counting.js";
import { addNotes, useNoteLogs } from "./noteLogs.js";
import { countingClock, gate } from "./waits.js";

const logs = useNoteLogs("factory-copies-");

/** The second copy of the packages: their modules loaded anew. */
async function secondCopy() {
  vi.resetModules();
  return {
    core: await import("@software-factory/core"),
    intelligence: await import("@software-factory/intelligence"),
    processHolder: await import("../../src/internal/processHolder.js"),
  };
}

describe("two copies of the package in one process", () => {
  it("name one holder, the process's", async () => {
    const copy = await secondCopy();

    expect(copy.intelligence.startAutomations).not.toBe(intelligence.startAutomations);
    expect(copy.processHolder.THIS_PROCESS).toEqual(THIS_PROCESS);
    expect(copy.processHolder.processEnded(THIS_PROCESS)).toBe(false);
    expect(copy.processHolder.processEnded({ ...THIS_PROCESS, instance: "an earlier process" })).toBe(true);
  });

  it("do not take over each other's claims on an exclusive automation's event while its worker lives", async () => {
    const path = logs.path();
    const first = await logs.open(path);
    const copy = await secondCopy();
    const clock = countingClock();
    const second: EventLog = await copy.core.openEventLog({ path, events: [NoteAdded], clock });
    logs.defer(() => second.close());
    const calls: string[] = [];
    const started = gate();
    const finish = gate();
    const secondCalled = gate();
    const holder = await intelligence.startAutomations({
      log: first,
      automations: [
        intelligence.defineAutomation({
          name: "note-effects",
          description: "Holds its event until told to finish.",
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
    logs.defer(() => holder.close());
    await addNotes(first, 1);
    await started.opened;
    const waiter = await copy.intelligence.startAutomations({
      log: second,
      automations: [
        copy.intelligence.defineAutomation({
          name: "note-effects",
          description: "Has an effect outside the log for each note.",
          on: [NoteAdded.type],
          exclusive: true,
          run: () => {
            calls.push("second");
            secondCalled.open();
          },
        }),
      ],
      services: {},
    });
    logs.defer(() => waiter.close());
    // The waiting copy judges the claim twice (it reads the clock for its lease each time) or takes the note over.
    await Promise.race([secondCalled.opened, clock.reads(2)]);
    finish.open();
    await holder.idle();
    await waiter.idle();

    expect(calls).toEqual(["first"]);
    const claims = await first.read({ types: [intelligence.AutomationClaimed.type] });
    expect(claims.map((claim) => (claim.data as { generation: number }).generation)).toEqual([1]);
    expect(core.ClosedError).not.toBe(copy.core.ClosedError);
  });
});
