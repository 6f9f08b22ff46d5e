import { idTimestamp, isId, newId } from "@software-factory/core";
import { describe, expect, it } from "vitest";

describe("ids", () => {
  it("prefixes ids with their kind and sorts them by creation order", () => {
    const ids = Array.from({ length: 1000 }, () => newId("evt"));
    expect(ids.every((id) => isId(id, "evt"))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sorts ids made in a later millisecond after earlier ones", () => {
    const early = newId("doc", Date.parse("2026-01-01T00:00:00Z"));
    const late = newId("doc", Date.parse("2026-01-01T00:00:00.001Z"));
    expect(early < late).toBe(true);
    expect(idTimestamp(late).toISOString()).toBe("2026-01-01T00:00:00.001Z");
  });

  it("rejects a prefix that is not a lowercase kind", () => {
    expect(() => newId("Bad-Prefix")).toThrow(/id prefix "Bad-Prefix"/);
    expect(isId("line_01JD3X0S1Q8Z4Y9K2M5N7P0R3T", "evt")).toBe(false);
    expect(isId("not an id")).toBe(false);
  });
});
