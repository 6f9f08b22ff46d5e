/**
 * who_owns and get_context refused a path that climbs above the repository
 * root as `path: "../../etc/passwd" climbs above...`, naming neither the
 * tool nor which path it was, where impact_of_change said `paths[1]`. The
 * three now refuse it the same way, naming the tool and the path's place.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { refused } = useSeededServer("path-refusals-test");

const paths = ["src/checkout/cart.ts", "../../etc/passwd"];
const why =
  'paths[1]: "../../etc/passwd" climbs above the repository root; give the path from the root (services/billing/x.ts)';

describe("a path that climbs above the repository root", () => {
  it.each([
    ["who_owns", { paths }],
    ["get_context", { paths }],
    ["impact_of_change", { paths }],
    ["who_owns", { paths, asOf: "2026-01-01" }],
  ])("is refused by %s naming the tool and its place", async (tool, args) => {
    expect(await refused(tool, args)).toBe(`E_VALIDATION: ${tool} input is invalid: ${why}`);
  });
});
