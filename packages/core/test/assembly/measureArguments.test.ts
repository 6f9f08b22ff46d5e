/**
 * measureAssembly as plain JavaScript calls it: a history or options of the
 * wrong type fail with a ValidationError naming the argument, as the assembly
 * line's methods do, never with a TypeError from inside the measures.
 */
import { foldAssemblyHistory, measureAssembly, ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";

const history = foldAssemblyHistory([]);
const options = { from: "2026-03-02", to: "2026-03-09" };

/** What a call threw; undefined when it returned. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** How a call failed, when it did not fail with a ValidationError naming `name`. */
function unnamed(call: () => unknown, name: string): string | undefined {
  const error = thrownBy(call);
  if (error instanceof ValidationError && error.issues.some((issue) => issue.path.split(".")[0] === name))
    return undefined;
  return error === undefined ? "no error" : String(error);
}

describe("measureAssembly's arguments", () => {
  it("refuses a history that is no assembly history, naming the argument", () => {
    const wrong = [42, "a", null, undefined, [], {}, { items: {}, signals: new Map() }].flatMap((value) => {
      const failure = unnamed(() => measureAssembly(value as never, options), "history");
      return failure === undefined ? [] : [`${JSON.stringify(value)}: ${failure}`];
    });
    expect(wrong).toEqual([]);
    expect(() => measureAssembly(null as never, options)).toThrow(
      "a call of measureAssembly is invalid: history: must be an assembly history (foldAssemblyHistory's result)",
    );
  });

  it("refuses options that are no object, or missing, naming the argument", () => {
    const wrong = [42, "a", null, undefined, ["a"]].flatMap((value) => {
      const failure = unnamed(() => measureAssembly(history, value as never), "options");
      return failure === undefined ? [] : [`${JSON.stringify(value)}: ${failure}`];
    });
    expect(wrong).toEqual([]);
    expect(() => (measureAssembly as (history: unknown) => unknown)(history)).toThrow(
      "a call of measureAssembly is invalid: options: must be measure options (from, to)",
    );
  });

  it("names every wrong argument of one call at once", () => {
    const error = thrownBy(() => measureAssembly(42 as never, "march" as never));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["history", "options"]);
  });
});
