import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openEventLog, ValidationError } from "@software-factory/core";
import {
  floorPlanEvents,
  importWorkspaces,
  openFloorPlan,
  safeParseFactoryYaml,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-self-dependency-"));
  dirs.push(dir);
  return dir;
}

const PLAN = `version: 1
operators:
  - id: alice
lines:
  - id: ledger
    owner: alice
  - id: payments
    owner: alice
    dependsOn:
      - ledger
      - { line: payments, kind: api }
`;

describe("a line that depends on itself", () => {
  it("is an error at the dependency's file:line:column even with cycles: warning, and not a cycle", () => {
    for (const text of [PLAN, PLAN.replace("version: 1\n", "version: 1\nsettings: { cycles: warning }\n")]) {
      const result = safeParseFactoryYaml(text);
      expect(result.success).toBe(false);
      const offset = text === PLAN ? 0 : 1;
      expect(result.success ? [] : result.problems).toEqual([
        expect.objectContaining({
          code: "self-dependency",
          severity: "error",
          path: "lines[1].dependsOn[1]",
          message: '"payments" depends on itself',
          file: "factory.yaml",
          line: 11 + offset,
          column: 9,
        }),
      ]);
    }
  });

  it("is refused by addDependency without appending an event", async () => {
    const dir = tempDir();
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(shopPlan());
    const before = await log.head();
    const error = await floorplan.addDependency("cart", { line: "cart" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toMatchObject([{ code: "self-dependency" }]);
    expect(await log.head()).toBe(before);
    expect(floorplan.dependencies("cart", { depth: 1 }).map((dependency) => dependency.line)).not.toContain(
      "cart",
    );
    await floorplan.close();
    await log.close();
  });

  it("is left out of a workspaces import when a package lists itself", async () => {
    const root = tempDir();
    const files = {
      "package.json": JSON.stringify({ workspaces: ["packages/*"] }),
      "packages/a/package.json": JSON.stringify({ name: "a", devDependencies: { a: "*", b: "*" } }),
      "packages/b/package.json": JSON.stringify({ name: "b" }),
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const plan = await importWorkspaces(root);
    expect(plan.lines.find((line) => line.id === "a")?.dependsOn).toEqual([
      { line: "b", kind: "library", criticality: "low" },
    ]);
  });
});
