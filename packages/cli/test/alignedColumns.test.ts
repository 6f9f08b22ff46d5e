/**
 * The rows of `work list`, `check` and `floorplan` stay aligned when a value
 * is longer than its column's usual width (a 42-character line id, a
 * 32-character owner, a 35-character rule id): the column widens to fit.
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
  - { id: cart, owner: bo, paths: [/cart/], description: The cart }
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
});
