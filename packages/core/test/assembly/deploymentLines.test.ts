/**
 * Deployments and incidents on a line of the floor plan, and deployments with
 * a version: recorded and read back, listed by line, refused (with nothing
 * written) when the line is unknown or malformed or the version malformed,
 * read from logs written before they named either, and measured per line.
 */
import { type LineDirectory, NotFoundError, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { conflict, openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** A floor plan that knows the checkout and search lines. */
const lines: LineDirectory = {
  ownerOf: () => undefined,
  wipLimitOf: () => undefined,
  hasLine: (line) => line === "checkout" || line === "search",
};

/** The error a call is refused with; fails the test when it resolves. */
async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("deployments and incidents on a line", () => {
  it("records a deployment's line and version and an incident's line, reads them back and lists them by line", async () => {
    factory = await openTestFactory({ lines });
    const { line } = factory;

    const shipped = await line.recordDeployment({ line: "checkout", version: " v2.4.1 " });
    const staged = await line.recordDeployment({ line: "checkout", environment: "staging" });
    const search = await line.recordDeployment({ line: "search", version: "9f1c2ab" });
    const unnamed = await line.recordDeployment({ version: "v1" });
    const caused = await line.openIncident({ title: "Pay fails", deployment: shipped });
    const named = await line.openIncident({ title: "Search slow", line: "search" });
    const elsewhere = await line.openIncident({ title: "Odd", deployment: shipped, line: "search" });
    const loose = await line.openIncident({ title: "Something" });
    await line.resolveIncident(caused);

    expect(line.deployment(shipped)).toMatchObject({ line: "checkout", version: "v2.4.1" });
    expect(line.deployment(staged)).toMatchObject({ line: "checkout", version: undefined });
    expect(line.deployment(unnamed)).toMatchObject({ line: undefined, version: "v1" });
    const ids = (records: readonly { id: string }[]) => records.map((record) => record.id);
    expect(ids(line.deployments({ line: "checkout" }))).toEqual([shipped, staged]);
    expect(ids(line.deployments({ line: "checkout", environment: "production" }))).toEqual([shipped]);
    expect(ids(line.deployments({ line: "search" }))).toEqual([search]);
    expect(ids(line.deployments())).toEqual([shipped, staged, search, unnamed]);

    // An incident that names no line is on its deployment's; one that names a line is on that one.
    expect(line.incident(caused)?.line).toBe("checkout");
    expect(line.incident(elsewhere)?.line).toBe("search");
    expect(line.incident(loose)?.line).toBeUndefined();
    expect(ids(line.incidents({ line: "checkout" }))).toEqual([caused]);
    expect(ids(line.incidents({ line: "search" }))).toEqual([named, elsewhere]);
    expect(ids(line.incidents({ line: "search", open: true }))).toEqual([named, elsewhere]);
    expect(ids(line.incidents({ line: "checkout", open: true }))).toEqual([]);
    expect(ids(line.incidents({ open: true }))).toEqual([named, elsewhere, loose]);
  });

  it("refuses an unknown line, a malformed line or version with a message naming the field, and writes nothing", async () => {
    factory = await openTestFactory({ lines });
    const { line, log } = factory;
    const before = await log.head();

    const ghost = await refusal(line.recordDeployment({ line: "ghost" }));
    expect(ghost).toBeInstanceOf(NotFoundError);
    expect(ghost).toMatchObject({ entity: "line", id: "ghost", field: "line" });
    expect(ghost.message).toBe(
      'deployment: line names an unknown line "ghost"; declare it in the floor plan first',
    );
    const ghostIncident = await refusal(line.openIncident({ title: "Down", line: "ghost" }));
    expect(ghostIncident).toBeInstanceOf(NotFoundError);
    expect(ghostIncident.message).toBe(
      'incident: line names an unknown line "ghost"; declare it in the floor plan first',
    );

    const malformed: [Promise<unknown>, string][] = [
      [line.recordDeployment({ line: "two words" }), "deployment is invalid: line: line id must be"],
      [line.recordDeployment({ version: "  " }), "deployment is invalid: version: version must not be empty"],
      [
        line.recordDeployment({ version: "v1\nrm -rf" }),
        "deployment is invalid: version: version must be one line, without control characters",
      ],
      [
        line.recordDeployment({ version: "v".repeat(201) }),
        "deployment is invalid: version: version is at most 200 characters",
      ],
      [line.openIncident({ title: "Down", line: "" }), "incident is invalid: line: line id must be"],
    ];
    for (const [call, message] of malformed) {
      const error = await refusal(call);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(message);
    }
    expect(await log.head()).toBe(before);
    expect(await line.recordDeployment({ version: "v".repeat(200) })).toMatch(/^dep_/);
  });

  it("refuses an idempotency key retried with another line or version, naming them", async () => {
    factory = await openTestFactory({ lines });
    const first = await factory.line.recordDeployment(
      { line: "checkout", version: "v1" },
      { idempotencyKey: "ci-1" },
    );

    const other = await conflict(
      factory.line.recordDeployment({ line: "search", version: "v2" }, { idempotencyKey: "ci-1" }),
    );
    expect(other.message).toBe(
      `idempotency key "ci-1" was already used to record deployment ${first} with a different line, version; use a new key`,
    );
  });

  it("reads deployments and incidents written before they named a line or a version", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "P", flow: "tiny" });
    // As a writer of an older version appended them: no line, no version.
    const [old] = await factory.log.append([
      {
        type: "deployment.recorded",
        subject: "dep_old",
        data: { environment: "production", status: "succeeded", workItems: [item.id] },
      },
      {
        type: "incident.opened",
        subject: "inc_old",
        data: { title: "Old", severity: "high", deployment: "dep_old" },
      },
    ]);
    expect(old?.seq).toBeGreaterThan(0);
    const { line } = await factory.reopen();
    const fresh = await line.recordDeployment({ line: "checkout" });

    expect(line.deployment("dep_old")).toMatchObject({
      workItems: [item.id],
      line: undefined,
      version: undefined,
    });
    expect(line.incident("inc_old")).toMatchObject({ deployment: "dep_old", line: undefined });
    // Listing by line finds the deployments that name it; the measures also count the old one by its work item.
    expect(line.deployments({ line: "checkout" }).map((d) => d.id)).toEqual([fresh]);
    const week = { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-08T00:00:00Z") };
    expect((await line.measures({ ...week, line: "checkout" })).dora).toMatchObject({
      deployments: 2,
      changeFailRate: 1 / 2,
    });
  });
});

