/**
 * Idempotency keys on deployments and incidents: a CI step run again with the
 * same key records its deployment once (the DORA measures count it once),
 * from any process; the key reused for other input or another write is an
 * IdempotencyConflictError naming what differs. An incident resolves once.
 */
import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { conflict, openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

async function count(type: string): Promise<number> {
  return (await factory.log.read({ types: [type] })).length;
}

describe("recording a deployment with an idempotency key", () => {
  it("returns the first deployment to a retry, here and from another process, and counts it once", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "P", flow: "tiny" });
    const deploy = { workItems: [item.id] };
    const first = await factory.line.recordDeployment(deploy, { idempotencyKey: "pipeline-7" });

    expect(await factory.line.recordDeployment(deploy, { idempotencyKey: "pipeline-7" })).toBe(first);
    const { line: other } = await factory.reopen();
    expect(await other.recordDeployment(deploy, { idempotencyKey: "pipeline-7" })).toBe(first);
    expect(await count("deployment.recorded")).toBe(1);
    const week = { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-08T00:00:00Z") };
    expect((await factory.line.measures(week)).dora?.deployments).toBe(1);

    expect(await factory.line.recordDeployment(deploy, { idempotencyKey: "pipeline-8" })).not.toBe(first);
    expect(await count("deployment.recorded")).toBe(2);
  });

  it("records one deployment when two processes retry the same key at once", async () => {
    factory = await openTestFactory();
    const { line: other } = await factory.reopen();
    const ids = await Promise.all([
      factory.line.recordDeployment({ version: "v1" }, { idempotencyKey: "pipeline-9" }),
      other.recordDeployment({ version: "v1" }, { idempotencyKey: "pipeline-9" }),
      factory.line.recordDeployment({ version: "v1" }, { idempotencyKey: "pipeline-9" }),
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(await count("deployment.recorded")).toBe(1);
  });

  it("refuses the key for a different deployment or another write, naming it, and writes nothing", async () => {
    factory = await openTestFactory();
    const first = await factory.line.recordDeployment({ version: "v1" }, { idempotencyKey: "k1" });

    const other = await conflict(
      factory.line.recordDeployment(
        { environment: "staging", status: "failed", version: "v1" },
        { idempotencyKey: "k1" },
      ),
    );
    expect(other).toMatchObject({ code: "E_IDEMPOTENCY_CONFLICT", key: "k1" });
    expect(other.message).toBe(
      `idempotency key "k1" was already used to record deployment ${first} with a different environment, status; use a new key`,
    );
    const incident = await conflict(
      factory.line.openIncident({ title: "Checkout down" }, { idempotencyKey: "k1" }),
    );
    expect(incident.message).toContain(
      `was already used to record deployment ${first}, not to open incident`,
    );
    const signal = await factory.line.captureSignal(
      { text: "Slow", source: "support" },
      { idempotencyKey: "k2" },
    );
    const deploy = await conflict(factory.line.recordDeployment({ version: "v1" }, { idempotencyKey: "k2" }));
    expect(deploy.message).toContain(
      `was already used to capture signal ${signal.id}, not to record deployment`,
    );
    expect(await count("deployment.recorded")).toBe(1);
    expect(await count("incident.opened")).toBe(0);
    await expect(
      factory.line.recordDeployment({ version: "v1" }, { idempotencyKey: "" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("opening and resolving an incident", () => {
  it("opens an incident once per key, and resolves it once", async () => {
    factory = await openTestFactory();
    const deployment = await factory.line.recordDeployment({ version: "v1" });
    const opened = { title: "Checkout down", severity: "critical", deployment } as const;
    const first = await factory.line.openIncident(opened, { idempotencyKey: "pager-1" });
    expect(await factory.line.openIncident(opened, { idempotencyKey: "pager-1" })).toBe(first);
    const differs = await conflict(
      factory.line.openIncident({ ...opened, severity: "low" }, { idempotencyKey: "pager-1" }),
    );
    expect(differs.message).toContain(`open incident ${first} with a different severity`);
    expect(await count("incident.opened")).toBe(1);

    const { line: other } = await factory.reopen();
    await Promise.all([
      factory.line.resolveIncident(first, { note: "rolled back" }),
      other.resolveIncident(first, { note: "rolled back too" }),
    ]);
    await factory.line.resolveIncident(first);
    expect(await count("incident.resolved")).toBe(1);
  });
});

describe("reading deployments and incidents", () => {
  it("reads each as recorded, with its first resolution, here and in another process after a refresh", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "P", flow: "tiny" });
    const shipped = await factory.line.recordDeployment({ workItems: [item.id] });
    const staged = await factory.line.recordDeployment({
      environment: "staging",
      status: "failed",
      version: "v1",
    });
    const incident = await factory.line.openIncident({ title: "Checkout down", deployment: shipped });
    const open = await factory.line.openIncident({ title: "Search slow", severity: "low" });
    factory.clock.set(Date.parse("2026-03-02T10:30:00Z"));
    await factory.line.resolveIncident(incident, { note: "rolled back" });

    expect(factory.line.deployment(shipped)).toEqual({
      id: shipped,
      environment: "production",
      status: "succeeded",
      workItems: [item.id],
      remediates: [],
      recordedAt: "2026-03-02T09:00:00.000Z",
      recordedBy: "alice",
    });
    expect(factory.line.deployments().map((deployment) => deployment.id)).toEqual([shipped, staged]);
    expect(factory.line.deployments({ environment: "staging" }).map((deployment) => deployment.id)).toEqual([
      staged,
    ]);
    expect(factory.line.deployment("dep_nope")).toBeUndefined();
    expect(factory.line.incident(incident)).toMatchObject({
      title: "Checkout down",
      severity: "high",
      deployment: shipped,
      resolvedAt: "2026-03-02T10:30:00.000Z",
      resolvedBy: "alice",
      resolution: "rolled back",
    });
    expect(factory.line.incidents({ open: true }).map((one) => one.id)).toEqual([open]);
    expect(factory.line.incidents({ open: false }).map((one) => one.id)).toEqual([incident]);

    const { line: other } = await factory.reopen();
    await other.refresh();
    expect(other.incidents()).toEqual(factory.line.incidents());
    expect(other.deployments()).toEqual(factory.line.deployments());
  });
});
