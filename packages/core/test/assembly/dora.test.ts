import { type AssemblyLine, NotFoundError, ValidationError } from "@software-factory/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory } from "./fixtures/factory.js";

/**
 * A scripted day of deployments, hour by hour from h0 = 2026-03-02 09:00 UTC;
 * the expected values are worked out by hand.
 *
 *   h0  items P, Q (line checkout) and R (line search) created
 *   h1  P's change set; h2 Q's; h3 R's
 *   h5  D1 ships P (succeeded)                       lead time P: 4 h
 *   h10 D2 ships Q (succeeded)                       lead time Q: 8 h
 *   h11 incident I1 caused by D2; h12 incident I2 caused by D2
 *   h14 D3 remediates I1 and I2 (unplanned: rework)
 *   h15 I1 resolved; h17 I2 resolved                 D2 recovered after 7 h
 *   h20 D4 ships R and fails                          R not in production: no lead time
 *   h22 D5 succeeds (no items)                        D4 recovered after 2 h
 *   h23 D6 ships P to staging (not counted)
 */
const H0 = Date.parse("2026-03-02T09:00:00Z");
const HOUR = 3_600_000;
const week = { from: new Date(H0), to: new Date(H0 + 7 * 24 * HOUR) };

let factory: TestFactory;
let line: AssemblyLine;

beforeAll(async () => {
  factory = await openTestFactory();
  line = factory.line;
  const at = (hour: number) => factory.clock.set(H0 + hour * HOUR);
  const [p, q, r] = [
    await line.createWorkItem({ line: "checkout", title: "P", flow: "tiny" }),
    await line.createWorkItem({ line: "checkout", title: "Q", flow: "tiny" }),
    await line.createWorkItem({ line: "search", title: "R", flow: "tiny" }),
  ];
  for (const [hour, item] of [
    [1, p],
    [2, q],
    [3, r],
  ] as const) {
    at(hour);
    await line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: item.id });
  }
  at(5);
  await line.recordDeployment({ workItems: [p.id] });
  at(10);
  const d2 = await line.recordDeployment({ workItems: [q.id] });
  at(11);
  const i1 = await line.openIncident({ title: "5xx on pay", deployment: d2 });
  at(12);
  const i2 = await line.openIncident({ title: "slow pay", deployment: d2 });
  at(14);
  await line.recordDeployment({ remediates: [i1, i2] });
  at(15);
  await line.resolveIncident(i1);
  at(17);
  await line.resolveIncident(i2);
  at(20);
  await line.recordDeployment({ workItems: [r.id], status: "failed" });
  at(22);
  await line.recordDeployment({ version: "v1" });
  at(23);
  await line.recordDeployment({ workItems: [p.id], environment: "staging" });
  // A scripted history is many writes; give it time on a loaded machine.
}, 180_000);
afterAll(async () => {
  await factory?.close();
});

describe("DORA measures", () => {
  it("computes the five measures over production deployments", async () => {
    const { dora } = await line.measures(week);
    expect(dora).toEqual({
      deployments: 5,
      deploymentsPerWeek: 5,
      changeLeadTimeHours: { p50: 4, p85: 8, count: 2 }, // 4, 8 (R's only deployment failed)
      changeFailRate: 2 / 5, // D2 (two incidents, counted once) and D4 (failed)
      failedDeploymentRecoveryHours: { p50: 2, p85: 7, count: 2 }, // D4 2 h, D2 7 h
      deploymentReworkRate: 1 / 5, // D3
    });
  });

  it("scopes deployments to a line's work and its remediations", async () => {
    const checkout = await line.measures({ ...week, line: "checkout" });
    // D1, D2 ship checkout items; D3 remediates D2's incidents.
    expect(checkout.dora).toMatchObject({
      deployments: 3,
      changeFailRate: 1 / 3,
      deploymentReworkRate: 1 / 3,
    });
    expect(checkout.dora?.changeLeadTimeHours).toEqual({ p50: 4, p85: 8, count: 2 });
  });

  it("is null when no deployment falls in the window", async () => {
    const before = await line.measures({ from: new Date(H0 - 24 * HOUR), to: new Date(H0) });
    expect(before.dora).toBeNull();
  });

  it("refuses deployments of unknown items and incidents of unknown deployments", async () => {
    await expect(line.recordDeployment({ workItems: ["wi_nope"] })).rejects.toThrow(
      /workItems\[0\]: unknown work item/,
    );
    await expect(line.openIncident({ title: "x", deployment: "dep_nope" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(line.resolveIncident("inc_nope")).rejects.toBeInstanceOf(NotFoundError);
  });
});
