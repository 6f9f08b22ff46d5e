import { type AssemblyLine, createHistoryFolder, measureAssembly } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { assemblyEvents, countWalks } from "./fixtures/historyWalks.js";

const H0 = Date.parse("2026-03-02T09:00:00Z");
const HOUR = 3_600_000;
const week = { from: new Date(H0), to: new Date(H0 + 7 * 24 * HOUR) };

let factory: TestFactory;
let line: AssemblyLine;

/**
 * Two lines' day: checkout ships P (h2) and Q (h4, which causes an incident
 * resolved at h6); search ships R (h3) and fails to ship S (h5).
 */
beforeEach(async () => {
  factory = await openTestFactory();
  line = factory.line;
  const at = (hour: number) => factory.clock.set(H0 + hour * HOUR);
  const [p, q, r, s] = [
    await line.createWorkItem({ line: "checkout", title: "P", flow: "tiny" }),
    await line.createWorkItem({ line: "checkout", title: "Q", flow: "tiny" }),
    await line.createWorkItem({ line: "search", title: "R", flow: "tiny" }),
    await line.createWorkItem({ line: "search", title: "S", flow: "tiny" }),
  ];
  at(1);
  for (const item of [p, q, r, s])
    await line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: item.id });
  at(2);
  await line.recordDeployment({ workItems: [p.id] });
  at(3);
  await line.recordDeployment({ workItems: [r.id] });
  at(4);
  const q4 = await line.recordDeployment({ workItems: [q.id] });
  at(5);
  const incident = await line.openIncident({ title: "5xx on pay", deployment: q4 });
  await line.recordDeployment({ workItems: [s.id], status: "failed" });
  at(6);
  await line.resolveIncident(incident);
}, 120_000);
afterEach(async () => {
  await factory?.close();
});

describe("DORA measures of one line after another", () => {
  it("reads each line's share without walking every deployment and incident again", async () => {
    const folder = createHistoryFolder();
    for (const event of await assemblyEvents(factory.log)) folder.apply(event);
    const history = folder.history;
    const first = measureAssembly(history, { ...week, line: "checkout" });
    const counter = countWalks([history.deployments, history.incidents]);
    const checkout = measureAssembly(history, { ...week, line: "checkout" });
    const search = measureAssembly(history, { ...week, line: "search" });
    expect(counter.walks).toBe(0);
    expect(checkout.dora).toEqual(first.dora);
    expect(checkout.dora).toMatchObject({ deployments: 2, changeFailRate: 1 / 2 });
    expect(checkout.dora?.failedDeploymentRecoveryHours).toEqual({ p50: 2, p85: 2, count: 1 });
    expect(search.dora).toMatchObject({ deployments: 2, changeFailRate: 1 / 2 });
    expect(search.dora?.changeLeadTimeHours).toEqual({ p50: 2, p85: 2, count: 1 });
  });

  it("counts what was recorded after the last measure: a work item, a deployment, an incident", async () => {
    const before = await line.measures({ ...week, line: "search" });
    expect(before.dora).toMatchObject({ deployments: 2, changeFailRate: 1 / 2 });
    factory.clock.set(H0 + 8 * HOUR);
    const t = await line.createWorkItem({ line: "search", title: "T", flow: "tiny" });
    await line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: t.id });
    factory.clock.set(H0 + 10 * HOUR);
    const t10 = await line.recordDeployment({ workItems: [t.id] });
    factory.clock.set(H0 + 11 * HOUR);
    await line.openIncident({ title: "search down", deployment: t10 });
    const after = await line.measures({ ...week, line: "search" });
    // R (h3), S failed (h5), T (h10, caused an incident still open): two of three failed.
    expect(after.dora).toMatchObject({ deployments: 3, changeFailRate: 2 / 3 });
    expect(after.dora?.changeLeadTimeHours).toEqual({ p50: 2, p85: 2, count: 2 });
    // S's recovery is now T, 5 h later; T's open incident leaves it unrecovered.
    expect(after.dora?.failedDeploymentRecoveryHours).toEqual({ p50: 5, p85: 5, count: 1 });
  });
});
