/**
 * An import merged into a floor plan comes after the lines it had, and the
 * last matching pattern wins: a broader imported pattern (CODEOWNERS' default
 * owner `*`, `*.md`) takes a folder or file a line named, and the merge says
 * so with a `taken-paths` warning at the losing line's pattern.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import {
  codeownersToPlan,
  type FloorPlan,
  floorPlanEvents,
  openFloorPlan,
  type PlanProblem,
  parseCodeowners,
} from "@software-factory/floorplan";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let floorplan: FloorPlan;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-floorplan-taken-paths-"));
  const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
  floorplan = await openFloorPlan({ log });
  await floorplan.applyPlan({
    product: { id: "shop" },
    operators: [
      { id: "ana", roles: ["line"] },
      { id: "cy", roles: ["line"], handles: { github: "@cy" } },
    ],
    lines: [
      { id: "bench", owner: "ana", paths: ["/bench/"] },
      { id: "cli", owner: "ana", paths: ["/packages/cli/", "/docs/\\#cli.md"] },
    ],
  });
});
afterEach(async () => {
  await floorplan.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The `taken-paths` warnings of merging `codeowners` (CODEOWNERS text) into the floor plan. */
async function merging(codeowners: string, options: { dryRun?: boolean } = {}): Promise<PlanProblem[]> {
  const plan = codeownersToPlan(parseCodeowners(codeowners).rules, {
    operators: floorplan.toPlan().operators,
  });
  const applied = await floorplan.applyPlan(plan, { mode: "merge", source: "codeowners", ...options });
  return applied.warnings.filter((warning) => warning.code === "taken-paths");
}

describe("merging an import whose broader patterns take a line's paths", () => {
  it("warns at each folder or file taken, naming the imported line and pattern that now claim it", async () => {
    expect(await merging("* @cy\n*.md @cy\n/packages/cli/ @ana\n")).toEqual([
      {
        code: "taken-paths",
        severity: "warning",
        path: "lines[0].paths[0]",
        message:
          'line "bench" no longer gets "/bench/": the imported line "all" comes later in the floor plan and its pattern "*" claims it (the last matching pattern wins)',
        hint: 'put "bench" after "all" (apply a factory.yaml that lists it later), or narrow the imported pattern before merging (edit the proposed plan, or import with --out)',
      },
      expect.objectContaining({
        path: "lines[1].paths[1]",
        message:
          'line "cli" no longer gets "/docs/\\\\#cli.md": the imported line "md" comes later in the floor plan and its pattern "*.md" claims it (the last matching pattern wins)',
      }),
    ]);
    // "/packages/cli/", imported as "cli" wrote it, is left to the shadowed-pattern warning.
    // As the warning says: the imported lines, merged after, answer for those paths now.
    expect(floorplan.toPlan().lines.map((line) => line.id)).toEqual([
      "bench",
      "cli",
      "all",
      "md",
      "packages-cli",
    ]);
    expect(floorplan.explainPath("bench/run.ts")).toMatchObject({ line: "all", owner: "cy" });
    expect(floorplan.explainPath("docs/#cli.md")).toMatchObject({ line: "md", pattern: "*.md" });
  });

  it("warns on a dry run too, and writes nothing", async () => {
    const head = floorplan.toPlan().lines.length;
    expect((await merging("* @cy\n", { dryRun: true })).map((warning) => warning.path)).toEqual([
      "lines[0].paths[0]",
      "lines[1].paths[0]",
      "lines[1].paths[1]",
    ]);
    expect(floorplan.toPlan().lines).toHaveLength(head);
  });

  it("says nothing when the imported patterns leave the lines' paths alone, or once they were merged", async () => {
    expect(await merging("/apps/ @cy\n/docs/guides/ @cy\n")).toEqual([]);
    // The lines merged before are the floor plan's now: `*` takes their paths too.
    expect(
      (await merging("* @cy\n")).map((warning) =>
        /^line "([^"]+)" no longer gets "([^"]+)"/.exec(warning.message)?.slice(1),
      ),
    ).toEqual([
      ["bench", "/bench/"],
      ["cli", "/packages/cli/"],
      ["cli", "/docs/\\\\#cli.md"],
      ["apps", "/apps/"],
      ["docs-guides", "/docs/guides/"],
    ]);
    expect(await merging("* @cy\n")).toEqual([]);
  });
});
