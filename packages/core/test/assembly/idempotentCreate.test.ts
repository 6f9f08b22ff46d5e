import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { IdempotencyConflictError, WorkAdvanced, WorkCreated } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { spawnFixture, waitForExit, waitForOutput } from "../fixtures/runChild.js";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const request = { line: "tax", title: "VAT for Norway", kind: "feature" } as const;

async function created(): Promise<number> {
  return (await factory.log.read({ types: [WorkCreated.type] })).length;
}

async function conflict(promise: Promise<unknown>): Promise<IdempotencyConflictError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IdempotencyConflictError);
  return error as IdempotencyConflictError;
}

describe("creating a work item with an idempotency key", () => {
  it("returns the first call's item to a retry in the same process and writes nothing", async () => {
    factory = await openTestFactory();
    const first = await factory.line.createWorkItem(request, { idempotencyKey: "req-42" });
    const head = await factory.log.head();

    const retried = await factory.line.createWorkItem(request, { idempotencyKey: "req-42" });

    expect(retried).toEqual(first);
    expect(await factory.log.head()).toBe(head);
    expect(await created()).toBe(1);
  });

  it("returns the first call's item to a retry from another log on the same file", async () => {
    factory = await openTestFactory();
    const first = await factory.line.createWorkItem(request, { idempotencyKey: "req-42" });
    await factory.line.advance(first.id);
    const { line: reopened } = await factory.reopen();

    const retried = await reopened.createWorkItem(request, { idempotencyKey: "req-42" });

    expect(retried).toMatchObject({ id: first.id, stage: "requirements", version: 2 });
    expect(await created()).toBe(1);
  });

  it("returns the first item to a retry that names the owner the line gave it", async () => {
    factory = await openTestFactory({ lines: { ownerOf: () => "alice", wipLimitOf: () => undefined } });
    const first = await factory.line.createWorkItem(request, { idempotencyKey: "req-42" });

    const retried = await factory.line.createWorkItem(
      { ...request, owner: "alice" },
      { idempotencyKey: "req-42" },
    );

    expect(retried.id).toBe(first.id);
  });

  it("refuses the key for a different item, naming the key and the fields that differ", async () => {
    factory = await openTestFactory();
    const first = await factory.line.createWorkItem(request, { idempotencyKey: "req-42" });

    const error = await conflict(
      factory.line.createWorkItem(
        { ...request, title: "VAT for Sweden", kind: "bug" },
        { idempotencyKey: "req-42" },
      ),
    );

    expect(error).toMatchObject({ code: "E_IDEMPOTENCY_CONFLICT", key: "req-42" });
    expect(error.message).toContain('idempotency key "req-42"');
    expect(error.message).toContain(`create work item ${first.id} with a different title, kind`);
    expect(await created()).toBe(1);
  });

  it("refuses a key used to move an item for a creation, and a creation's key for a move", async () => {
    factory = await openTestFactory();
    const moved = await factory.line.createWorkItem(request);
    await factory.line.advance(moved.id, { idempotencyKey: "move-1" });
    const made = await factory.line.createWorkItem(request, { idempotencyKey: "create-1" });

    const reusedMove = await conflict(factory.line.createWorkItem(request, { idempotencyKey: "move-1" }));
    expect(reusedMove.message).toContain(`was already used to move work item ${moved.id}`);
    const reusedCreate = await conflict(factory.line.advance(made.id, { idempotencyKey: "create-1" }));
    expect(reusedCreate.message).toContain(`was already used to create work item ${made.id}`);
    expect(factory.line.get(made.id)).toMatchObject({ stage: made.stage, version: 1 });
    expect(await created()).toBe(2);
  });

  it("creates one item when four logs on one SQLite file create with the same key at once", async () => {
    factory = await openTestFactory();
    const others = await Promise.all([factory.reopen(), factory.reopen(), factory.reopen()]);
    const lines = [factory.line, ...others.map((other) => other.line)];

    const items = await Promise.all(
      lines.map((line) => line.createWorkItem(request, { idempotencyKey: "req-42" })),
    );

    expect(new Set(items.map((item) => item.id)).size).toBe(1);
    expect(await created()).toBe(1);
  });

  it("moves an item once when two logs on one SQLite file move it with the same key at once", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem(request);
    const { line: other } = await factory.reopen();
    await other.refresh();

    const moved = await Promise.all(
      [factory.line, other].map((line) => line.advance(item.id, { idempotencyKey: "move-1" })),
    );

    expect(moved.map((each) => [each.id, each.stage])).toEqual([
      [item.id, "requirements"],
      [item.id, "requirements"],
    ]);
    expect(await factory.log.read({ types: [WorkAdvanced.type] })).toHaveLength(1);
  });

  it("creates one item when four processes create with the same key at once", async () => {
    factory = await openTestFactory();
    const start = join(factory.dir, "start");
    const fixture = join(import.meta.dirname, "fixtures", "creator.ts");
    const children = ["ann", "ben", "cat", "dan"].map((actor) =>
      spawnFixture(fixture, [factory.path, actor, "req-42", start]),
    );
    const exits = children.map((child) => waitForExit(child));
    // Generous: starting four TypeScript processes on a loaded machine can take a while.
    await Promise.all(children.map((child) => waitForOutput(child, "ready", 150_000)));
    writeFileSync(start, "go");
    const results = await Promise.all(exits);
    const outputs = results.map((result) => result.stdout.trim().split("\n").at(-1) ?? "");

    expect(
      results.map((result) => result.code),
      JSON.stringify(results),
    ).toEqual([0, 0, 0, 0]);
    expect(
      outputs.every((output) => output.startsWith("created ")),
      JSON.stringify(outputs),
    ).toBe(true);
    expect(new Set(outputs).size, JSON.stringify(outputs)).toBe(1);
    expect(await created()).toBe(1);
  }, 180_000);
});
