import { defineEvent, ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** What defineEvent throws for this schema. */
function refusal(schema: unknown): ValidationError {
  try {
    defineEvent("note.added", schema as z.ZodType);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("defineEvent did not throw");
}

describe("defineEvent's schema", () => {
  it("refuses a JSON Schema at definition, naming `schema` and how to convert it, which works", () => {
    const error = refusal({ type: "object", properties: { text: { type: "string" } } });
    expect(error.message).toBe(
      'event definition is invalid: schema: event "note.added" schema must be a zod schema, as z.object({ ... }); got a JSON Schema; convert it with z.fromJSONSchema(schema)',
    );
    expect(error.issues).toEqual([{ path: "schema", message: expect.stringContaining("got a JSON Schema") }]);
    // What the message says to do works.
    const converted = defineEvent(
      "note.added",
      z.fromJSONSchema({ type: "object", properties: { text: { type: "string" } }, required: ["text"] }),
    );
    expect(converted.schema.safeParse({ text: 1 }).success).toBe(false);
  });

  it("refuses a plain object, a missing schema and other values, naming `schema`", () => {
    expect(refusal({ text: z.string() }).issues[0]?.message).toMatch(/; got a plain object$/);
    expect(refusal(undefined).issues[0]?.message).toMatch(/; got undefined$/);
    expect(refusal(null).issues[0]?.message).toMatch(/; got null$/);
    expect(refusal("string").issues[0]?.message).toMatch(/; got a string$/);
    expect(refusal([z.string()]).issues[0]?.message).toMatch(/; got an array$/);
  });
});
