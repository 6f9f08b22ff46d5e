/**
 * `factory import backstage` on catalogs as Backstage users write them:
 * several documents, a Location, a trailing `---`, and a document that does not parse.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the CLI a few times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-catalogs-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The factory's log head: how many events it holds. */
async function events(): Promise<number> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    return await log.head();
  } finally {
    await log.close();
  }
}

const CART = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cart
  description: Keeps the basket
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
`;

const BROKEN = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: pricing
spec:
  owner: [payments
`;

it(
  "refuses a catalog with a document that does not parse whole: nothing merged, no factory created",
  SLOW,
  async () => {
    writeFileSync(join(cwd, "catalog-info.yaml"), `${CART}---\n${BROKEN}`);
    const refused = await factory("import", "backstage", "catalog-info.yaml");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("catalog-info.yaml:17:1 error");
    // Told as plan check tells a YAML error: its kind, the first line of the parser's message, a fix.
    expect(refused.stdout.split("\n")[0]).toMatch(
      /^catalog-info\.yaml:17:1 error YAML [a-z ]+: .* \[\(root\)\]; fix: fix the YAML syntax/,
    );
    expect(refused.stdout).not.toContain("at line 17, column 1");
    expect(refused.stdout).toContain("nothing merged into the floor plan");
    expect(existsSync(join(cwd, ".factory"))).toBe(false);

    expect((await factory("init")).code).toBe(0);
    const before = await events();
    expect((await factory("import", "backstage", "catalog-info.yaml")).code).toBe(1);
    expect(await events()).toBe(before);
  },
);

it("leaves the --out file as it was when the catalog is refused", SLOW, async () => {
  writeFileSync(join(cwd, "catalog-info.yaml"), CART);
  expect((await factory("import", "backstage", "catalog-info.yaml", "--out", "proposed.yaml")).code).toBe(0);
  const proposed = readFileSync(join(cwd, "proposed.yaml"), "utf8");
  expect(proposed).toContain("id: cart");

  writeFileSync(join(cwd, "catalog-info.yaml"), `${CART}---\n${BROKEN}`);
  const refused = await factory("import", "backstage", "catalog-info.yaml", "--out", "proposed.yaml");
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain("catalog-info.yaml:17:1 error");
  expect(refused.stdout).toContain(
    "catalog-info.yaml: nothing written to proposed.yaml (fix the errors above and import again)",
  );
  expect(readFileSync(join(cwd, "proposed.yaml"), "utf8")).toBe(proposed);
  const json = await factory("import", "backstage", "catalog-info.yaml", "--out", "proposed.yaml", "--json");
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).not.toHaveProperty("written");
  expect(existsSync(join(cwd, ".factory"))).toBe(false);
});

it("warns that a Location's targets are not read, and ignores a trailing ---", SLOW, async () => {
  writeFileSync(
    join(cwd, "catalog-info.yaml"),
    `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: acme
spec:
  targets:
    - ./services/*/catalog-info.yaml
---
${CART}---
`,
  );
  const imported = await factory("import", "backstage", "catalog-info.yaml", "--json");
  expect(imported.code).toBe(0);
  const report = JSON.parse(imported.stdout) as {
    lines: number;
    problems: { code: string; line?: number }[];
  };
  expect(report.lines).toBe(1);
  expect(report.problems).toMatchObject([{ code: "location-not-followed", line: 7 }]);
});
