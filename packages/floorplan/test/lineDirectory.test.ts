import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, NotFoundError, openAssemblyLine, openEventLog } from "@software-factory/core";
import { openFloorPlan } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openLog(path: string, actor: string): Promise<EventLog> {
  const log = await openEventLog({ path, actor });
  opened.push(log);
  return log;
}

describe("the floor plan as the assembly line's directory of lines and operators", () => {
  it("tells which lines and operators are declared", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-"));
    dirs.push(dir);
    const log = await openLog(join(dir, "factory.db"), "alice");
    const plan = await openFloorPlan({ log });
    opened.push(plan);
    await plan.applyPlan(shopPlan());
    expect(plan.hasLine("checkout")).toBe(true);
    expect(plan.hasLine("ghost")).toBe(false);
    expect(plan.hasOperator("alice")).toBe(true);
    expect(plan.hasOperator("ghost")).toBe(false);
  });

  it("refuses work on an undeclared line or operator, and sees what another process declared a moment ago", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-"));
    dirs.push(dir);
    const path = join(dir, "factory.db");
    const here = await openLog(path, "alice");
    // Not following the log: only the refresh before each check can see the other process's writes.
    const plan = await openFloorPlan({ log: here, live: false });
    opened.push(plan);
    await plan.applyPlan(shopPlan());
    const line = await openAssemblyLine({ log: here, lines: plan });
    opened.push(line);

    await expect(line.createWorkItem({ line: "search", title: "Facets" })).rejects.toMatchObject({
      code: "E_NOT_FOUND",
      entity: "line",
      id: "search",
      field: "line",
    });
    const elsewhere = await openFloorPlan({ log: await openLog(path, "bob") });
    opened.push(elsewhere);
    await elsewhere.declareOperator({ id: "erin" });
    await elsewhere.declareLine({ id: "search", owner: "erin" });

    const item = await line.createWorkItem({ line: "search", title: "Facets" });
    expect(item).toMatchObject({ line: "search", owner: "erin" });
    const refused = line.assign(item.id, { owner: "ghost" });
    await expect(refused).rejects.toBeInstanceOf(NotFoundError);
    await expect(refused).rejects.toMatchObject({ entity: "operator", field: "owner" });
  });
});
