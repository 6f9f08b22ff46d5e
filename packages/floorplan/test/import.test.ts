import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openEventLog } from "@software-factory/core";
import {
  buildFloorGraph,
  floorPlanEvents,
  importBackstage,
  importCodeowners,
  importWorkspaces,
  openFloorPlan,
  parseFactoryYaml,
  toDot,
  toGraphologyJson,
  toMermaid,
} from "@software-factory/floorplan";
import { MultiDirectedGraph } from "graphology";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "factory-import-"));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const CODEOWNERS = `# Default owners
*       @acme/platform
/docs/  @alice bob@acme.com
apps/   @carol
!/secret/ @alice
/vendor/
*.sql   @acme/data @alice
`;

describe("importCodeowners", () => {
  it("finds .github/CODEOWNERS and proposes one line per rule, keeping last-match semantics", async () => {
    const root = repo({ ".github/CODEOWNERS": CODEOWNERS, CODEOWNERS: "* @nobody\n" });
    const imported = await importCodeowners(root, {
      operators: [{ id: "alice", roles: ["line"], handles: { github: "@alice" } }],
    });
    expect(imported?.file).toBe(join(root, ".github/CODEOWNERS"));
    expect(imported?.problems).toMatchObject([{ code: "unsupported-pattern", line: 5, column: 1 }]);
    const plan = imported?.plan;
    expect(plan?.lines.map((line) => [line.id, line.owner, line.paths[0]])).toEqual([
      ["all", "acme-platform", "*"],
      ["docs", "alice", "/docs/"],
      ["apps", "carol", "apps/"],
      ["vendor", undefined, "/vendor/"],
      ["sql", "acme-data", "*.sql"],
    ]);
    expect(plan?.lines[1]?.contributors).toEqual([{ operator: "bob", role: "codeowner" }]);
    expect(plan?.operators.map((operator) => operator.id)).toEqual([
      "acme-platform",
      "bob",
      "carol",
      "acme-data",
    ]);
    const floor = buildFloorGraph(plan ?? {});
    expect(floor.lineForPath("docs/schema.sql")).toBe("sql");
    expect(floor.lineForPath("docs/intro.md")).toBe("docs");
    expect(floor.lineForPath("vendor/lib.js")).toBe("vendor");
    expect(floor.explainPath("vendor/lib.js")?.owner).toBeUndefined();
    expect(floor.lineForPath("src/index.ts")).toBe("all");
  });

  it("merges into an event-backed floor plan, and importing twice adds no events", async () => {
    const root = repo({ "docs/CODEOWNERS": "/docs/ @alice\n" });
    const log = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan(shopPlan());
    const imported = await importCodeowners(root, { operators: plan.toPlan().operators });
    expect(imported?.plan.operators).toEqual([]);
    const first = await plan.applyPlan(imported?.plan ?? {}, { mode: "merge", source: "codeowners" });
    expect(first.changes).toBe(2);
    expect(plan.line("docs")?.provenance.source).toBe("codeowners");
    expect(plan.line("web")?.provenance.source).toBe("factory.yaml");
    const second = await plan.applyPlan(imported?.plan ?? {}, { mode: "merge", source: "codeowners" });
    expect(second.events).toEqual([]);
    await plan.close();
    await log.close();
  });

  it("maps a handle two operators declare to the first, which factory.yaml warns about", async () => {
    const yaml = `version: 1
operators:
  - { id: pay-team, handles: { github: "@acme/payments" } }
  - { id: pay-lead, handles: { github: "@ACME/Payments" }, email: lead@acme.com }
  - { id: lead, email: Lead@acme.com }
lines:
  - { id: payments, owner: pay-team }
`;
    const warnings: string[] = [];
    const plan = parseFactoryYaml(yaml, "factory.yaml", {
      onWarning: (problem) =>
        warnings.push(`${problem.line}:${problem.column} ${problem.code} ${problem.path}`),
    });
    expect(warnings).toEqual([
      "4:40 duplicate-handle operators[1].handles.github",
      "5:24 duplicate-handle operators[2].email",
    ]);
    const root = repo({ CODEOWNERS: "/services/payments/ @acme/payments\n/docs/ lead@acme.com\n" });
    const imported = await importCodeowners(root, { operators: plan.operators });
    expect(imported?.plan.lines.map((line) => [line.paths[0], line.owner])).toEqual([
      ["/services/payments/", "pay-team"],
      ["/docs/", "pay-lead"],
    ]);
  });

  it("returns undefined for a repository without CODEOWNERS", async () => {
    expect(await importCodeowners(repo({ "README.md": "hi" }))).toBeUndefined();
  });
});

