/**
 * A display name (product, domain, line, operator) and a line's tag are one
 * line shown to people and agents (context packs, MCP, the CLI), as a work
 * item's title: a write refuses a control character or a bidi override in
 * them, naming the field and the place; the importers make such names one
 * line; what was stored before is still read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NewEvent, openEventLog, ValidationError } from "@software-factory/core";
import {
  codeownersToPlan,
  type FloorPlan,
  floorPlanEvents,
  importBackstage,
  importWorkspaces,
  openFloorPlan,
  PlanSchema,
  parseCodeowners,
  parseFactoryYaml,
  planOf,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";
import { shopPlanThenStoredBefore } from "./storedData.js";

const dirs: string[] = [];
const open: { floorplan: FloorPlan; close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const { close } of open.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-name-characters-"));
  dirs.push(dir);
  return dir;
}

/** The shop plan applied, then `stored` appended as an older version wrote it; the floor plan opened on the result. */
async function factoryWith(stored: readonly NewEvent[]) {
  const path = join(tempDir(), "factory.db");
  await shopPlanThenStoredBefore(path, stored);
  const log = await openEventLog({ path, events: floorPlanEvents });
  const floorplan = await openFloorPlan({ log });
  open.push({
    floorplan,
    close: async () => {
      await floorplan.close();
      await log.close();
    },
  });
  return { floorplan, log };
}

/** The message of the ValidationError a call throws or rejects with. */
async function refusal(call: () => unknown): Promise<string> {
  const error = await (async () => call())().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
}

describe("a floor plan's names and tags are one line", () => {
  it("are refused by the plan schema with a control character or a bidi override, naming the field and the place", async () => {
    const plan = shopPlan();
    const lines = [...(plan.lines ?? [])];
    lines[3] = { ...lines[3], id: "checkout", name: "Chec\nkout" };
    expect(await refusal(() => planOf({ ...plan, lines }))).toBe(
      "floor plan is invalid: lines[3].name: U+000A (line feed) at character 5 is not allowed in a line name",
    );
    const result = PlanSchema.safeParse({
      product: { id: "shop", name: "Shop\x1b[2J" },
      operators: [{ id: "alice", name: "Alice \u202eecilA" }],
      domains: [{ id: "commerce", name: "Com\tmerce" }],
      lines: [{ id: "cart", tags: ["pci", "customer\u2028facing"] }],
    });
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["product.name", "U+001B (escape) at character 5 is not allowed in a product name"],
      [
        "operators.0.name",
        "U+202E (right-to-left override) at character 7 is not allowed in an operator name",
      ],
      ["domains.0.name", "U+0009 (tab) at character 4 is not allowed in a domain name"],
      ["lines.0.tags.1", "U+2028 (line separator) at character 9 is not allowed in a tag"],
    ]);
    // Letters of any script, and a description of several lines, are kept.
    const kept = planOf({
      operators: [{ id: "yuki", name: "由紀 · Юки · يوكي" }],
      lines: [{ id: "cart", name: "Warenkorb", description: "Holds items.\n\tAnd totals." }],
    });
    expect(kept.operators[0]?.name).toBe("由紀 · Юки · يوكي");
  });

  it("are refused in factory.yaml at their file:line:column", async () => {
    const text = [
      "version: 1",
      "operators:",
      "  - id: alice",
      "lines:",
      "  - id: checkout",
      '    name: "Check\\tout"',
      "    owner: alice",
      "",
    ].join("\n");
    expect(await refusal(() => parseFactoryYaml(text, "factory.yaml"))).toContain(
      "factory.yaml:6:11 error U+0009 (tab) at character 6 is not allowed in a line name [lines[0].name]",
    );
  });

  it("are refused by add-line and applyPlan, which append nothing", async () => {
    const { floorplan, log } = await factoryWith([]);
    const head = await log.head();
    expect(
      await refusal(() => floorplan.declareLine({ id: "search", name: "Search\u2066", owner: "bob" })),
    ).toContain("line.name: U+2066 (left-to-right isolate) at character 7 is not allowed in a line name");
    expect(await refusal(() => floorplan.declareOperator({ id: "erin", name: "Erin\r\nAdmin" }))).toContain(
      "operator.name: U+000D (carriage return) at character 5 is not allowed in an operator name",
    );
    expect(
      await refusal(() =>
        floorplan.applyPlan({ ...shopPlan(), product: { id: "shop", name: "\u202dShop" } }),
      ),
    ).toContain(
      "product.name: U+202D (left-to-right override) at character 1 is not allowed in a product name",
    );
    expect(await log.head()).toBe(head);
  });
});

