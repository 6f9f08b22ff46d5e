import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;

/** payments is ana's from 2026-03-01T09:00Z; from 2026-03-10T09:00Z checkout (bo's) depends on it. */
beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-impact-as-of-"));
  const clock = manualClock("2026-03-01T09:00:00.000Z");
  const factory = await openFactory({ dir: join(cwd, ".factory"), actor: "ana", clock });
  try {
    const operators = [{ id: "ana" }, { id: "bo" }];
    const payments = { id: "payments", description: "Cards", owner: "ana", paths: ["/src/payments/"] };
    await factory.floorplan.applyPlan({ operators, lines: [payments] });
    clock.set("2026-03-10T09:00:00.000Z");
    const checkout = { id: "checkout", description: "Cart", owner: "bo", paths: ["/src/checkout/"] };
    await factory.floorplan.applyPlan({
      operators,
      lines: [payments, { ...checkout, dependsOn: ["payments"] }],
    });
  } finally {
    await factory.close();
  }
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const impact = (...args: string[]) => runFactory(["--dir", ".factory", "impact", ...args], { cwd });

describe("factory impact --as-of", () => {
  it("answers with the dependents the plan had at the instant, and the instant used in JSON", async () => {
    const then = await impact("src/payments/refund.ts", "--as-of", "2026-03-05", "--json");
    expect(then.code).toBe(0);
    expect(JSON.parse(then.stdout)).toEqual({
      changed: [{ line: "payments", owner: "ana", paths: ["src/payments/refund.ts"] }],
      unclaimedPaths: [],
      affected: [],
      notify: [{ operator: "ana", changed: ["payments"], affected: [], criticality: "high" }],
      asOf: "2026-03-05T00:00:00.000Z",
    });
    const later = JSON.parse(
      (await impact("--line", "payments", "--as-of", "2026-03-10T10:00:00+01:00", "--json")).stdout,
    );
    expect(later.affected.map((entry: { line: string }) => entry.line)).toEqual(["checkout"]);
    expect(later.asOf).toBe("2026-03-10T09:00:00.000Z");
    const now = JSON.parse((await impact("--line", "payments", "--json")).stdout);
    expect(now.affected.map((entry: { line: string }) => entry.line)).toEqual(["checkout"]);
    expect(now).not.toHaveProperty("asOf");
  });

  it("says the instant in text before the report", async () => {
    const then = await impact("--line", "payments", "--as-of", "2026-03-05");
    expect(then.code).toBe(0);
    expect(then.stdout).toMatch(/^as of 2026-03-05T00:00:00\.000Z\nchanged\n {2}payments +owner ana\n/);
    expect(then.stdout).toContain("nothing depends on the changed lines");
  });

  it("refuses a --line the plan did not have then as E_NOT_FOUND naming the instant", async () => {
    const then = await impact("--line", "checkout", "--as-of", "2026-03-05");
    expect(then.code).toBe(1);
    expect(then.stderr).toContain(
      'E_NOT_FOUND: --line: no line "checkout" in the floor plan as of 2026-03-05T00:00:00.000Z',
    );
    expect(then.stdout).toBe("");
  });

  it("refuses an instant it cannot read as a usage error naming --as-of (exit 2)", async () => {
    const bad = await impact("--line", "payments", "--as-of", "March 1st");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: E_USAGE: --as-of: expected an ISO date (2026-03-01)");
    expect(bad.stderr).toContain('(got "March 1st")');
    expect(bad.stdout).toBe("");
  });
});
