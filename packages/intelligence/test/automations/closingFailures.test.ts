import { openEventLog } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import {
  type Automation,
  AutomationClaimed,
  defineAutomation,
  startAutomations,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { NoteAdded } from "../fixtures/counting.js";
import { addNotes, useNoteLogs } from "./noteLogs.js";

const logs = useNoteLogs("factory-closing-failures-");

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** The exclusive `note-effects` automation, acting on note 1 only (note 0 is passed over, for its runner's cursor to record), running `run`. */
function noteEffects(run: () => Promise<void> | void): Automation {
  return defineAutomation({
    name: "note-effects",
    description: "Has an effect outside the log for note 1.",
    on: [NoteAdded.type],
    exclusive: true,
    filter: (event) => (event.data as { n: number }).n === 1,
    run,
  });
}

describe("an exclusive automation's worker whose close fails", () => {
  it("is closed all the same, so another runner of the process takes over its claim at once", async () => {
    const path = logs.path();
    // The holder's store, closed underneath it mid-handling: its mark, its release and its cursor's record fail.
    const store = openSqliteEventStore({ path });
    const first = await openEventLog({ store, events: [NoteAdded] });
    const second = await logs.open(path);
    const calls: string[] = [];
    const started = gate();
    const finish = gate();
    const holder = await startAutomations({
      log: first,
      automations: [
        noteEffects(async () => {
          calls.push("first");
          started.open();
          await finish.opened;
        }),
      ],
      services: {},
      onError: (error) => {
        throw new Error(`onError failed on: ${(error as Error).message}`);
      },
    });
    logs.defer(() => first.close().catch(() => undefined));
    await addNotes(first, 2);
    await started.opened;
    const waiter = await startAutomations({
      log: second,
      automations: [noteEffects(() => void calls.push("second"))],
      services: {},
    });
    logs.defer(() => waiter.close());
    await store.close();
    finish.open();

    // The cursor's record of note 0 fails at the close, and onError throws as it hears of it.
    await expect(holder.close()).rejects.toThrow("onError failed");
    await waiter.idle();

    expect(calls).toEqual(["first", "second"]);
    const claims = await second.read({ types: [AutomationClaimed.type] });
    expect(claims.map((claim) => (claim.data as { generation: number }).generation)).toEqual([1, 2]);
  });
});
