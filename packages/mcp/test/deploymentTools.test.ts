/**
 * `record_deployment`, `open_incident` and `resolve_incident`: the SDK's
 * deployment and incident writes over MCP, and the DORA measures
 * `get_metrics` computes from them. A real client over stdio to the built
 * `factory-mcp`, on a real SQLite factory. The DORA flow works on the
 * payments line only and reads payments' measures; the other tests use
 * checkout.
 */
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

interface Deployment {
  id: string;
  environment: string;
  status: string;
  workItems: string[];
  remediates: string[];
  recordedAt: string;
}

interface Incident {
  id: string;
  deployment?: string;
  openedAt: string;
  resolvedAt?: string;
  resolvedBy?: string;
  note?: string;
  alreadyResolved?: boolean;
}

const server = useSeededServer("deployment-tools-test");
const { call, refused } = server;

/** A tool's answer that must not be an error (checked). */
async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

/** A new work item on a line, made with create_work_item; answers its id. */
async function createItem(line: string, title: string): Promise<string> {
  return (await ok("create_work_item", { line, title })).id as string;
}

/** The DORA measures of a line over the last 30 days, as get_metrics answers them. */
async function doraOf(line: string): Promise<Record<string, unknown> | null> {
  return (await ok("get_metrics", { line })).dora as Record<string, unknown> | null;
}

