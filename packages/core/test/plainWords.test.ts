/**
 * zod's default messages in the SDK's errors said in plain words: what the
 * value must be (`data.text: required (a string)`), not zod's `Invalid
 * input: expected string, received undefined`; a schema's own message kept.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkArguments,
  defineEvent,
  inPlainWords,
  openEventLog,
  ValidationError,
} from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NoteAdded = defineEvent(
  "note.added",
  z.strictObject({
    text: z.string(),
    tone: z.enum(["calm", "urgent"]).optional(),
    tags: z.array(z.string()).max(2).optional(),
    owner: z.string().min(1).optional(),
    code: z.string({ error: "code must be a ticket code, as ABC-12" }).optional(),
  }),
);

/** The issues of the ValidationError an append of `data` throws. */
async function refusal(data: unknown): Promise<ValidationError> {
  const dir = mkdtempSync(join(tmpdir(), "core-plain-words-"));
  dirs.push(dir);
  await using log = await openEventLog({ path: join(dir, "factory.db"), events: [NoteAdded] });
  const error = await log.append({ type: "note.added", subject: "n1", data } as never).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("zod's default messages in plain words", () => {
  it("says a missing, wrong-type, enum, too-big, empty and unknown-key value as what it must be, and keeps a schema's own message", async () => {
    const error = await refusal({ tone: "loud", tags: ["a", "b", "c"], owner: "", code: 12, colour: "red" });
    expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      "data.text: required (a string)",
      'data.tone: must be one of "calm", "urgent"',
      "data.tags: must be at most 2 items",
      "data.owner: must not be empty",
      "data.code: code must be a ticket code, as ABC-12",
      'data: unknown field "colour"',
    ]);
    expect((await refusal({ text: 42 })).message).toBe(
      'event "note.added" is invalid: data.text: must be a string, not a number',
    );
  });

  it("says a call's wrong arguments so, and a single issue through inPlainWords", () => {
    expect(() =>
      checkArguments("advance", { id: [z.string(), null], when: [z.iso.datetime().optional(), "soon"] }),
    ).toThrow(
      "a call of advance is invalid: id: must be a string, not null; when: must be an ISO 8601 instant, as 2026-03-01T09:00:00Z",
    );
    const union = z.union([z.string(), z.record(z.string(), z.string())]).safeParse(5);
    expect(union.error?.issues.map(inPlainWords)).toEqual([
      "must be a string or a JSON object, not a number",
    ]);
  });

  it("says only the tightest bound a value is past: not also the safe integers' of a whole number", () => {
    expect(() =>
      checkArguments("context", {
        budgetTokens: [z.number().int().min(1).max(20000), 1e300],
        depth: [z.number().int().min(1).max(50), -1e300],
      }),
    ).toThrow("a call of context is invalid: budgetTokens: must be at most 20000; depth: must be at least 1");
  });
});
