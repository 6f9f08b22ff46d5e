import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, openEventLog, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-event-fields-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));
const note = { type: "note.added", subject: "n1", data: { text: "hello" } };

/** The issues of the ValidationError appending this batch throws; checks that nothing was written. */
async function refusal(events: unknown): Promise<{ message: string; issues: unknown }> {
  await using log = await openEventLog({ path: dbPath(), events: [NoteAdded] });
  const error = await log.append(events as never).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect(await log.head()).toBe(0);
  const { message, issues } = error as ValidationError;
  return { message, issues };
}

describe("EventLog.append event fields", () => {
  it("refuses an actor or causedBy that is not a non-empty string instead of storing it", async () => {
    expect(await refusal({ ...note, actor: "" })).toEqual({
      message: "event batch is invalid: actor: expected a non-empty string",
      issues: [{ path: "actor", message: "expected a non-empty string" }],
    });
    expect((await refusal({ ...note, actor: 3 })).message).toBe(
      "event batch is invalid: actor: expected a non-empty string",
    );
    expect((await refusal([note, { ...note, causedBy: 42 }])).message).toBe(
      "event batch is invalid: events[1].causedBy: expected a non-empty string",
    );
  });

  it("refuses an unknown key, such as a misspelt causedBy, naming it and the keys an event has", async () => {
    expect((await refusal({ ...note, causedby: "evt_1" })).message).toBe(
      'event batch is invalid: (event): unknown key "causedby"; the keys are type, subject, data, actor, causedBy',
    );
    expect((await refusal([note, { ...note, seq: 1, at: "2026-01-01" }])).issues).toEqual([
      {
        path: "events[1]",
        message: 'unknown keys "seq", "at"; the keys are type, subject, data, actor, causedBy',
      },
    ]);
  });

  it("keeps an event that gives actor and causedBy as strings", async () => {
    await using log = await openEventLog({ path: dbPath(), events: [NoteAdded] });
    const [first] = await log.append(note);
    const cause = first?.id ?? "";
    const [second] = await log.append({ ...note, actor: "ann", causedBy: cause });
    expect(second).toMatchObject({ actor: "ann", causedBy: cause });
  });
});
