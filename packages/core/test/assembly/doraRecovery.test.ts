import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory } from "./fixtures/factory.js";

const H0 = Date.parse("2026-03-02T09:00:00Z");
const HOUR = 3_600_000;
const week = { from: new Date(H0), to: new Date(H0 + 7 * 24 * HOUR) };

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("failed deployment recovery time", () => {
  it("ends at the next successful deployment of the failed one's line, not of another line", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const at = (hour: number) => clock.set(H0 + hour * HOUR);
    at(0);
    await line.recordDeployment({ line: "checkout", status: "failed" });
    at(1);
    await line.recordDeployment({ line: "search" }); // another line's release restores nothing of checkout
    at(4);
    await line.recordDeployment({ line: "checkout" });
    const recovery = { p50: 4, p85: 4, count: 1 };
    expect((await line.measures(week)).dora?.failedDeploymentRecoveryHours).toEqual(recovery);
    expect((await line.measures({ ...week, line: "checkout" })).dora?.failedDeploymentRecoveryHours).toEqual(
      recovery,
    );
  });

  it("still ends at a later success that names no line and ships nothing", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    clock.set(H0);
    await line.recordDeployment({ line: "checkout", status: "failed" });
    clock.set(H0 + 2 * HOUR);
    await line.recordDeployment({ version: "v1" });
    expect((await line.measures(week)).dora?.failedDeploymentRecoveryHours).toEqual({
      p50: 2,
      p85: 2,
      count: 1,
    });
  });

  it("never reads negative when an incident's resolution was stamped before it opened", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    clock.set(H0 + 5 * HOUR);
    const deployment = await line.recordDeployment({ line: "checkout" });
    clock.set(H0 + 6 * HOUR);
    const incident = await line.openIncident({ title: "Checkout down", deployment });
    clock.set(H0 + 2 * HOUR); // the resolving process's clock runs four hours behind
    await line.resolveIncident(incident);
    // Resolved no earlier than it opened: 1 h after the deployment, not -3 h.
    expect((await line.measures(week)).dora?.failedDeploymentRecoveryHours).toEqual({
      p50: 1,
      p85: 1,
      count: 1,
    });
  });

  it("reads zero, not negative, when an incident was stamped before the deployment it names", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    clock.set(H0 + 5 * HOUR);
    const deployment = await line.recordDeployment({ line: "checkout" });
    clock.set(H0 + 3 * HOUR); // the on-call's clock runs behind
    const incident = await line.openIncident({ title: "Checkout down", deployment });
    clock.set(H0 + 4 * HOUR);
    await line.resolveIncident(incident);
    expect((await line.measures(week)).dora?.failedDeploymentRecoveryHours).toEqual({
      p50: 0,
      p85: 0,
      count: 1,
    });
  });
});

describe("change lead time", () => {
  it("runs to the first successful deployment of the change, not a failed one", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    clock.set(H0);
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
    clock.set(H0 + HOUR);
    await line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: item.id });
    clock.set(H0 + 3 * HOUR);
    await line.recordDeployment({ workItems: [item.id], status: "failed" }); // never ran in production
    const failedOnly = await line.measures({ from: week.from, to: new Date(H0 + 4 * HOUR) });
    expect(failedOnly.dora?.changeLeadTimeHours).toEqual({ p50: null, p85: null, count: 0 });
    clock.set(H0 + 6 * HOUR);
    await line.recordDeployment({ workItems: [item.id] });
    expect((await line.measures(week)).dora?.changeLeadTimeHours).toEqual({ p50: 5, p85: 5, count: 1 });
  });
});
