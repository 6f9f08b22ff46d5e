import { buildFloorGraph, type PlanInput, planOf, validatePlan } from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";

/** A catch-all line, then lines claiming names that a folder can have too. */
function plan(...paths: string[]): PlanInput {
  return {
    operators: [{ id: "alice" }],
    lines: [
      { id: "rest", owner: "alice", paths: ["*"] },
      ...paths.map((pattern, index) => ({ id: `line-${index}`, owner: "alice", paths: [pattern] })),
    ],
  };
}

describe("a pattern that names a folder (CODEOWNERS and gitignore semantics)", () => {
  it("claims everything inside a folder its wildcard pattern names, as a file of that name", () => {
    const floor = buildFloorGraph(plan("docs/*.md", "*.lock", "/tools/build-?"));
    expect(floor.lineForPath("docs/guide.md")).toBe("line-0");
    expect(floor.lineForPath("docs/x.md/notes.txt")).toBe("line-0");
    expect(floor.lineForPath("docs/x.md/deeper/notes.txt")).toBe("line-0");
    expect(floor.lineForPath("packages/a/deps.lock/manifest.json")).toBe("line-1");
    expect(floor.lineForPath("tools/build-1/run.sh")).toBe("line-2");
    expect(floor.explainPath("docs/x.md/notes.txt")?.pattern).toBe("docs/*.md");
  });

  it("keeps `docs/*` to what is directly inside docs, as GitHub documents", () => {
    const floor = buildFloorGraph(plan("docs/*"));
    expect(floor.lineForPath("docs/getting-started.md")).toBe("line-0");
    expect(floor.lineForPath("docs/build-app/troubleshooting.md")).toBe("rest");
  });

  it("does not call a wildcard pattern empty when only a folder of that name has files", () => {
    const problems = validatePlan(planOf(plan("docs/*.md")), { files: ["docs/x.md/notes.txt", "README"] });
    expect(problems.filter((problem) => problem.code === "empty-glob")).toEqual([]);
  });
});