describe("DORA measures of one line", () => {
  it("count the deployments naming the line, the incidents on it, and their remediations", async () => {
    factory = await openTestFactory({ lines });
    const { line, clock } = factory;
    const H0 = Date.parse("2026-03-02T09:00:00Z");
    const HOUR = 3_600_000;
    const at = (hour: number) => clock.set(H0 + hour * HOUR);
    const week = { from: new Date(H0), to: new Date(H0 + 7 * 24 * HOUR) };

    at(1);
    await line.recordDeployment({ line: "checkout", version: "v1" });
    at(2);
    await line.recordDeployment({ line: "search" });
    at(3);
    await line.recordDeployment({ line: "checkout", version: "v2" });
    at(4);
    // Names no deployment: counts against checkout's latest before it, v2.
    const incident = await line.openIncident({ title: "Pay fails", line: "checkout" });
    at(5);
    await line.recordDeployment({ line: "search", remediates: [] });
    at(6);
    await line.recordDeployment({ remediates: [incident] });
    at(9);
    await line.resolveIncident(incident);

    const checkout = (await line.measures({ ...week, line: "checkout" })).dora;
    // v1, v2 and the fix of checkout's incident; v2 failed and recovered in 6 h.
    expect(checkout).toMatchObject({
      deployments: 3,
      changeFailRate: 1 / 3,
      deploymentReworkRate: 1 / 3,
      failedDeploymentRecoveryHours: { p50: 6, count: 1 },
    });
    expect((await line.measures({ ...week, line: "search" })).dora).toMatchObject({
      deployments: 2,
      changeFailRate: 0,
      deploymentReworkRate: 0,
    });
    expect((await line.measures(week)).dora).toMatchObject({ deployments: 5, changeFailRate: 1 / 5 });
  });
});
