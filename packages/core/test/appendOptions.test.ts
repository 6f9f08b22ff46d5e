import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, EventLogService, openEventLog, ValidationError } from "@software-factory/core";
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-append-options-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));
const note = { type: "note.added", subject: "n1", data: { text: "hello" } };

/** The paths and messages of the ValidationError an append with these options throws. */
async function refusal(options: unknown): Promise<{ message: string; paths: string[] }> {
  await using log = await openEventLog({ path: dbPath(), events: [NoteAdded] });
  const error = await log.append(note, options as never).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect(await log.head()).toBe(0);
  const { message, issues } = error as ValidationError;
  return { message, paths: issues.map((issue) => issue.path) };
}

describe("EventLog.append options", () => {
  it("refuses an idempotency key that is not a non-empty string of at most 512 characters, writing nothing", async () => {
    expect(await refusal({ idempotencyKey: 42 })).toEqual({
      message: "append options is invalid: idempotencyKey: must be a string, not a number",
      paths: ["idempotencyKey"],
    });
    expect((await refusal({ idempotencyKey: "" })).message).toBe(
      "append options is invalid: idempotencyKey: expected a non-empty string",
    );
    expect((await refusal({ idempotencyKey: "k".repeat(513) })).message).toBe(
      "append options is invalid: idempotencyKey: expected at most 512 characters",
    );
    for (const unstorable of ["a\u0000b", "a\ud800b"]) {
      expect((await refusal({ idempotencyKey: unstorable })).message).toBe(
        "append options is invalid: idempotencyKey: contains a NUL character or a lone surrogate, which cannot be stored",
      );
    }
  });

  it("refuses an expectedHead that is not a non-negative integer, an empty actor and an unknown option", async () => {
    expect((await refusal({ expectedHead: -1 })).paths).toEqual(["expectedHead"]);
    expect((await refusal({ expectedHead: 1.5 })).paths).toEqual(["expectedHead"]);
    expect((await refusal({ expectedHead: "0" })).paths).toEqual(["expectedHead"]);
    expect((await refusal({ actor: "" })).message).toBe(
      "append options is invalid: actor: expected a non-empty string",
    );
    expect((await refusal({ idempotencykey: "k" })).message).toBe(
      'append options is invalid: (root): unknown key "idempotencykey"; the keys are idempotencyKey, expectedHead, actor',
    );
  });

  it("appends with well-formed options, and once per key", async () => {
    await using log = await openEventLog({ path: dbPath(), events: [NoteAdded] });
    const options = { idempotencyKey: `${"k".repeat(510)}😀`, expectedHead: 0, actor: "op_ada" };
    const [first] = await log.append(note, options);
    const [again] = await log.append(note, options);
    expect(first).toMatchObject({ seq: 1, actor: "op_ada" });
    expect(again).toEqual(first);
    expect(await log.head()).toBe(1);
  });

  it("fails the Effect face's append with a ValidationError catchTag handles", async () => {
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      return yield* log.append(note, { idempotencyKey: 42 } as never);
    }).pipe(
      Effect.catchTag("ValidationError", (error) => Effect.succeed(error.issues.map((issue) => issue.path))),
    );
    const layer = EventLogService.layer({ path: dbPath(), events: [NoteAdded] });
    await expect(Effect.runPromise(Effect.provide(program, layer))).resolves.toEqual(["idempotencyKey"]);
  });
});
