import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { edgeKey, floorPlanEvents, importBackstage, openFloorPlan } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a catalog-info.yaml into a fresh folder and returns its path. */
function catalogFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-backstage-"));
  dirs.push(dir);
  const path = join(dir, "catalog-info.yaml");
  writeFileSync(path, text);
  return path;
}

/** Reads a catalog file from disk and imports it, as a user of the API would. */
async function importFile(path: string, options: Parameters<typeof importBackstage>[2] = {}) {
  return importBackstage(await readFile(path, "utf8"), path, options);
}

const CATALOG = `# The shop's catalog: one Domain, two Systems, components, an API, groups and users.
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: shop
  title: The Shop
  description: Everything we sell
spec:
  owner: group:default/leads
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: payments
  title: Payments
spec:
  owner: group:default/payments-team
  domain: shop
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: storefront }
spec: { owner: web-team, domain: shop }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  description: Takes the money
  tags: [java]
spec:
  type: service
  lifecycle: production
  owner: group:default/payments-team
  system: payments
  dependsOn:
    - component:ledger
    - component:default/fraud
    - resource:default/payments-db
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ledger }
spec: { type: library, lifecycle: production, owner: user:default/alice, system: system:default/payments }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: fraud }
spec:
  type: service
  owner: payments-team
  system: payments
  dependsOn: [api:risk-scores]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: risk-scores }
spec: { type: openapi, owner: group:data-team, system: payments }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: web, title: Web shop }
spec: { type: website, owner: web-team, system: storefront, dependsOn: [component:checkout] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments-team }
spec:
  type: team
  profile: { displayName: Payments Team, email: payments@acme.com }
  children: []
  members: [alice, bob]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: web-team }
spec: { type: team, children: [], members: [carol] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { profile: { displayName: Alice Liddell, email: alice@acme.com }, memberOf: [payments-team] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { profile: { displayName: Bob Stone }, memberOf: [payments-team] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: carol }
spec: { memberOf: [web-team] }
`;