describe("importWorkspaces", () => {
  it("turns each package into a line and internal dependencies into dependsOn", async () => {
    const root = repo({
      "package.json": JSON.stringify({ name: "mono", private: true, workspaces: ["packages/*", "apps/*"] }),
      "packages/core/package.json": JSON.stringify({ name: "@acme/core", description: "The kernel" }),
      "packages/ui/package.json": JSON.stringify({
        name: "@acme/ui",
        dependencies: { "@acme/core": "1.0.0", react: "19" },
      }),
      "apps/web/package.json": JSON.stringify({
        name: "@acme/web",
        dependencies: { "@acme/ui": "*" },
        devDependencies: { "@acme/core": "*" },
      }),
      "packages/not-a-package/README.md": "no manifest",
    });
    const plan = await importWorkspaces(root);
    expect(plan.lines.map((line) => [line.id, line.domain, line.paths[0]])).toEqual([
      ["acme-web", "apps", "/apps/web/"],
      ["acme-core", "packages", "/packages/core/"],
      ["acme-ui", "packages", "/packages/ui/"],
    ]);
    expect(plan.lines[0]?.dependsOn).toEqual([
      { line: "acme-ui", kind: "library", criticality: "high" },
      { line: "acme-core", kind: "library", criticality: "low" },
    ]);
    expect(plan.lines[1]?.description).toBe("The kernel");
    expect(plan.domains.map((domain) => domain.id)).toEqual(["apps", "packages"]);
    const floor = buildFloorGraph(plan);
    expect(floor.dependents("acme-core").map((d) => d.line)).toEqual(["acme-web", "acme-ui"]);
    expect(floor.lineForPath("packages/ui/src/Button.tsx")).toBe("acme-ui");
  });

  it("applies the unowned lines of an import with warnings, and health lists them", async () => {
    const root = repo({
      "package.json": JSON.stringify({ workspaces: ["packages/*"] }),
      "packages/core/package.json": JSON.stringify({ name: "core" }),
      "packages/ui/package.json": JSON.stringify({ name: "ui", dependencies: { core: "*" } }),
    });
    const log = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    const result = await floorplan.applyPlan(await importWorkspaces(root), {
      mode: "merge",
      source: "workspaces",
    });
    expect(result.warnings.map((warning) => warning.code)).toEqual(["no-owner", "no-owner"]);
    expect(floorplan.health({ central: 0 }).unownedLines).toEqual(["core", "ui"]);
    expect(floorplan.line("ui")?.provenance.source).toBe("workspaces");
    await expect(floorplan.applyPlan(await importWorkspaces(root))).rejects.toThrow(/has no owner/);
    await floorplan.close();
    await log.close();
  });

  it("reads pnpm-workspace.yaml", async () => {
    const root = repo({
      "package.json": "{}",
      "pnpm-workspace.yaml": "packages:\n  - 'libs/**'\n  - '!libs/legacy'\n",
      "libs/a/package.json": JSON.stringify({ name: "a" }),
      "libs/nested/b/package.json": JSON.stringify({ name: "b", peerDependencies: { a: "*" } }),
      "libs/legacy/package.json": JSON.stringify({ name: "legacy" }),
    });
    const plan = await importWorkspaces(root);
    expect(plan.lines.map((line) => line.id)).toEqual(["a", "b"]);
    expect(plan.lines[1]?.dependsOn).toEqual([{ line: "a", kind: "library", criticality: "medium" }]);
  });

  it("rejects a broken manifest naming the file", async () => {
    const root = repo({
      "package.json": JSON.stringify({ workspaces: ["p/*"] }),
      "p/x/package.json": "{ nope",
    });
    await expect(importWorkspaces(root)).rejects.toThrow(/p\/x\/package.json is not valid JSON/);
  });
});

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Domain
metadata: { name: shop, title: The Shop }
spec: { owner: group:default/leads }
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: payments }
spec: { owner: leads, domain: shop }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  description: Takes the money
  tags: [java]
spec:
  type: service
  owner: group:default/payments-team
  system: payments
  dependsOn: [component:default/ledger, resource:default/db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ledger }
spec: { type: library, owner: user:default/alice, system: payments }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { profile: { displayName: Alice Liddell, email: alice@acme.com } }
---
kind: Component
metadata: { title: no name }
`;

describe("importBackstage", () => {
  it("maps several entities to product, domains, lines, operators and dependencies", () => {
    const { plan, problems } = importBackstage(CATALOG, "catalog-info.yaml");
    expect(plan.product).toEqual({ id: "shop", name: "The Shop" });
    expect(plan.domains).toEqual([{ id: "payments", name: "payments" }]);
    expect(plan.lines.map((line) => [line.id, line.owner, line.domain])).toEqual([
      ["checkout", "payments-team", "payments"],
      ["ledger", "alice", "payments"],
    ]);
    expect(plan.lines[0]?.dependsOn).toEqual([{ line: "ledger", kind: "library", criticality: "medium" }]);
    expect(plan.lines[0]?.tags).toEqual(["java", "service"]);
    expect(plan.operators.find((operator) => operator.id === "alice")).toMatchObject({
      name: "Alice Liddell",
      email: "alice@acme.com",
    });
    expect(problems).toMatchObject([{ code: "bad-entity", file: "catalog-info.yaml", line: 34, column: 11 }]);
    expect(buildFloorGraph(plan).ownerOf("checkout")).toBe("payments-team");
  });
});

describe("exports", () => {
  it("renders Mermaid and DOT clustered by domain, and graphology JSON that loads back", () => {
    const floor = buildFloorGraph(shopPlan());
    const mermaid = toMermaid(floor);
    expect(mermaid).toContain(
      'flowchart LR\n  subgraph d_commerce["Commerce"]\n    l_catalog["catalog @carol"]',
    );
    expect(mermaid).toContain("l_checkout ==>|api| l_payments");
    expect(mermaid).toContain("l_cart -.->|data| l_catalog");
    const dot = toDot(floor);
    expect(dot).toContain(
      'subgraph "cluster_storefront" {\n    label="Storefront";\n    "web" [label="web @bob"];\n  }',
    );
    expect(dot).toContain('"checkout" -> "payments" [label="api", penwidth=3];');
    const json = toGraphologyJson(floor);
    const copy = new MultiDirectedGraph();
    copy.import(json);
    expect(copy.order).toBe(floor.graph.order);
    expect(copy.size).toBe(floor.graph.size);
  });
});
