import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-startup-caches-"));
  const factory = await openFactory({ dir, durability: "normal" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: Array.from({ length: 30 }, (_, index) => ({
      id: `line-${index}`,
      owner: index % 3 === 0 ? "ana" : "bo",
      description: `Line ${index} of the shop`,
      paths: [`/src/line-${index}/`],
      dependsOn: index === 0 ? [] : [`line-${index - 1}`],
    })),
  });
  for (let index = 0; index < 40; index += 1) {
    await factory.knowledge.capture({
      kind: "note",
      title: `Retry policy ${index}`,
      body: `Line ${index % 30} retries a failed payment ${index % 5} times before refunding order ${index}.`,
      source: { system: "test" },
      lines: [`line-${index % 30}`],
    });
  }
  await factory.close();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What the agents and the CLI ask a factory first. */
async function answers(factory: Factory) {
  return {
    owner: factory.floorplan.explainPath("src/line-12/index.ts"),
    dependents: factory.floorplan.dependents("line-3", { depth: 2 }),
    search: (await factory.knowledge.search("refunding order after retries", { limit: 10 })).hits.map(
      (hit) => [hit.document.id, hit.score],
    ),
    context: (await factory.context({ line: "line-7" })).knowledge.map((hit) => hit.document.id),
  };
}

describe("a factory opened from its caches", () => {
  it("answers as a factory folded from the whole log, when its caches are behind the log", async () => {
    const caches = join(dir, "cache");
    expect(existsSync(join(caches, "floorplan", "floorplan.snapshot"))).toBe(true);
    expect(existsSync(join(caches, "knowledge", "knowledge.snapshot"))).toBe(true);
    const saved = join(dir, "saved-cache");
    cpSync(caches, saved, { recursive: true });

    const writer = await openFactory({ dir });
    await writer.floorplan.assignOwner("line-12", "ana");
    await writer.knowledge.capture({
      kind: "note",
      title: "Refund after retries",
      body: "Refunding order 99 after retries failed.",
      source: { system: "test" },
      lines: ["line-7"],
    });
    await writer.close();
    // The caches as they were before those writes.
    rmSync(caches, { recursive: true, force: true });
    cpSync(saved, caches, { recursive: true });

    const fromCaches = await openFactory({ dir });
    const actual = await answers(fromCaches);
    await fromCaches.close();
    rmSync(caches, { recursive: true, force: true });
    const fromLog = await openFactory({ dir });
    const expected = await answers(fromLog);
    await fromLog.close();

    expect(actual).toEqual(expected);
    expect(actual.owner?.owner).toBe("ana");
    expect(actual.search.length).toBeGreaterThan(0);
  });
});