describe("importBackstage on a catalog-info.yaml written to disk", () => {
  it("maps Domain, Systems, Components, an API, Groups and Users to product, domains, lines and operators", async () => {
    const { plan, problems } = await importFile(catalogFile(CATALOG));
    expect(problems).toEqual([]);
    expect(plan.product).toEqual({ id: "shop", name: "The Shop", description: "Everything we sell" });
    expect(plan.domains).toEqual([
      { id: "payments", name: "Payments" },
      { id: "storefront", name: "storefront" },
    ]);
    expect(plan.lines.map((line) => [line.id, line.name, line.domain, line.owner])).toEqual([
      ["checkout", "checkout", "payments", "payments-team"],
      ["ledger", "ledger", "payments", "alice"],
      ["fraud", "fraud", "payments", "payments-team"],
      ["risk-scores", "risk-scores", "payments", "data-team"],
      ["web", "Web shop", "storefront", "web-team"],
    ]);
    expect(plan.lines[0]).toMatchObject({ description: "Takes the money", tags: ["java", "service"] });
  });

  it("turns Groups and Users into operators with their profile, and owners without an entity into bare operators", async () => {
    const { plan } = await importFile(catalogFile(CATALOG));
    expect(plan.operators).toEqual([
      {
        id: "payments-team",
        name: "Payments Team",
        email: "payments@acme.com",
        roles: ["line"],
        handles: { backstage: "group:default/payments-team" },
      },
      {
        id: "web-team",
        name: "web-team",
        roles: ["line"],
        handles: { backstage: "group:default/web-team" },
      },
      {
        id: "alice",
        name: "Alice Liddell",
        email: "alice@acme.com",
        roles: ["line"],
        handles: { backstage: "user:default/alice" },
      },
      { id: "bob", name: "Bob Stone", roles: ["line"], handles: { backstage: "user:default/bob" } },
      { id: "carol", name: "carol", roles: ["line"], handles: { backstage: "user:default/carol" } },
      {
        id: "data-team",
        name: "data-team",
        roles: ["line"],
        handles: { backstage: "group:default/data-team" },
      },
    ]);
  });

  it("keeps dependsOn between components and APIs of the catalog and drops resources", async () => {
    const { plan } = await importFile(catalogFile(CATALOG));
    const dependencies = plan.lines.flatMap((line) =>
      line.dependsOn.map((dependency) => [line.id, dependency.line, dependency.kind]),
    );
    expect(dependencies).toEqual([
      ["checkout", "ledger", "library"],
      ["checkout", "fraud", "library"],
      ["fraud", "risk-scores", "api"],
      ["web", "checkout", "library"],
    ]);
  });

  it("applies to an event-backed floor plan: owners, partOf and dependsOn edges come from backstage", async () => {
    const path = catalogFile(CATALOG);
    const log = await openEventLog({ path: join(dirname(path), "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.declareOperator({
      id: "a-liddell",
      name: "Alice",
      roles: ["line"],
      handles: { backstage: "user:default/alice" },
    });
    const { plan } = await importFile(path, { operators: floorplan.toPlan().operators });
    expect(plan.lines.find((line) => line.id === "ledger")?.owner).toBe("a-liddell");
    expect(plan.operators.map((operator) => operator.id)).not.toContain("alice");
    const result = await floorplan.applyPlan(plan, { mode: "merge", source: "backstage" });
    expect(result.warnings).toEqual([]);

    expect(floorplan.ownerOf("ledger")).toBe("a-liddell");
    expect(floorplan.ownerOf("checkout")).toBe("payments-team");
    expect(floorplan.linesOf("payments-team")).toEqual(["checkout", "fraud"]);
    const graph = floorplan.graph.graph;
    for (const [line, domain] of [
      ["checkout", "payments"],
      ["risk-scores", "payments"],
      ["web", "storefront"],
    ] as const) {
      expect(graph.hasEdge(edgeKey("partOf", `line:${line}`, `domain:${domain}`))).toBe(true);
    }
    expect(graph.hasEdge(edgeKey("partOf", "domain:payments", "product:shop"))).toBe(true);
    expect(graph.hasEdge(edgeKey("partOf", "domain:storefront", "product:shop"))).toBe(true);
    expect(floorplan.dependencies("web").map((reached) => [reached.line, reached.depth])).toEqual([
      ["checkout", 1],
      ["ledger", 2],
      ["fraud", 2],
      ["risk-scores", 3],
    ]);
    const dependsOn = graph.getEdgeAttributes(edgeKey("dependsOn", "line:fraud", "line:risk-scores"));
    expect(dependsOn.provenance.source).toBe("backstage");
    expect(
      graph.getEdgeAttributes(edgeKey("owns", "operator:a-liddell", "line:ledger")).provenance.source,
    ).toBe("backstage");

    const again = await floorplan.applyPlan(
      (await importFile(path, { operators: floorplan.toPlan().operators })).plan,
      {
        mode: "merge",
        source: "backstage",
      },
    );
    expect(again.events).toEqual([]);
    await floorplan.close();
    await log.close();
  });
});

describe("importBackstage with malformed documents", () => {
  const BROKEN = `kind: Component
metadata: { name: first }
spec: { owner: alice }
---
kind: Component
metadata: { name: broken
spec: { owner: bob }
---
kind: Component
metadata: { name: wrong-shape }
spec:
  owner: carol
  dependsOn: first
---
kind: Component
metadata:
  title: Nameless
spec: { owner: dan }
---
kind: Component
metadata: { name: last }
spec: { owner: erin, dependsOn: [component:first] }
`;

  it("reports a YAML syntax error with the file, line and column inside its document, and imports the others", async () => {
    const path = catalogFile(BROKEN);
    const { plan, problems } = await importFile(path);
    expect(plan.lines.map((line) => line.id)).toEqual(["first", "last"]);
    expect(plan.lines[1]?.dependsOn.map((dependency) => dependency.line)).toEqual(["first"]);
    expect(problems[0]).toMatchObject({ code: "yaml", severity: "error", file: path, line: 7, column: 1 });
  });

  it("reports an entity of the wrong shape at the field that is wrong", async () => {
    const path = catalogFile(BROKEN);
    const { problems } = await importFile(path);
    expect(problems.slice(1)).toMatchObject([
      { code: "bad-entity", file: path, path: "spec.dependsOn", line: 13, column: 14 },
      { code: "bad-entity", file: path, path: "metadata.name", line: 17, column: 3 },
    ]);
    expect(problems[1]?.message).toMatch(/spec\.dependsOn: must be a list, not a string/);
  });
});

describe("importBackstage with names Backstage allows but a plan cannot hold twice", () => {
  it("gives an API named like a Component its own line and keeps one dependency per target, so the plan applies", async () => {
    const path = catalogFile(`kind: Component
metadata: { name: payments }
spec: { owner: alice }
---
kind: API
metadata: { name: payments }
spec: { owner: alice }
---
kind: Component
metadata: { name: web }
spec:
  owner: bob
  dependsOn: [component:payments, component:default/payments, api:payments, api:default/payments]
`);
    const { plan, problems } = await importFile(path);
    expect(problems).toEqual([]);
    expect(plan.lines.map((line) => line.id)).toEqual(["payments", "payments-api", "web"]);
    expect(plan.lines[2]?.dependsOn).toEqual([
      { line: "payments", kind: "library", criticality: "medium" },
      { line: "payments-api", kind: "api", criticality: "medium" },
    ]);
    const log = await openEventLog({ path: join(dirname(path), "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(plan, { mode: "merge", source: "backstage" });
    expect(floorplan.dependencies("web").map((reached) => reached.line)).toEqual([
      "payments",
      "payments-api",
    ]);
    await floorplan.close();
    await log.close();
  });
});

describe("importBackstage on a single-repo catalog-info.yaml whose System is declared elsewhere", () => {
  const SINGLE = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec:
  type: service
  owner: group:default/payments
  system: payments-system
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: payments-worker }
spec:
  owner: group:default/payments
  subcomponentOf: payments-api
`;

  it("declares a domain for the System with a warning naming the component at its file:line, and the plan applies", async () => {
    const path = catalogFile(SINGLE);
    const { plan, problems } = await importFile(path);
    expect(plan.domains).toEqual([{ id: "payments-system", name: "payments-system" }]);
    expect(plan.lines.map((line) => [line.id, line.domain])).toEqual([
      ["payments-api", "payments-system"],
      ["payments-worker", "payments-system"],
    ]);
    expect(problems).toEqual([
      expect.objectContaining({
        code: "unknown-system",
        severity: "warning",
        file: path,
        line: 8,
        column: 11,
        message: expect.stringContaining("payments-api is part of system payments-system"),
      }),
    ]);
    const log = await openEventLog({ path: join(dirname(path), "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(plan, { mode: "merge", source: "backstage" });
    expect(floorplan.line("payments-worker")?.domain).toBe("payments-system");
    await floorplan.close();
    await log.close();
  });

  it("uses a domain the floor plan already has, keeping its name, with no warning", async () => {
    const path = catalogFile(SINGLE);
    const known = [{ id: "payments-system", name: "Payments" }];
    const { plan, problems } = await importFile(path, { domains: known });
    expect(problems).toEqual([]);
    expect(plan.domains).toEqual([]);
    const log = await openEventLog({ path: join(dirname(path), "factory.db"), events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.declareDomain(known[0] as (typeof known)[number]);
    await floorplan.applyPlan(plan, { mode: "merge", source: "backstage" });
    expect(floorplan.toPlan().domains).toEqual([
      expect.objectContaining({ id: "payments-system", name: "Payments" }),
    ]);
    await floorplan.close();
    await log.close();
  });

  it("reports the errors of a plan it could not make valid instead of returning it with no problems", async () => {
    const path = catalogFile(`kind: System
metadata: { name: Payments }
---
kind: System
metadata: { name: payments }
---
kind: Component
metadata: { name: checkout }
spec: { owner: alice, system: payments }
`);
    const { problems } = await importFile(path);
    expect(problems).toEqual([
      expect.objectContaining({ code: "duplicate-id", severity: "error", file: path }),
    ]);
  });
});

describe("importBackstage warnings for references the catalog lacks", () => {
  it("gives a reference to a Component the catalog lacks its file:line", async () => {
    const path = catalogFile(`kind: Component
metadata: { name: web }
spec:
  owner: bob
  dependsOn: [resource:db, component:ghost]
`);
    const { problems } = await importFile(path);
    expect(problems).toEqual([
      expect.objectContaining({ code: "unknown-entity", file: path, line: 5, column: 28 }),
    ]);
  });
});
