import { describe, expect, it } from "vitest";
import { instantOf, PointInTimeSchema } from "../src/index.js";

const NOW = Date.parse("2026-03-31T12:00:00.000Z");

describe("instantOf", () => {
  it("reads an ISO date as midnight UTC and an instant with its offset", () => {
    expect(instantOf("2026-03-01")?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(instantOf("2026-03-01T09:00:00+02:00")?.toISOString()).toBe("2026-03-01T07:00:00.000Z");
    expect(instantOf("2026-03-01T09:00:00Z")?.toISOString()).toBe("2026-03-01T09:00:00.000Z");
  });

  it("reads an instant typed to the minute, with its offset", () => {
    expect(instantOf("2026-03-01T09:30Z")?.toISOString()).toBe("2026-03-01T09:30:00.000Z");
    expect(instantOf("2026-03-01T09:30+02:00")?.toISOString()).toBe("2026-03-01T07:30:00.000Z");
  });

  it("counts spans of hours, days and weeks back from now", () => {
    expect(instantOf("12h", NOW)?.toISOString()).toBe("2026-03-31T00:00:00.000Z");
    expect(instantOf("30d", NOW)?.toISOString()).toBe("2026-03-01T12:00:00.000Z");
    expect(instantOf("2w", NOW)?.toISOString()).toBe("2026-03-17T12:00:00.000Z");
  });

  it("names no instant for loose or impossible values", () => {
    for (const value of [
      "last week",
      "30 d",
      "30m",
      "2026-02-30",
      "2026-03-01T09:00:00",
      "2026-03-01T09:00",
      "2026-03-01T09Z",
      "1234567d",
      "",
    ])
      expect(instantOf(value, NOW), value).toBeUndefined();
  });
});

describe("PointInTimeSchema", () => {
  it("parses into a Date and says what it expected otherwise", () => {
    expect(PointInTimeSchema.parse(" 2026-03-01 ")).toEqual(new Date("2026-03-01T00:00:00.000Z"));
    const result = PointInTimeSchema.safeParse("yesterday");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/ISO date \(2026-03-01\).*30d, 12h, 2w/);
  });
});
