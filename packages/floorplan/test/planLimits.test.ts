import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog, ValidationError } from "@software-factory/core";
import {
  floorPlanEvents,
  openFloorPlan,
  PLAN_LIMITS,
  parseCodeowners,
  safeParseFactoryYaml,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A factory.yaml with one line whose fields are given as YAML lines (indented under the line). */
function planWith(fields: readonly string[]): string {
  return [
    "version: 1",
    "operators:",
    "  - id: alice",
    "lines:",
    "  - id: payments",
    "    owner: alice",
    ...fields.map((field) => `    ${field}`),
    "",
  ].join("\n");
}

describe("plan field limits", () => {
  it("refuses a description over the limit at its file:line:column, and takes one at the limit", () => {
    const over = safeParseFactoryYaml(planWith([`description: ${"x".repeat(PLAN_LIMITS.description + 1)}`]));
    expect(over.success).toBe(false);
    expect(over.success ? [] : over.problems).toEqual([
      expect.objectContaining({
        code: "schema",
        severity: "error",
        path: "lines[0].description",
        message: `a description is at most ${PLAN_LIMITS.description} characters`,
        file: "factory.yaml",
        line: 7,
        column: 18,
      }),
    ]);
    const at = safeParseFactoryYaml(planWith([`description: ${"x".repeat(PLAN_LIMITS.description)}`]));
    expect(at.success).toBe(true);
  });

  it("bounds names, tags, knowledge links, contracts, handles and path patterns", () => {
    const long = (limit: number) => "y".repeat(limit + 1);
    const text = [
      "version: 1",
      "product: { id: shop, description: ok }",
      "operators:",
      `  - { id: alice, name: ${long(PLAN_LIMITS.name)}, handles: { github: "@${long(PLAN_LIMITS.handle)}" } }`,
      "lines:",
      "  - id: ledger",
      "    owner: alice",
      "  - id: payments",
      "    owner: alice",
      `    tags: [${long(PLAN_LIMITS.tag)}]`,
      `    knowledge: [${long(PLAN_LIMITS.knowledge)}]`,
      `    paths: [/${long(PLAN_LIMITS.pathPattern)}/]`,
      `    dependsOn: [{ line: ledger, contract: ${long(PLAN_LIMITS.contract)} }]`,
      "",
    ].join("\n");
    const result = safeParseFactoryYaml(text);
    expect(result.success ? [] : result.problems.map((problem) => [problem.path, problem.line])).toEqual([
      ["operators[0].name", 4],
      ["operators[0].handles.github", 4],
      ["lines[1].tags[0]", 10],
      ["lines[1].knowledge[0]", 11],
      ["lines[1].paths[0]", 12],
      ["lines[1].dependsOn[0].contract", 13],
    ]);
    // A refused pattern is quoted short in the message, not repeated whole.
    const pattern = result.success ? undefined : result.problems[4];
    expect(pattern?.message).toContain(`at most ${PLAN_LIMITS.pathPattern} characters`);
    expect(pattern?.message.length).toBeLessThan(200);
  });

  it("refuses a 20 MB description through applyPlan without appending an event", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-plan-limits-"));
    dirs.push(dir);
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(shopPlan());
    const before = await log.head();
    const plan = shopPlan();
    const lines = (plan.lines ?? []).map((line, index) =>
      index === 0 ? { ...line, description: "z".repeat(20_000_000) } : line,
    );
    const error = await floorplan.applyPlan({ ...plan, lines }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toMatchObject([{ path: "lines[0].description" }]);
    expect(await log.head()).toBe(before);
    await floorplan.close();
    await log.close();
  });

  it("skips a CODEOWNERS rule whose pattern is over the limit, with a warning at its line", () => {
    const parsed = parseCodeowners(`/docs/ @alice\n/${"p".repeat(PLAN_LIMITS.pathPattern)}/ @bob\n`);
    expect(parsed.rules.map((rule) => rule.pattern)).toEqual(["/docs/"]);
    expect(parsed.problems).toMatchObject([{ code: "unsupported-pattern", line: 2 }]);
  });
});
