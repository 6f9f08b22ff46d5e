import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { manualClock } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, connectToServer } from "./fixtures.js";

let dir: string;
let client: Client;

/** checkout is ana's from 2026-03-01T09:00Z, bo's from 2026-03-10T09:00Z; payments is added then too. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-who-owns-as-of-"));
  const clock = manualClock("2026-03-01T09:00:00.000Z");
  const factory = await openFactory({ dir, actor: "ana", clock });
  try {
    const checkout = { id: "checkout", description: "Cart and payment", paths: ["/src/checkout/"] };
    const operators = [{ id: "ana" }, { id: "bo" }];
    await factory.floorplan.applyPlan({ operators, lines: [{ ...checkout, owner: "ana" }] });
    clock.set("2026-03-10T09:00:00.000Z");
    const payments = { id: "payments", description: "Cards", owner: "bo", paths: ["/src/payments/"] };
    await factory.floorplan.applyPlan({ operators, lines: [{ ...checkout, owner: "bo" }, payments] });
  } finally {
    await factory.close();
  }
  client = await connectToServer("who-owns-as-of-test", ["--dir", dir, "--actor", "agent"]);
});

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("who_owns asOf", () => {
  it("answers with the owner a path's line had at the instant, and says the instant", async () => {
    const before = await callTool(client, "who_owns", { paths: ["src/checkout/pay.ts"], asOf: "2026-03-05" });
    expect(before.structuredContent).toEqual({
      paths: [{ path: "src/checkout/pay.ts", line: "checkout", pattern: "/src/checkout/", owner: "ana" }],
      unclaimedPaths: [],
      asOf: "2026-03-05T00:00:00.000Z",
    });
    const after = await callTool(client, "who_owns", {
      paths: ["src/checkout/pay.ts"],
      line: "checkout",
      asOf: "2026-03-10T09:00:00Z",
    });
    expect(after.structuredContent).toMatchObject({
      paths: [{ line: "checkout", owner: "bo" }],
      line: { id: "checkout", owner: "bo" },
      asOf: "2026-03-10T09:00:00.000Z",
    });
    const now = await callTool(client, "who_owns", { line: "checkout" });
    expect(now.structuredContent).toEqual({
      paths: [],
      unclaimedPaths: [],
      line: { id: "checkout", owner: "bo", contributors: [] },
    });
  });

  it("refuses a line the plan did not have then, naming the instant", async () => {
    const then = await callTool(client, "who_owns", { line: "payments", asOf: "2026-03-05" });
    expect(then.isError).toBe(true);
    expect(then.content[0]?.text).toContain(
      'E_NOT_FOUND: line: no line "payments" in the floor plan as of 2026-03-05T00:00:00.000Z',
    );
  });

  it("refuses an instant it cannot read as E_VALIDATION naming asOf", async () => {
    const bad = await callTool(client, "who_owns", { paths: ["src/checkout/pay.ts"], asOf: "March 1st" });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]?.text).toContain(
      "E_VALIDATION: who_owns input is invalid: asOf: expected an ISO date (2026-03-01)",
    );
  });
});
