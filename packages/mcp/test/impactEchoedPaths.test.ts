/**
 * impact_of_change echoes the changed paths it was given: 5,000 unclaimed
 * paths made an answer of 549 KB. It now takes at most 500 paths, and echoes
 * the first 100 unclaimed paths and the first 100 paths of each changed line,
 * `omitted` counting the rest (absent when none was left out).
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call } = useSeededServer("impact-echoed-paths-test");

const many = (folder: string) =>
  Array.from({ length: 500 }, (_, index) => `${folder}/module-${index}/a-rather-long-file-name.ts`);

describe("impact_of_change given 500 changed paths", () => {
  it("echoes the first 100 unclaimed ones and counts the rest", async () => {
    const paths = many("docs/unowned");
    const impact = await call("impact_of_change", { paths });
    expect(impact.isError).toBeUndefined();
    expect(impact.structuredContent?.unclaimedPaths).toEqual(paths.slice(0, 100));
    expect(impact.structuredContent?.omitted).toEqual({ unclaimedPaths: 400, changedPaths: 0 });
    expect(impact.content[0]?.text.length).toBeLessThan(20_000);
  });

  it("echoes the first 100 paths of a changed line and counts the rest", async () => {
    const paths = many("src/checkout");
    const impact = await call("impact_of_change", { paths });
    const changed = impact.structuredContent?.changed as { line: string; paths: string[] }[];
    expect(changed).toEqual([expect.objectContaining({ line: "checkout", paths: paths.slice(0, 100) })]);
    expect(impact.structuredContent?.omitted).toEqual({ unclaimedPaths: 0, changedPaths: 400 });
    expect(impact.content[0]?.text.length).toBeLessThan(20_000);
  });

  it("echoes a few paths whole, omitting none", async () => {
    const impact = await call("impact_of_change", { paths: ["src/checkout/cart.ts", "README.md"] });
    expect(impact.structuredContent).toMatchObject({
      changed: [{ line: "checkout", paths: ["src/checkout/cart.ts"] }],
      unclaimedPaths: ["README.md"],
    });
    expect(impact.structuredContent).not.toHaveProperty("omitted");
  });
});
