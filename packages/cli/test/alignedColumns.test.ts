/**
 * The rows of `work list`, `check`, `floorplan`, `impact`, `deployment list`
 * and `incident list` stay aligned when a value is longer than its column's
 * usual width (a 42-character line id, a 32-character owner, a 35-character
 * rule id, a 25-character environment): the column widens to fit.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

const LONG_LINE = "a-really-long-line-identifier-that-goes-on";
const LONG_OWNER = "a-very-long-operator-name-indeed";
const PLAN = `version: 1
product: { id: shop }
operators: [{ id: ${LONG_OWNER} }, { id: bo }]
lines:
  - { id: ${LONG_LINE}, owner: ${LONG_OWNER}, paths: [/long/] }
  - { id: cart, owner: bo, paths: [/cart/], description: The cart, dependsOn: [{ line: ${LONG_LINE} }] }
`;

let cwd: string;
const factory = async (...args: string[]) => {
  const run = await runFactory(args, { cwd });
  expect(run.stderr).toBe("");
  return run.stdout.split("\n").filter((row) => row !== "");
};

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-aligned-columns-"));
  writeFileSync(join(cwd, "factory.yaml"), PLAN);
  await factory("init", "--plan", "factory.yaml");
  await factory("work", "create", "--line", LONG_LINE, "First");
  const [created = ""] = await factory("work", "create", "--line", "cart", "Second");
  const id = /wi_\w+/.exec(created)?.[0] ?? "";
  await factory(
    "work",
    "artifact",
    id,
    "--kind",
    "requirement",
    "--title",
    "Pay",
    "--fields",
    '{"body":"x"}',
  );
  // Its incident names it: one naming only the line would warn that the line has no production deployment.
  const [staged] = await factory(
    "deployment",
    "record",
    "--line",
    LONG_LINE,
    "--environment",
    "staging-eu-central-canary",
    "--deployed-version",
    "v1",
  );
  await factory("deployment", "record", "--line", "cart", "--deployed-version", "v1");
  await factory(
    "incident",
    "open",
    "--deployment",
    /^recorded (dep_\S+)/.exec(staged ?? "")?.[1] ?? "",
    "Slow",
  );
  await factory("incident", "open", "--line", "cart", "Down");
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("list rows with a value longer than its column", () => {
  it("work list starts each column at the same place in every row", async () => {
    const rows = await factory("work", "list");
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.indexOf(" intake ")))).toHaveProperty("size", 1);
    expect(rows[0]?.indexOf("First")).toBe(rows[1]?.indexOf("Second"));
  });

  it("check starts the targets at the same place in every finding", async () => {
    const rows = (await runFactory(["check"], { cwd })).stdout
      .split("\n")
      .filter((row) => /^(error|warning)/.test(row));
    const rules = rows.map((row) => row.split(/ +/)[1] ?? "");
    expect(rules).toContain("line-has-description");
    expect(rules).toContain("requirement-has-acceptance-criteria");
    expect(new Set(rows.map((row) => /(line|artifact):/.exec(row)?.index))).toHaveProperty("size", 1);
  });

  it("floorplan starts the owners and the paths at the same place on every line", async () => {
    const rows = (await factory("floorplan")).filter((row) => row.includes(" owner "));
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.indexOf(" owner ")))).toHaveProperty("size", 1);
    expect(new Set(rows.map((row) => row.indexOf(" /")))).toHaveProperty("size", 1);
  });

  it("impact starts the criticality and owner columns at the same place in every row", async () => {
    const rows = (await factory("impact", "--line", LONG_LINE)).filter((row) => /^ {2}\S/.test(row));
    const changed = rows.filter(
      (row) => !row.includes("changed:") && (row.startsWith(`  ${LONG_LINE} `) || row.startsWith("  cart ")),
    );
    expect(changed).toHaveLength(2);
    expect(new Set(changed.map((row) => /^ {2}\S+ +/.exec(row)?.[0].length))).toHaveProperty("size", 1);
    const notify = rows.filter((row) => row.includes("changed:"));
    expect(notify).toHaveLength(2);
    expect(new Set(notify.map((row) => /^ {2}\S+ +/.exec(row)?.[0].length))).toHaveProperty("size", 1);
  });

  it("deployment list and incident list start each column at the same place in every row", async () => {
    const deployments = await factory("deployment", "list");
    expect(deployments).toHaveLength(2);
    expect(new Set(deployments.map((row) => row.indexOf("succeeded")))).toHaveProperty("size", 1);
    expect(new Set(deployments.map((row) => row.indexOf(" v1")))).toHaveProperty("size", 1);
    const incidents = await factory("incident", "list");
    expect(incidents).toHaveLength(2);
    expect(incidents[0]?.indexOf("Slow")).toBe(incidents[1]?.indexOf("Down"));
  });
});
