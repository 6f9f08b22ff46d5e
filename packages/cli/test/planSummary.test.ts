/**
 * The last line of `factory plan check` and `factory plan apply` says what its
 * numbers count: the changes made (or, with `--dry-run`, that would be made)
 * to the floor plan, and the lines of the floor plan the file declares, not
 * the lines of the file's text.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-plan-summary-"));
  writeFileSync(
    join(cwd, "factory.yaml"),
    [
      "version: 1",
      "operators: [{ id: ana }]",
      "lines:",
      "  - { id: checkout, owner: ana, paths: [/checkout/], dependsOn: [payments] }",
      "  - { id: payments, owner: ana, paths: [/payments/] }",
      "",
    ].join("\n"),
  );
  expect((await factory("init")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory plan check and apply summaries", () => {
  it("count the lines the file declares, and the changes to the floor plan", async () => {
    const checked = await factory("plan", "check", "factory.yaml");
    expect(checked.stdout).toBe("factory.yaml is valid (2 lines declared, 0 warnings)\n");
    const changes = JSON.parse((await factory("plan", "apply", "factory.yaml", "--dry-run", "--json")).stdout)
      .changes as number;
    expect(changes).toBeGreaterThan(1);
    const dry = await factory("plan", "apply", "factory.yaml", "--dry-run");
    expect(dry.stdout).toBe(
      `factory.yaml: dry run: would make ${changes} changes to the floor plan, which would then have 2 lines\n`,
    );
    const applied = await factory("plan", "apply", "factory.yaml");
    expect(applied.stdout).toBe(
      `factory.yaml: applied ${changes} changes to the floor plan, which now has 2 lines\n`,
    );
  });
});
