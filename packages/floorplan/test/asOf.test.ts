import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock, openEventLog, ValidationError } from "@software-factory/core";
import { floorPlanEvents, openFloorPlan } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-asof-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const T0 = "2026-03-01T09:00:00.000Z";
const T1 = "2026-03-02T09:00:00.000Z";
const T2 = "2026-03-03T09:00:00.000Z";
const T3 = "2026-03-04T09:00:00.000Z";

/** A shop applied at T0, then checkout reowned at T1, then web retired and a dependency added at T2. */
async function shopWithHistory() {
  const clock = manualClock(T0);
  const path = tempDb();
  const log = await openEventLog({ path, events: floorPlanEvents, clock });
  const plan = await openFloorPlan({ log });
  await plan.applyPlan(shopPlan());
  clock.set(T1);
  await plan.assignOwner("checkout", "carol");
  clock.set(T2);
  await plan.retireLine("web");
  await plan.addDependency("catalog", { line: "payments", kind: "data" });
  clock.set(T3);
  return { clock, path, log, plan };
}

describe("FloorPlan.asOf", () => {
  it("gives the owner a line had at an instant, the change counting from the time it was recorded", async () => {
    const { log, plan } = await shopWithHistory();
    expect(plan.ownerOf("checkout")).toBe("carol");
    expect((await plan.asOf(T0)).ownerOf("checkout")).toBe("alice");
    expect((await plan.asOf("2026-03-02T08:59:59.999Z")).ownerOf("checkout")).toBe("alice");
    expect((await plan.asOf(T1)).ownerOf("checkout")).toBe("carol");
    expect((await plan.asOf(new Date(T1))).linesOf("carol")).toEqual(["catalog", "checkout"]);
    expect((await plan.asOf("2026-03-02T10:00:00+01:00")).ownerOf("checkout")).toBe("carol");
    expect((await plan.asOf(T0)).at).toBe(T0);
    await plan.close();
    await log.close();
  });

  it("still has a line retired later, with its owner, paths and dependencies", async () => {
    const { log, plan } = await shopWithHistory();
    expect(plan.hasLine("web")).toBe(false);
    const before = await plan.asOf(T1);
    expect(before.line("web")?.owner).toBe("bob");
    expect(before.lineForPath("apps/web/src/app.tsx")).toBe("web");
    expect(before.dependents("checkout").map((reached) => reached.line)).toEqual(["web"]);
    const after = await plan.asOf(T2);
    expect(after.hasLine("web")).toBe(false);
    expect(after.dependents("checkout")).toEqual([]);
    await plan.close();
    await log.close();
  });

  it("leaves out a dependency added later, in dependencies, dependents and impact", async () => {
    const { log, plan } = await shopWithHistory();
    const before = await plan.asOf(T1);
    expect(before.dependencies("catalog")).toEqual([]);
    expect(before.dependents("payments").map((reached) => reached.line)).toEqual(["checkout", "web"]);
    expect(before.impact({ lines: ["payments"] }).affected.map((line) => line.line)).not.toContain("cart");
    const after = await plan.asOf(T2);
    expect(after.dependencies("catalog").map((reached) => reached.line)).toEqual(["payments"]);
    expect(after.dependencyList()).toEqual(plan.dependencyList());
    expect(after.toPlan()).toEqual(plan.toPlan());
    await plan.close();
    await log.close();
  });

  it("gives an empty plan before the first event", async () => {
    const { log, plan } = await shopWithHistory();
    const empty = await plan.asOf("2026-02-28");
    expect(empty.lines()).toEqual([]);
    expect(empty.ownerOf("checkout")).toBeUndefined();
    expect(empty.hasOperator("alice")).toBe(false);
    expect(empty.lineForPath("packages/checkout/src/index.ts")).toBeUndefined();
    await plan.close();
    await log.close();
  });

  it("refuses an instant it cannot read, naming it", async () => {
    const { log, plan } = await shopWithHistory();
    for (const bad of ["March 1st", "2026-13-01", "", new Date(Number.NaN), 1772355600000]) {
      const refused = await plan.asOf(bad as string).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused, String(bad)).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).message).toMatch(
        /^asOf instant is invalid: \(root\): expected an ISO date \(2026-03-01\), an instant \(2026-03-01T09:00:00Z\) or a span back from now/,
      );
    }
    const refused = await plan.asOf("March 1st").catch((error: unknown) => error);
    expect((refused as ValidationError).message).toContain('got "March 1st"');
    await plan.close();
    await log.close();
  });

  it("reads what another process wrote since, without a refresh, and keeps the views it gave", async () => {
    const { clock, path, log, plan } = await shopWithHistory();
    const before = await plan.asOf(T3);
    const other = await openEventLog({ path, events: floorPlanEvents, clock });
    const otherPlan = await openFloorPlan({ log: other, live: false });
    clock.set("2026-03-05T09:00:00.000Z");
    await otherPlan.assignOwner("cart", "dan");
    expect((await plan.asOf("2026-03-05")).ownerOf("cart")).toBe("bob");
    expect((await plan.asOf("2026-03-05T09:00:00Z")).ownerOf("cart")).toBe("dan");
    expect(before.ownerOf("cart")).toBe("bob");
    await otherPlan.close();
    await other.close();
    await plan.close();
    await log.close();
  });

  it("places an event by the time it was recorded when a writer's clock is behind", async () => {
    const { clock, path, log, plan } = await shopWithHistory();
    expect((await plan.asOf(T1)).ownerOf("cart")).toBe("bob");
    // Another machine whose clock is a day behind writes after everything above.
    const behind = manualClock("2026-03-01T12:00:00.000Z");
    const other = await openEventLog({ path, events: floorPlanEvents, clock: behind });
    const otherPlan = await openFloorPlan({ log: other, live: false });
    await otherPlan.assignOwner("cart", "dan");
    expect((await plan.asOf(T0)).ownerOf("cart")).toBe("bob");
    expect((await plan.asOf(T1)).ownerOf("cart")).toBe("dan");
    expect((await plan.asOf(T1)).ownerOf("checkout")).toBe("carol");
    expect((await plan.asOf(T2)).hasLine("web")).toBe(false);
    expect(clock.now().toISOString()).toBe(T3);
    await otherPlan.close();
    await other.close();
    await plan.close();
    await log.close();
  });

  it("fails after close", async () => {
    const { log, plan } = await shopWithHistory();
    await plan.close();
    await expect(plan.asOf(T1)).rejects.toMatchObject({ _tag: "ClosedError" });
    await log.close();
  });
});
