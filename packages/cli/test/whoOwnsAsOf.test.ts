import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;

/** checkout is ana's from 2026-03-01T09:00Z, bo's from 2026-03-10T09:00Z. */
beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-who-owns-as-of-"));
  const clock = manualClock("2026-03-01T09:00:00.000Z");
  const factory = await openFactory({ dir: join(cwd, ".factory"), actor: "ana", clock });
  try {
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }, { id: "bo" }],
      lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
    });
    clock.set("2026-03-10T09:00:00.000Z");
    await factory.floorplan.assignOwner("checkout", "bo");
  } finally {
    await factory.close();
  }
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const whoOwns = (...args: string[]) =>
  runFactory(["--dir", ".factory", "who-owns", "src/checkout/pay.ts", ...args], { cwd });

describe("factory who-owns --as-of", () => {
  it("names the owner the line had at the instant, and the instant used in JSON", async () => {
    const before = await whoOwns("--as-of", "2026-03-05", "--json");
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout)).toEqual([
      { path: "src/checkout/pay.ts", line: "checkout", owner: "ana", asOf: "2026-03-05T00:00:00.000Z" },
    ]);
    const after = await whoOwns("--as-of", "2026-03-10T10:00:00+01:00", "--json");
    expect(JSON.parse(after.stdout)).toEqual([
      { path: "src/checkout/pay.ts", line: "checkout", owner: "bo", asOf: "2026-03-10T09:00:00.000Z" },
    ]);
    expect(JSON.parse((await whoOwns("--json")).stdout)).toEqual([
      { path: "src/checkout/pay.ts", line: "checkout", owner: "bo" },
    ]);
  });

  it("says the instant in text, and that no line claimed the path before the first plan (exit 1)", async () => {
    const then = await whoOwns("--as-of", "2026-03-05");
    expect(then.stdout).toBe(
      "as of 2026-03-05T00:00:00.000Z\nsrc/checkout/pay.ts  line checkout  owner ana\n",
    );
    const empty = await whoOwns("--as-of", "2026-02-01");
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain("src/checkout/pay.ts  no line claims this path");
  });

  it("refuses an instant it cannot read as a usage error naming --as-of (exit 2)", async () => {
    const bad = await whoOwns("--as-of", "March 1st");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: E_USAGE: --as-of: expected an ISO date (2026-03-01)");
    expect(bad.stderr).toContain('(got "March 1st")');
    expect(bad.stdout).toBe("");
  });
});
