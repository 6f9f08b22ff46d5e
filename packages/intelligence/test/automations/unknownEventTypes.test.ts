import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryEventStore, openEventLog, ValidationError } from "@software-factory/core";
import {
  defineAutomation,
  estimateTokenCounter,
  openFactory,
  startAutomations,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { countNotes, NoteAdded, NoteCounted } from "../fixtures/counting.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function factoryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-unknown-event-types-"));
  dirs.push(dir);
  return dir;
}

const misspelt = defineAutomation({
  name: "greet-signals",
  description: "Would greet every captured signal, but its type is misspelt.",
  on: ["signal.captureed"],
  run: () => undefined,
});

describe("automations reacting to an event type nobody registers", () => {
  it("refuses to open a factory whose automation reacts to a misspelt type, naming the automation, the type and the nearest one", async () => {
    const dir = factoryDir();
    const opening = openFactory({ dir, automations: [misspelt], tokenCounter: estimateTokenCounter });

    await expect(opening).rejects.toBeInstanceOf(ValidationError);
    await expect(opening).rejects.toMatchObject({
      code: "E_VALIDATION",
      issues: [{ path: "automations[0].on[0]" }],
      message: expect.stringContaining(
        'automation "greet-signals" reacts to event type "signal.captureed", which no event definition registers, so it would never run; did you mean "signal.captured"?',
      ),
    });
    // The refused open released the folder: the factory opens without the automation.
    const factory = await openFactory({ dir, tokenCounter: estimateTokenCounter });
    await factory.close();
  });

  it("runs an automation on the factory's own event types, given as openFactory's events", async () => {
    const factory = await openFactory({
      dir: factoryDir(),
      events: [NoteAdded, NoteCounted],
      automations: [countNotes],
      tokenCounter: estimateTokenCounter,
    });
    await factory.log.append({ type: NoteAdded.type, subject: "note-1", data: { n: 1 } });
    await factory.automations?.idle();

    const [added] = await factory.log.read({ types: [NoteAdded.type] });
    const counted = await factory.log.read({ types: [NoteCounted.type] });
    expect(counted.map((event) => event.data)).toEqual([{ n: 1, note: added?.id }]);
    await factory.close();
  });

  it("refuses startAutomations on a log whose registry lacks a type, and suggests the registered one", async () => {
    await using log = await openEventLog({
      store: createMemoryEventStore(),
      events: [NoteAdded, NoteCounted],
    });
    const typo = defineAutomation({ ...countNotes, on: ["note.addd"] });

    await expect(startAutomations({ log, automations: [typo], services: {} })).rejects.toThrow(
      'startAutomations options is invalid: automations[0].on[0]: automation "count-notes" reacts to event type "note.addd", which no event definition registers, so it would never run; did you mean "note.added"?',
    );
  });
});
