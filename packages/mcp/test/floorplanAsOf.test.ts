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

/**
 * payments is ana's from 2026-03-01T09:00Z; from 2026-03-10T09:00Z it is bo's and checkout
 * depends on it. A work item on payments is in flight now.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-floorplan-as-of-"));
  const clock = manualClock("2026-03-01T09:00:00.000Z");
  const factory = await openFactory({ dir, actor: "ana", clock });
  try {
    const operators = [{ id: "ana" }, { id: "bo" }];
    const payments = { id: "payments", description: "Cards", paths: ["/src/payments/"] };
    await factory.floorplan.applyPlan({ operators, lines: [{ ...payments, owner: "ana" }] });
    clock.set("2026-03-10T09:00:00.000Z");
    const checkout = { id: "checkout", description: "Cart", owner: "bo", paths: ["/src/checkout/"] };
    await factory.floorplan.applyPlan({
      operators,
      lines: [
        { ...payments, owner: "bo" },
        { ...checkout, dependsOn: ["payments"] },
      ],
    });
    await factory.work.createWorkItem({ line: "payments", title: "Refunds in two steps" });
  } finally {
    await factory.close();
  }
  client = await connectToServer("floorplan-as-of-test", ["--dir", dir, "--actor", "agent"]);
});

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("impact_of_change asOf", () => {
  it("answers with the dependents the plan had at the instant, and says the instant", async () => {
    const then = await callTool(client, "impact_of_change", {
      paths: ["src/payments/refund.ts"],
      asOf: "2026-03-05",
    });
    expect(then.structuredContent).toEqual({
      changed: [{ line: "payments", owner: "ana", paths: ["src/payments/refund.ts"] }],
      unclaimedPaths: [],
      affected: [],
      notify: [{ operator: "ana", changed: ["payments"], affected: [], criticality: "high" }],
      asOf: "2026-03-05T00:00:00.000Z",
    });
    const later = await callTool(client, "impact_of_change", {
      lines: ["payments"],
      asOf: "2026-03-10T09:00:00Z",
    });
    expect(later.structuredContent).toMatchObject({
      changed: [{ line: "payments", owner: "bo" }],
      affected: [{ line: "checkout", distance: 1 }],
      asOf: "2026-03-10T09:00:00.000Z",
    });
    const now = await callTool(client, "impact_of_change", { lines: ["payments"] });
    expect(now.structuredContent).toMatchObject({ affected: [{ line: "checkout" }] });
    expect(now.structuredContent).not.toHaveProperty("asOf");
  });

  it("refuses a line the plan did not have then, naming the instant", async () => {
    const then = await callTool(client, "impact_of_change", { lines: ["checkout"], asOf: "2026-03-05" });
    expect(then.isError).toBe(true);
    expect(then.content[0]?.text).toContain(
      'E_NOT_FOUND: lines[0]: no line "checkout" in the floor plan as of 2026-03-05T00:00:00.000Z',
    );
  });

  it("refuses an instant it cannot read as E_VALIDATION naming asOf", async () => {
    const bad = await callTool(client, "impact_of_change", { lines: ["payments"], asOf: "March 1st" });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]?.text).toContain(
      "E_VALIDATION: impact_of_change input is invalid: asOf: expected an ISO date (2026-03-01)",
    );
  });
});

describe("get_line asOf", () => {
  it("answers with the line's owner and neighbours at the instant, without its work now", async () => {
    const then = await callTool(client, "get_line", { id: "payments", asOf: "2026-03-05" });
    expect(then.structuredContent).toMatchObject({
      id: "payments",
      owner: "ana",
      dependsOn: [],
      dependents: [],
      omitted: { dependsOn: 0, dependents: 0 },
      asOf: "2026-03-05T00:00:00.000Z",
    });
    expect(then.structuredContent).not.toHaveProperty("activeWork");
    expect(then.structuredContent?.omitted).not.toHaveProperty("activeWork");
    const now = await callTool(client, "get_line", { id: "payments" });
    expect(now.structuredContent).toMatchObject({
      owner: "bo",
      dependents: [{ line: "checkout", depth: 1 }],
      activeWork: [{ title: "Refunds in two steps" }],
      omitted: { dependsOn: 0, dependents: 0, activeWork: 0 },
    });
    expect(now.structuredContent).not.toHaveProperty("asOf");
  });

  it("refuses a line the plan did not have then, naming the instant", async () => {
    const then = await callTool(client, "get_line", { id: "checkout", asOf: "2026-03-05" });
    expect(then.isError).toBe(true);
    expect(then.content[0]?.text).toContain(
      'E_NOT_FOUND: id: no line "checkout" in the floor plan as of 2026-03-05T00:00:00.000Z',
    );
  });

  it("refuses an instant it cannot read as E_VALIDATION naming asOf", async () => {
    const bad = await callTool(client, "get_line", { id: "payments", asOf: "March 1st" });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]?.text).toContain(
      "E_VALIDATION: get_line input is invalid: asOf: expected an ISO date (2026-03-01)",
    );
  });
});