describe("names and tags stored before they were one line", () => {
  const provenance = { source: "factory.yaml" };
  /** A line `catalog` as an older version stored it: a name with a tab, a tag with a newline. */
  const oddCatalog: NewEvent = {
    type: "floorplan.line.declared",
    subject: "catalog",
    data: {
      id: "catalog",
      name: "Cata\tlog",
      domain: "commerce",
      paths: ["/packages/catalog/"],
      tags: ["pci\nlevel-1"],
      knowledge: [],
      wipLimit: 2,
      order: 0,
      provenance,
    },
  };
  const oddOperator: NewEvent = {
    type: "floorplan.operator.declared",
    subject: "erin",
    data: { id: "erin", name: "Erin \u202enimdA", roles: ["line"], handles: {}, provenance },
  };

  it("are read as stored, and edits beside them are taken with a warning", async () => {
    const { floorplan } = await factoryWith([oddCatalog, oddOperator]);
    expect(floorplan.line("catalog")).toMatchObject({ name: "Cata\tlog", tags: ["pci\nlevel-1"] });
    expect(floorplan.toPlan().operators.find((operator) => operator.id === "erin")?.name).toBe(
      "Erin \u202enimdA",
    );
    const declared = await floorplan.declareLine({ id: "search", owner: "erin", dependsOn: ["catalog"] });
    expect(declared.changes).toBeGreaterThan(0);
    expect(declared.warnings.map((warning) => [warning.path, warning.severity])).toEqual([
      ["operators[4].name", "warning"],
      ["lines[0].name", "warning"],
      ["lines[0].tags[0]", "warning"],
    ]);
    await floorplan.assignOwner("catalog", "erin");
    expect(floorplan.ownerOf("catalog")).toBe("erin");
  });

  it("refuse, saying why, an edit that must record an imported line holding them again", async () => {
    const imported = {
      ...oddCatalog,
      data: { ...(oddCatalog.data as object), provenance: { source: "backstage" } },
    };
    const { floorplan, log } = await factoryWith([imported]);
    const head = await log.head();
    const error = await floorplan.assignOwner("catalog", "bob").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((issue) => issue.path)).toEqual(["lines[0].name", "lines[0].tags[0]"]);
    for (const issue of issues)
      expect(issue).toMatchObject({ hint: expect.stringContaining('records line "catalog" again') });
    expect(await log.head()).toBe(head);
  });

  it("are refused when a declaration states them again, and replaced by one that makes them one line", async () => {
    const { floorplan } = await factoryWith([oddCatalog]);
    const again = { id: "catalog", name: "Cata\tlog", owner: "carol", domain: "commerce" };
    expect(await refusal(() => floorplan.declareLine(again))).toContain(
      "line.name: U+0009 (tab) at character 5 is not allowed in a line name",
    );
    await floorplan.declareLine({ ...again, name: "Catalog", paths: ["/packages/catalog/"] });
    expect(floorplan.line("catalog")).toMatchObject({ name: "Catalog", tags: [] });
  });
});

describe("the floor plan importers make names one line", () => {
  it("titles Backstage entities, CODEOWNERS lines and workspace packages one line, keeping paths and handles as written", async () => {
    const catalog = [
      "apiVersion: backstage.io/v1alpha1",
      "kind: Component",
      "metadata:",
      "  name: checkout",
      '  title: "Check\\tout \\u202eflow"',
      "spec:",
      "  type: service",
      "  owner: group:payments",
      "---",
      "apiVersion: backstage.io/v1alpha1",
      "kind: Group",
      "metadata:",
      "  name: payments",
      "spec:",
      "  type: team",
      "  profile:",
      '    displayName: "Pay\\nments"',
      "",
    ].join("\n");
    const imported = importBackstage(catalog, "catalog-info.yaml");
    expect(imported.problems).toEqual([]);
    expect(imported.plan.lines.map((line) => line.name)).toEqual(["Check out flow"]);
    expect(imported.plan.operators).toMatchObject([
      { id: "payments", name: "Pay ments", handles: { backstage: "group:default/payments" } },
    ]);
    expect(() => planOf(imported.plan)).not.toThrow();

    const rules = parseCodeowners("/docs/\u202etxt.md @acme/docs\n").rules;
    const codeowners = codeownersToPlan(rules);
    expect(codeowners.lines[0]).toMatchObject({ name: "/docs/txt.md", paths: ["/docs/\u202etxt.md"] });
    expect(() => planOf(codeowners)).not.toThrow();

    const root = tempDir();
    writeFileSync(join(root, "package.json"), JSON.stringify({ private: true, workspaces: ["packages/*"] }));
    mkdirSync(join(root, "packages", "cart"), { recursive: true });
    writeFileSync(
      join(root, "packages", "cart", "package.json"),
      JSON.stringify({ name: "cart\u2067kit", keywords: ["pci"] }),
    );
    const workspaces = await importWorkspaces(root);
    expect(workspaces.lines.map((line) => line.name)).toEqual(["cartkit"]);
    expect(() => planOf(workspaces)).not.toThrow();
  });
});
