import { attemptSync, defineEvent, isKernelError, ValidationError } from "@software-factory/core";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** What defineEvent throws for these arguments. */
function thrownBy(define: () => unknown): unknown {
  try {
    define();
  } catch (error) {
    return error;
  }
  throw new Error("defineEvent did not throw");
}

describe("defineEvent", () => {
  it("throws a ValidationError naming `type` for a type that is not dotted words", () => {
    const error = thrownBy(() => defineEvent("Note Added", z.object({})));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      message:
        'event definition is invalid: type: event type "Note Added" must be dotted words, as in line.added',
      issues: [{ path: "type" }],
    });
    expect(thrownBy(() => defineEvent("note", z.object({})))).toMatchObject({ issues: [{ path: "type" }] });
  });

  it("throws a ValidationError naming `version` for a version that is not a positive integer", () => {
    for (const version of [0, 1.5, Number.NaN]) {
      expect(thrownBy(() => defineEvent("note.added", z.object({}), { version }))).toMatchObject({
        _tag: "ValidationError",
        issues: [{ path: "version" }],
      });
    }
    expect(defineEvent("note.added", z.object({}), { version: 2 }).version).toBe(2);
  });

  it("fails an Effect that defines a malformed event with a ValidationError catchTag handles, instead of dying", () => {
    const program = attemptSync(
      () => defineEvent("Note Added", z.object({})),
      isKernelError("ValidationError"),
    ).pipe(
      Effect.map((definition) => definition.type),
      Effect.catchTag("ValidationError", (error) => Effect.succeed(`refused ${error.issues[0]?.path}`)),
    );
    expect(Effect.runSync(program)).toBe("refused type");
  });
});
