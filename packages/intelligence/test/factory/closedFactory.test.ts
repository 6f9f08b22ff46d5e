import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { floorPlanEvents, openFloorPlan } from "@software-factory/floorplan";
import { openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const CLOSED = "the factory is closed (closed by close()); open it again with openFactory";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-closed-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What a call throws, synchronously or as a rejection. */
async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("a factory called after close()", () => {
  it("says the factory is closed and how to open it again, whichever part answers", async () => {
    const factory = await openFactory({ dir, actor: "ana" });
    await factory.floorplan.applyPlan({
      product: { id: "shop" },
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana", paths: ["/src/checkout/"] }],
    });
    await factory.close();
    const calls: Record<string, () => unknown> = {
      "context (floor plan)": () => factory.context({ line: "checkout" }),
      "floorplan.ownerOf": () => factory.floorplan.ownerOf("checkout"),
      "work.list": () => factory.work.list(),
      "knowledge.search": () => factory.knowledge.search("refunds"),
      "log.head": () => factory.log.head(),
      "log.append": () =>
        factory.log.append({ type: "floorplan.plan.applied", subject: "floorplan", data: {} }),
    };
    for (const [name, call] of Object.entries(calls)) {
      expect(await failureOf(call), name).toMatchObject({
        _tag: "ClosedError",
        code: "E_CLOSED",
        message: CLOSED,
      });
    }
  });

  it("leaves a part's own words to the part closed on its own", async () => {
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.close();
    expect(await failureOf(() => floorplan.lines())).toMatchObject({ message: "the floor plan is closed" });
    await log.close();
    expect(await failureOf(() => log.head())).toMatchObject({
      code: "E_CLOSED",
      message: expect.stringContaining("the event store at"),
    });
    expect(await failureOf(() => floorplan.lines())).toMatchObject({ message: "the floor plan is closed" });
  });
});
