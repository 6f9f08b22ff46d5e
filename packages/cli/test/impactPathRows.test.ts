/**
 * `factory impact` prints each changed path on a row of its own, under the
 * line that claims it or under `unclaimed paths:`, as it prints the affected
 * lines and the owners to notify: thirty paths are thirty rows, not one line
 * running off the screen. `--json` keeps them as lists.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-impact-rows-"));
  writeFileSync(
    join(cwd, "factory.yaml"),
    [
      "version: 1",
      "operators: [{ id: ana }, { id: bo }]",
      "lines:",
      "  - { id: checkout, owner: ana, paths: [/checkout/], dependsOn: [payments] }",
      "  - { id: payments, owner: bo, paths: [/payments/] }",
      "",
    ].join("\n"),
  );
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const CLAIMED = ["payments/refund.ts", "payments/card.ts"];
const UNCLAIMED = ["docs/a.md", "docs/b.md", "tools/c.sh"];

describe("factory impact paths", () => {
  it("prints each changed path on its own row, under its line or under unclaimed paths", async () => {
    const impact = await factory("impact", ...CLAIMED, ...UNCLAIMED);
    expect(impact.code).toBe(0);
    expect(impact.stdout.split("\n").slice(0, 8)).toEqual([
      "changed",
      `  ${"payments".padEnd(20)} owner bo`,
      "    payments/refund.ts",
      "    payments/card.ts",
      "  unclaimed paths:",
      "    docs/a.md",
      "    docs/b.md",
      "    tools/c.sh",
    ]);
    expect(impact.stdout).toContain("\naffected\n");
  });

  it("gives the same paths as lists in --json", async () => {
    const impact = await factory("impact", ...CLAIMED, ...UNCLAIMED, "--json");
    expect(impact.code).toBe(0);
    const report = JSON.parse(impact.stdout);
    expect(report.changed).toEqual([{ line: "payments", owner: "bo", paths: CLAIMED }]);
    expect(report.unclaimedPaths).toEqual(UNCLAIMED);
  });
});
