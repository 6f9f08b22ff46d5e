import { foldAssemblyHistory, measureAssembly, ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";

const empty = foldAssemblyHistory([]);

describe("measure options", () => {
  it("names the window end that is not a date, and the value", () => {
    const error = (() => {
      try {
        measureAssembly(empty, { from: "last monday", to: "2026-03-09" });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/from: must be a date .*not "last monday"/);
    expect(() => measureAssembly(empty, { from: "2026-03-02", to: undefined })).toThrow(
      /to: must be a date .*not undefined/,
    );
    expect(() => measureAssembly(empty, { from: null, to: "2026-03-09" })).toThrow(
      /from: must be a date .*not null/,
    );
  });
});
