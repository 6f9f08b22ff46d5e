import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { type FloorPlan, floorPlanEvents, openFloorPlan } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { caughtValidationError as refusal } from "./fixtures/caughtValidationError.js";

const folders: string[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A floor plan on a real SQLite log: a root catch-all first, then billing, web and a single file. */
async function floorPlan(): Promise<FloorPlan> {
  const folder = mkdtempSync(join(tmpdir(), "factory-floorplan-paths-"));
  folders.push(folder);
  const log = await openEventLog({ path: join(folder, "factory.db"), events: floorPlanEvents });
  const plan = await openFloorPlan({ log });
  closers.push(async () => {
    await plan.close();
    await log.close();
  });
  await plan.applyPlan({
    operators: [{ id: "ana" }, { id: "ben" }],
    lines: [
      { id: "rest", owner: "ana", paths: ["/"] },
      { id: "billing", owner: "ben", paths: ["/services/billing/"] },
      { id: "web", owner: "ana", paths: ["/apps/web/"], dependsOn: [{ line: "billing", kind: "api" }] },
      { id: "config", owner: "ben", paths: ["/apps/config.ts"] },
    ],
  });
  return plan;
}

describe("how the floor plan reads a path it is asked about", () => {
  it("resolves `.`, `..`, `//`, a leading ./ or / and Windows backslashes from the repository root", async () => {
    const plan = await floorPlan();
    expect(plan.lineForPath("apps/web/../../services/billing/x.ts")).toBe("billing");
    expect(plan.lineForPath("apps/web/../config.ts")).toBe("config");
    expect(plan.lineForPath("apps//web/./src/x.ts")).toBe("web");
    expect(plan.lineForPath("./apps/web/x.ts")).toBe("web");
    expect(plan.lineForPath("/apps/web/x.ts")).toBe("web");
    expect(plan.lineForPath("apps\\web\\x.ts")).toBe("web");
    expect(plan.lineForPath("services\\billing\\..\\..\\apps\\web\\x.ts")).toBe("web");
    expect(plan.explainPath("apps/web/../../services/billing/x.ts")).toEqual({
      path: "services/billing/x.ts",
      line: "billing",
      pattern: "/services/billing/",
      owner: "ben",
    });
  });

  it("reads a folder given without its trailing slash as the folder a line claims", async () => {
    const plan = await floorPlan();
    expect(plan.lineForPath("apps/web")).toBe("web");
    expect(plan.lineForPath("apps/web/")).toBe("web");
    expect(plan.lineForPath("services/billing/x.ts/..")).toBe("billing");
    expect(plan.explainPath("apps\\web")?.pattern).toBe("/apps/web/");
  });

  it("refuses a path that climbs above the root or is the root, naming it", async () => {
    const plan = await floorPlan();
    const above = refusal(() => plan.lineForPath("apps/../../x.ts"));
    expect(above.message).toBe(
      'path: "apps/../../x.ts" climbs above the repository root; give the path from the root (services/billing/x.ts)',
    );
    expect(above.issues.map((issue) => issue.path)).toEqual(["path"]);
    expect(refusal(() => plan.explainPath("..\\x")).message).toContain('"..\\\\x" climbs above');
    for (const root of [".", "/", "apps/.."])
      expect(refusal(() => plan.lineForPath(root)).message).toContain("is the repository root itself");
  });

  it("reads the paths of linesForPaths and impact the same way, naming a refused one by its place", async () => {
    const plan = await floorPlan();
    const grouped = plan.linesForPaths([
      "./apps/web/x.ts",
      "apps\\web",
      "apps/web/../../services/billing/a.ts",
    ]);
    expect([...grouped.byLine]).toEqual([
      ["web", ["apps/web/x.ts", "apps/web"]],
      ["billing", ["services/billing/a.ts"]],
    ]);
    const report = plan.impact({ paths: ["apps/web/../../services/billing/x.ts"] });
    expect(report.changed.map((line) => [line.line, line.paths])).toEqual([
      ["billing", ["services/billing/x.ts"]],
    ]);
    expect(report.affected.map((line) => line.line)).toEqual(["web"]);
    const refused = refusal(() => plan.impact({ paths: ["apps/web/x.ts", "../billing/x.ts"] }));
    expect(refused.message).toBe(
      'paths[1]: "../billing/x.ts" climbs above the repository root; give the path from the root (services/billing/x.ts)',
    );
    expect(refused.issues.map((issue) => issue.path)).toEqual(["paths[1]"]);
  });

  it("reads paths the same way in the plan as of an instant", async () => {
    const plan = await floorPlan();
    const then = await plan.asOf(new Date(Date.now() + 60_000));
    expect(then.lineForPath("apps/web/../../services/billing/x.ts")).toBe("billing");
    expect(then.lineForPath("apps\\web")).toBe("web");
    expect(refusal(() => then.lineForPath("../x")).issues[0]?.path).toBe("path");
  });
});