describe("record_deployment, open_incident and resolve_incident", () => {
  it("record_deployment answers the deployment it recorded, to production by default", async () => {
    const item = await createItem("checkout", "Pay by link");

    const deployment = await ok("record_deployment", { workItems: [item] });

    expect(deployment).toEqual({
      id: expect.stringMatching(/^dep_/),
      environment: "production",
      status: "succeeded",
      workItems: [item],
      remediates: [],
      recordedAt: expect.any(String),
      recordedBy: "agent",
      alreadyRecorded: false,
    });
  });

  it("open_incident answers the incident, blamed on the deployment named; resolve_incident its resolution", async () => {
    const deployment = (await ok("record_deployment", {
      environment: "staging",
      version: "v7",
    })) as unknown as Deployment;

    const opened = await ok("open_incident", {
      title: "Checkout returns 500",
      severity: "critical",
      deployment: deployment.id,
    });
    expect(opened).toEqual({
      id: expect.stringMatching(/^inc_/),
      title: "Checkout returns 500",
      severity: "critical",
      deployment: deployment.id,
      blamedOn: deployment.id,
      openedAt: expect.any(String),
      openedBy: "agent",
      alreadyOpened: false,
    });

    const resolved = await ok("resolve_incident", { id: opened.id, note: "rolled back" });
    expect(resolved).toEqual({
      ...opened,
      alreadyOpened: undefined,
      resolvedAt: expect.any(String),
      resolvedBy: "agent",
      note: "rolled back",
      alreadyResolved: false,
    });
    expect(Date.parse(resolved.resolvedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(opened.openedAt as string),
    );
  });

  it("open_incident without a deployment is high severity and names none", async () => {
    const opened = await ok("open_incident", { title: "Search is slow" });

    expect(opened).toMatchObject({ severity: "high", blamedOn: null });
    expect(opened).not.toHaveProperty("deployment");
    expect(opened).not.toHaveProperty("resolvedAt");
  });

  it("resolving a resolved incident is accepted, writes nothing and keeps the first resolution (as the SDK does)", async () => {
    const opened = (await ok("open_incident", { title: "Cart empties itself" })) as unknown as Incident;
    const first = (await ok("resolve_incident", {
      id: opened.id,
      note: "cache flushed",
    })) as unknown as Incident;

    const again = (await ok("resolve_incident", {
      id: opened.id,
      note: "really fixed",
    })) as unknown as Incident;

    expect(again).toEqual({ ...first, alreadyResolved: true });
    expect(again.note).toBe("cache flushed");
    const log = await openEventLog({ path: join(server.dir, "factory.db") });
    try {
      const resolutions = await log.read({ types: ["incident.resolved"], subjects: [opened.id] });
      expect(resolutions).toHaveLength(1);
    } finally {
      await log.close();
    }
  });
});

describe("the DORA measures of get_metrics", () => {
  it("reports the deployments, the failed change and its recovery, the lead time and the rework", async () => {
    expect(await doraOf("payments")).toBeNull();
    const item = await createItem("payments", "Refund by card");
    await ok("record_artifact", {
      id: "CHG-refund",
      kind: "changeSet",
      title: "Refund endpoint",
      fields: { commit: "1a2b3c4d", paths: ["src/payments/refund.ts"] },
      workItem: item,
    });

    const shipped = (await ok("record_deployment", { workItems: [item] })) as unknown as Deployment;
    await ok("record_deployment", { workItems: [item], environment: "staging" });
    const incident = (await ok("open_incident", {
      title: "Refunds go to the wrong card",
      deployment: shipped.id,
    })) as unknown as Incident;

    const failing = await doraOf("payments");
    expect(failing).toMatchObject({
      deployments: 1,
      changeFailRate: 1,
      changeLeadTimeHours: { count: 1 },
      failedDeploymentRecoveryHours: { count: 0 },
      deploymentReworkRate: 0,
    });

    await ok("record_deployment", { remediates: [incident.id] });
    await ok("resolve_incident", { id: incident.id, note: "fix deployed" });

    const recovered = await doraOf("payments");
    expect(recovered).toMatchObject({
      deployments: 2,
      changeFailRate: 0.5,
      changeLeadTimeHours: { count: 1 },
      failedDeploymentRecoveryHours: { count: 1 },
      deploymentReworkRate: 0.5,
    });
  });
});

describe("refusals of record_deployment, open_incident and resolve_incident", () => {
  it("refuses unknown work items, incidents and deployments with E_NOT_FOUND naming the argument, and records nothing", async () => {
    const item = await createItem("checkout", "Pay with points");
    const before = await doraOf("checkout");

    expect(await refused("record_deployment", { workItems: [item, "wi_nope"] })).toBe(
      'E_NOT_FOUND: workItems[1]: no work item "wi_nope"; list_work lists them',
    );
    expect(await refused("record_deployment", { workItems: [item], remediates: ["inc_nope"] })).toBe(
      'E_NOT_FOUND: remediates[0]: no incident "inc_nope"; open_incident gives incident ids',
    );
    expect(await refused("open_incident", { title: "Broken", deployment: "dep_nope" })).toBe(
      'E_NOT_FOUND: deployment: no deployment "dep_nope"; record_deployment gives deployment ids',
    );
    expect(await refused("resolve_incident", { id: "inc_nope" })).toBe(
      'E_NOT_FOUND: id: no incident "inc_nope"; open_incident gives incident ids',
    );

    expect(await doraOf("checkout")).toEqual(before);
  });

  it("refuses malformed arguments with E_VALIDATION naming them", async () => {
    expect(await refused("record_deployment", { status: "rolledBack" })).toMatch(
      /^E_VALIDATION: record_deployment input is invalid: status: /,
    );
    expect(await refused("record_deployment", { environment: "" })).toMatch(
      /^E_VALIDATION: record_deployment input is invalid: environment: /,
    );
    expect(await refused("record_deployment", { workItems: "wi_1" })).toMatch(
      /^E_VALIDATION: record_deployment input is invalid: workItems: /,
    );
    expect(await refused("open_incident", {})).toMatch(
      /^E_VALIDATION: open_incident input is invalid: title: /,
    );
    expect(await refused("open_incident", { title: "Broken", severity: "urgent" })).toMatch(
      /^E_VALIDATION: open_incident input is invalid: severity: /,
    );
    expect(await refused("resolve_incident", { id: "inc_1", note: "n".repeat(2001) })).toMatch(
      /^E_VALIDATION: resolve_incident input is invalid: note: /,
    );
    expect(await refused("record_deployment", { idempotencyKey: "" })).toMatch(
      /^E_VALIDATION: record_deployment input is invalid: idempotencyKey: /,
    );
    expect(await refused("open_incident", { title: "Broken", idempotencyKey: "k".repeat(201) })).toMatch(
      /^E_VALIDATION: open_incident input is invalid: idempotencyKey: /,
    );
  });
});

describe("record_deployment and open_incident with an idempotency key", () => {
  it("answer a retry with the first call's deployment and incident, which the DORA measures count once", async () => {
    expect(await doraOf("search")).toBeNull();
    const item = await createItem("search", "Search by color");
    const deploy = { workItems: [item], idempotencyKey: "pipeline-41" };

    const first = (await ok("record_deployment", deploy)) as unknown as Deployment;
    expect(await ok("record_deployment", deploy)).toEqual({ ...first, alreadyRecorded: true });
    const incident = { title: "Search returns nothing", deployment: first.id, idempotencyKey: "pager-7" };
    const opened = await ok("open_incident", incident);
    expect(await ok("open_incident", incident)).toEqual({ ...opened, alreadyOpened: true });

    expect(await doraOf("search")).toMatchObject({ deployments: 1, changeFailRate: 1 });
  });

  it("refuse the key reused with other arguments or for another write with E_IDEMPOTENCY_CONFLICT", async () => {
    const deploy = { environment: "staging", version: "v8", idempotencyKey: "pipeline-50" };
    const first = (await ok("record_deployment", deploy)) as unknown as Deployment;

    expect(await refused("record_deployment", { ...deploy, status: "failed" })).toBe(
      `E_IDEMPOTENCY_CONFLICT: idempotency key "pipeline-50" was already used to record deployment ${first.id} with a different status; use a new key`,
    );
    expect(await refused("open_incident", { title: "Staging down", idempotencyKey: "pipeline-50" })).toBe(
      `E_IDEMPOTENCY_CONFLICT: idempotency key "pipeline-50" was already used to record deployment ${first.id}, not to open incident; use a new key`,
    );
    expect(await ok("record_deployment", deploy)).toEqual({ ...first, alreadyRecorded: true });
  });
});

describe("deployments and incidents on a line: record_deployment, open_incident, list_deployments, list_incidents", () => {
  it("record and list them by line, newest first, and get_metrics counts a line's incident against its latest deployment", async () => {
    const before = await doraOf("payments");
    const count = (before?.deployments as number | undefined) ?? 0;
    const failed = count * ((before?.changeFailRate as number | undefined) ?? 0);

    const deployment = await ok("record_deployment", { line: "payments", version: "v9.1.0" });
    expect(deployment).toMatchObject({ line: "payments", version: "v9.1.0", environment: "production" });
    const onLine = await ok("open_incident", { title: "Refunds stall", line: "payments" });
    expect(onLine).toMatchObject({ line: "payments" });
    expect(onLine).not.toHaveProperty("deployment");
    const caused = await ok("open_incident", { title: "Refunds doubled", deployment: deployment.id });
    expect(caused).toMatchObject({ deployment: deployment.id, line: "payments" });
    await ok("resolve_incident", { id: caused.id });

    expect(await ok("list_deployments", { line: "payments" })).toEqual({
      items: [{ ...deployment, alreadyRecorded: undefined }],
    });
    const firstPage = await ok("list_incidents", { line: "payments", limit: 1 });
    expect(firstPage).toEqual({ items: [expect.objectContaining({ id: caused.id })], nextCursor: "1" });
    expect(await ok("list_incidents", { line: "payments", open: true })).toEqual({
      items: [{ ...onLine, alreadyOpened: undefined }],
    });
    expect(await ok("get_metrics", { line: "payments" })).toMatchObject({
      dora: { deployments: count + 1, changeFailRate: (failed + 1) / (count + 1) },
    });
  });

  it("refuse an unknown line with E_NOT_FOUND and a malformed line or version with E_VALIDATION, recording nothing", async () => {
    const before = await ok("list_deployments", {});

    expect(await refused("record_deployment", { line: "ghost" })).toBe(
      'E_NOT_FOUND: line: no line "ghost" in the floor plan (factory://floorplan lists them)',
    );
    expect(await refused("open_incident", { title: "Down", line: "ghost" })).toBe(
      'E_NOT_FOUND: line: no line "ghost" in the floor plan (factory://floorplan lists them)',
    );
    expect(await refused("list_incidents", { line: "ghost" })).toMatch(/^E_NOT_FOUND: line: no line "ghost"/);
    expect(await refused("record_deployment", { line: "two words" })).toMatch(
      /^E_VALIDATION: record_deployment input is invalid: line: /,
    );
    expect(await refused("record_deployment", { version: "v1\nv2" })).toBe(
      "E_VALIDATION: record_deployment input is invalid: version: version must be one line, without control characters",
    );
    expect(await refused("record_deployment", { version: "v".repeat(201) })).toMatch(
      /^E_VALIDATION: record_deployment input is invalid: version: version is at most 200 characters/,
    );

    expect(await ok("list_deployments", {})).toEqual(before);
  });
});
