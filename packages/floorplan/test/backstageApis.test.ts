import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importBackstage, validatePlan } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: payments }
spec: { owner: group:payments-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: payments-service, description: Charges cards }
spec:
  type: service
  owner: group:payments-team
  system: payments
  providesApis: [api:charges]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: card-vault }
spec:
  type: library
  owner: group:payments-team
  subcomponentOf: component:payments-service
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: charges, description: Create and refund card charges }
spec: { type: openapi, owner: group:payments-team, system: payments }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: rates, description: Exchange rates }
spec: { type: openapi, owner: group:payments-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec:
  type: website
  owner: group:web-team
  consumesApis: [api:charges, rates, api:loyalty]
  dependsOn: [component:payments-service, component:inventory, resource:orders-db]
`;

describe("importBackstage: APIs and subcomponents", () => {
  it("turns consumesApis into api dependencies on the providers, with the API as contract", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-backstage-apis-"));
    dirs.push(dir);
    const file = join(dir, "catalog-info.yaml");
    writeFileSync(file, CATALOG);

    const { plan, problems } = importBackstage(await readFile(file, "utf8"), file);
    const line = (id: string) => plan.lines.find((candidate) => candidate.id === id);

    expect(line("checkout")?.dependsOn).toEqual([
      { line: "payments-service", kind: "library", criticality: "medium" },
      {
        line: "rates",
        kind: "api",
        criticality: "medium",
        contract: "API rates: Exchange rates",
      },
    ]);
    // payments-service was already a dependency (dependsOn comes first); the API adds no second edge to it.
    expect(line("card-vault")?.domain).toBe("payments");
    expect(problems.map((problem) => [problem.code, problem.message])).toEqual([
      [
        "unknown-entity",
        "checkout dependsOn component:inventory, which is not in this catalog: the relation is left out",
      ],
      [
        "unknown-entity",
        "checkout consumesApis api:loyalty, which is not in this catalog: the relation is left out",
      ],
    ]);
    expect(validatePlan(plan).filter((problem) => problem.severity === "error")).toEqual([]);
  });

  it("makes a reference to a line the floor plan already has a dependency on it, with no warning", () => {
    const known = (id: string) => ({
      id,
      paths: [],
      tags: [],
      knowledge: [],
      dependsOn: [],
      contributors: [],
    });
    const { plan, problems } = importBackstage(CATALOG, "catalog-info.yaml", {
      lines: [known("inventory"), known("loyalty")],
    });
    expect(plan.lines.find((candidate) => candidate.id === "checkout")?.dependsOn).toEqual([
      { line: "payments-service", kind: "library", criticality: "medium" },
      { line: "inventory", kind: "library", criticality: "medium" },
      { line: "rates", kind: "api", criticality: "medium", contract: "API rates: Exchange rates" },
      { line: "loyalty", kind: "api", criticality: "medium", contract: "API loyalty" },
    ]);
    expect(problems).toEqual([]);
  });

  it("gives a consumer its provider's api dependency when it did not also declare dependsOn", () => {
    const { plan } = importBackstage(
      CATALOG.replace(
        "dependsOn: [component:payments-service, component:inventory, resource:orders-db]",
        "dependsOn: []",
      ),
    );

    expect(plan.lines.find((candidate) => candidate.id === "checkout")?.dependsOn).toContainEqual({
      line: "payments-service",
      kind: "api",
      criticality: "medium",
      contract: "API charges: Create and refund card charges",
    });
  });
});
