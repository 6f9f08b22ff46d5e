import {
  type AssemblyLine,
  ClosedError,
  ConcurrencyConflictError,
  WorkAdvanced,
  type WorkItem,
} from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** What each settled call gave: the item's stage, or the error's tag. */
function outcomes(results: PromiseSettledResult<WorkItem>[]): string[] {
  return results.map((result) =>
    result.status === "fulfilled" ? result.value.stage : (result.reason as { _tag: string })._tag,
  );
}

/** An item of the tiny flow in implementation, with a change set and passing test evidence. */
async function readyToLeaveImplementation(line: AssemblyLine): Promise<WorkItem> {
  const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
  const moved = await line.advance(item.id);
  expect(moved.stage).toBe("implementation");
  await line.recordArtifact({ kind: "changeSet", title: "cs", workItem: item.id, fields: changeSet });
  await line.recordArtifact({ kind: "testEvidence", title: "ci", workItem: item.id, fields: testRun() });
  return line.get(item.id) as WorkItem;
}

describe("moves of one item called at once", () => {
  it("moves an item one stage when advance is called twice at once in one process", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const item = await readyToLeaveImplementation(line);

    const results = await Promise.allSettled([line.advance(item.id), line.advance(item.id)]);

    expect(outcomes(results)).toEqual(["testing", "ConcurrencyConflictError"]);
    const rejected = results[1] as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConcurrencyConflictError);
    expect(rejected.reason).toMatchObject({ expected: item.version, actual: item.version + 1 });
    expect(line.get(item.id)).toMatchObject({ stage: "testing", version: item.version + 1 });
    const advances = (await log.read({ types: [WorkAdvanced.type] })).filter(WorkAdvanced.is);
    expect(advances.map((event) => event.data.to)).toEqual(["implementation", "testing"]);
  });

  it("lets one of three advances called at once from intake win, and fails the other two", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });

    const results = await Promise.allSettled([
      line.advance(item.id),
      line.advance(item.id),
      line.advance(item.id),
    ]);

    const stages = outcomes(results);
    expect(stages.filter((stage) => stage === "implementation")).toHaveLength(1);
    expect(stages.filter((stage) => stage === "ConcurrencyConflictError")).toHaveLength(2);
    expect(line.get(item.id)).toMatchObject({ stage: "implementation", version: 2 });
  });

  it("lets exactly one of two calls of each move win when both start from the same version", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const owners = ["ben", "sam"];
    /** Each move: an item it can be made on, and the call. */
    const moves: Record<
      string,
      { prepare: (item: WorkItem) => Promise<unknown>; call: (id: string) => Promise<WorkItem> }
    > = {
      sendBack: {
        prepare: (item) => line.advance(item.id),
        call: (id) => line.sendBack(id, { reason: "unclear", cause: "defect" }),
      },
      block: { prepare: async () => undefined, call: (id) => line.block(id, { reason: "waiting on legal" }) },
      unblock: {
        prepare: (item) => line.block(item.id, { reason: "waiting on legal" }),
        call: (id) => line.unblock(id),
      },
      drop: { prepare: async () => undefined, call: (id) => line.drop(id, { reason: "not needed" }) },
      // Two owners: the same owner twice is no conflict, the second call changes nothing and writes nothing.
      assign: { prepare: async () => undefined, call: (id) => line.assign(id, { owner: owners.shift() }) },
    };
    for (const [name, { prepare, call }] of Object.entries(moves)) {
      const created = await line.createWorkItem({ line: "checkout", title: name, flow: "tiny" });
      await prepare(created);
      const item = line.get(created.id) as WorkItem;

      const results = await Promise.allSettled([call(item.id), call(item.id)]);

      expect(
        results.map((result) => result.status),
        name,
      ).toEqual(["fulfilled", "rejected"]);
      expect((results[1] as PromiseRejectedResult).reason, name).toBeInstanceOf(ConcurrencyConflictError);
      expect(line.get(item.id)?.version, name).toBe(item.version + 1);
    }
  });

  it("lets exactly one of two logs on one SQLite file advance an item both called at once", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await readyToLeaveImplementation(line);
    const { line: other } = await factory.reopen();
    expect(other.get(item.id)?.version).toBe(item.version);

    const results = await Promise.allSettled([line.advance(item.id), other.advance(item.id)]);

    const stages = outcomes(results);
    expect(stages.filter((stage) => stage === "testing")).toHaveLength(1);
    expect(stages.filter((stage) => stage === "ConcurrencyConflictError")).toHaveLength(1);
    await Promise.all([line.refresh(), other.refresh()]);
    expect(line.get(item.id)).toMatchObject({ stage: "testing", version: item.version + 1 });
    expect(other.get(item.id)).toMatchObject({ stage: "testing", version: item.version + 1 });
  });

  it("still moves an item step by step when each call waits for the one before", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await readyToLeaveImplementation(line);
    await line.advance(item.id);
    expect(await line.advance(item.id)).toMatchObject({ stage: "release", version: item.version + 2 });
  });

  it("returns the first result to a call retried with its idempotency key while the first is in flight", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await readyToLeaveImplementation(line);
    const key = "advance-once-7f3a";
    const results = await Promise.all([
      line.advance(item.id, { idempotencyKey: key }),
      line.advance(item.id, { idempotencyKey: key }),
    ]);
    expect(results.map((moved) => moved.stage)).toEqual(["testing", "testing"]);
    expect(line.get(item.id)?.version).toBe(item.version + 1);
  });
});

describe("an assembly line after close", () => {
  it("refuses reads and moves with ClosedError", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await line.close();

    expect(() => line.get(item.id)).toThrow(ClosedError);
    expect(() => line.list()).toThrow(ClosedError);
    expect(() => line.suspectLinks()).toThrow(ClosedError);
    const error = await line.advance(item.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClosedError);
    expect(error).toMatchObject({ code: "E_CLOSED", message: "the assembly line is closed" });
    const stored = (await factory.log.read({ types: [WorkAdvanced.type] })).filter(WorkAdvanced.is);
    expect(stored).toHaveLength(0);
  });
});
