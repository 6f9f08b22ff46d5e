import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import {
  floorPlanEvents,
  openFloorPlan,
  PathPatternSchema,
  PLAN_LIMITS,
  planOf,
  validatePlan,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shopPlan } from "./fixtures.js";
import { shopPlanThenStoredBefore } from "./storedData.js";

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const LONG = `/legacy/${"a".repeat(PLAN_LIMITS.pathPattern + 100)}/`;
const TABBED = "/legacy/tab\there/";

/** A factory with the shop plan applied, then a line `legacy` stored as an older version did, with `paths`. */
async function factoryWithLegacyLine(paths: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "factory-stored-patterns-"));
  dirs.push(dir);
  const path = join(dir, "factory.db");
  await shopPlanThenStoredBefore(path, [
    {
      type: "floorplan.line.declared",
      subject: "legacy",
      data: {
        id: "legacy",
        paths,
        tags: [],
        knowledge: [],
        order: 5,
        provenance: { source: "factory.yaml" },
      },
    },
    {
      type: "floorplan.owner.assigned",
      subject: "legacy",
      data: { line: "legacy", operator: "bob", provenance: { source: "factory.yaml" } },
    },
  ]);
  return path;
}

describe("path patterns stored before the input checks", () => {
  it("answer path lookups: a pattern over the length limit and one with a tab still match", async () => {
    const path = await factoryWithLegacyLine([LONG, TABBED]);
    const log = await openEventLog({ path, events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    expect(floorplan.lineForPath("packages/cart/index.ts")).toBe("cart");
    expect(floorplan.lineForPath(`${LONG.slice(1)}x.ts`)).toBe("legacy");
    expect(floorplan.explainPath("legacy/tab\there/x.ts")).toMatchObject({ line: "legacy", pattern: TABBED });
    const groups = floorplan.linesForPaths(["apps/web/a.ts", "legacy/tab\there/b.ts"]);
    expect([...groups.byLine.keys()].sort()).toEqual(["legacy", "web"]);
    await floorplan.close();
    await log.close();
  });

  it("skips a stored pattern that cannot be compiled, warning once, and the other lines still answer", async () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const path = await factoryWithLegacyLine(["!/negated/", "/legacy/"]);
    const log = await openEventLog({ path, events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    expect(floorplan.lineForPath("packages/cart/index.ts")).toBe("cart");
    expect(floorplan.lineForPath("legacy/x.ts")).toBe("legacy");
    expect(floorplan.lineForPath("negated/x.ts")).toBeUndefined();
    // A change rebuilds the index; the warning is not said again.
    await floorplan.declareOperator({ id: "erin" });
    expect(floorplan.lineForPath("legacy/y.ts")).toBe("legacy");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('line "legacy": pattern "!/negated/"');
    await floorplan.close();
    await log.close();
  });

  it("are reported by validatePlan with files instead of throwing", () => {
    const plan = planOf(shopPlan());
    const stored = {
      ...plan,
      lines: plan.lines.map((line) => (line.id === "web" ? { ...line, paths: ["!/apps/", LONG] } : line)),
    };
    const problems = validatePlan(stored, { files: ["apps/web/a.ts", "packages/cart/a.ts"] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "bad-pattern", severity: "error", path: "lines[4].paths[0]" }),
        expect.objectContaining({ code: "empty-glob", path: "lines[4].paths[1]" }),
      ]),
    );
  });

  it("are still refused as input: over the limit or with a control character", () => {
    for (const pattern of [LONG, TABBED]) {
      const result = PathPatternSchema.safeParse(pattern);
      expect(result.success).toBe(false);
    }
    expect(PathPatternSchema.safeParse("/legacy/").success).toBe(true);
  });
});
