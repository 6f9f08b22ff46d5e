import { foldAssemblyHistory, measureAssembly, ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { openTestFactory } from "./fixtures/factory.js";

const empty = foldAssemblyHistory([]);

/** The error measuring with these options fails with. */
function refusal(from: unknown, to: unknown): ValidationError {
  try {
    measureAssembly(empty, { from, to } as never);
  } catch (thrown) {
    return thrown as ValidationError;
  }
  return expect.fail("the window should have been refused");
}

describe("a measure window's end", () => {
  it("is refused when its date names no day of the calendar, instead of rolling over into the next month", () => {
    const february = refusal("2026-02-01", "2026-02-30");
    expect(february).toBeInstanceOf(ValidationError);
    expect(february.message).toBe(
      'measure options is invalid: to: "2026-02-30" names no day of the calendar: February 2026 has 28 days',
    );
    expect(refusal("2026-04-31T09:00:00Z", "2026-05-01").message).toContain(
      'from: "2026-04-31T09:00:00Z" names no day of the calendar: April 2026 has 30 days',
    );
    expect(refusal("2026-00-10", "2026-05-01").message).toContain("there is no month 0");
    // A leap year's 29 February and a month's last day are days.
    expect(() => measureAssembly(empty, { from: "2028-02-29", to: "2028-03-31" })).not.toThrow();
  });

  it("is refused by the assembly line's measures too", async () => {
    const factory = await openTestFactory();
    try {
      await expect(factory.line.measures({ from: "2026-02-01", to: "2026-02-31" })).rejects.toThrow(
        "February 2026 has 28 days",
      );
    } finally {
      await factory.close();
    }
  });
});
