/**
 * Idempotency keys on the assembly line's writes: a retried creation, move or
 * capture with the same key returns the first call's record and writes
 * nothing, across logs and processes on one file; the key reused for another
 * write is an IdempotencyConflictError naming what differs.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  makeAssemblyLineShape,
  SignalCaptured,
  SignalRouted,
  ValidationError,
  WorkAdvanced,
  WorkCreated,
} from "@software-factory/core";
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { spawnFixture, waitForExit, waitForOutput } from "../fixtures/runChild.js";
import { conflict, openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const request = { line: "tax", title: "VAT for Norway", kind: "feature" } as const;

const signal = {
  text: "Refunds take a week",
  source: "support",
  customer: "acme",
  line: "payments",
} as const;

async function created(): Promise<number> {
  return (await factory.log.read({ types: [WorkCreated.type] })).length;
}

async function captured(): Promise<number> {
  return (await factory.log.read({ types: [SignalCaptured.type] })).length;
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

  it("refuses a move's key for another move of the same item, which stays where the first move left it", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem(request);
    const advanced = await factory.line.advance(item.id, { idempotencyKey: "move-1" });

    const blocked = await conflict(
      factory.line.block(item.id, { reason: "waiting" }, { idempotencyKey: "move-1" }),
    );
    expect(blocked.message).toContain(
      `was already used to advance work item ${item.id}, not to block work item ${item.id}`,
    );
    const sentBack = await conflict(
      factory.line.sendBack(item.id, { reason: "missed a case" }, { idempotencyKey: "move-1" }),
    );
    expect(sentBack.message).toContain(`not to send back work item ${item.id}`);
    expect(factory.line.get(item.id)).toMatchObject({ state: "active", version: advanced.version });
    expect(await factory.line.advance(item.id, { idempotencyKey: "move-1" })).toMatchObject({
      stage: advanced.stage,
      version: advanced.version,
    });
  });

  it("refuses a move's key for the same move with other input, naming the fields; the same input is a retry", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem(request);
    const assigned = await factory.line.assign(item.id, { owner: "ben" }, { idempotencyKey: "assign-1" });

    const otherOwner = await conflict(
      factory.line.assign(item.id, { owner: "ana", contributors: ["sam"] }, { idempotencyKey: "assign-1" }),
    );
    expect(otherOwner.message).toContain(
      `idempotency key "assign-1" was already used to assign work item ${item.id} with a different owner, contributors`,
    );
    expect(await factory.line.assign(item.id, { owner: "ben" }, { idempotencyKey: "assign-1" })).toEqual(
      assigned,
    );

    await factory.line.block(item.id, { reason: "waiting for legal" }, { idempotencyKey: "block-1" });
    const otherReason = await conflict(
      factory.line.block(item.id, { reason: "waiting for design" }, { idempotencyKey: "block-1" }),
    );
    expect(otherReason.message).toContain(`block work item ${item.id} with a different reason`);
    await factory.line.unblock(item.id, { reason: " cleared " }, { idempotencyKey: "unblock-1" });
    expect(
      (await factory.line.unblock(item.id, { reason: "cleared" }, { idempotencyKey: "unblock-1" })).state,
    ).toBe("active");
    await conflict(factory.line.unblock(item.id, {}, { idempotencyKey: "unblock-1" }));

    await factory.line.advance(item.id);
    await factory.line.sendBack(item.id, { reason: "missed a case" }, { idempotencyKey: "back-1" });
    const otherCause = await conflict(
      factory.line.sendBack(
        item.id,
        { reason: "missed a case", cause: "upstream" },
        { idempotencyKey: "back-1" },
      ),
    );
    expect(otherCause.message).toContain("with a different cause");
    const events = await factory.log.read({ subjects: [item.id] });
    expect(events.map((event) => event.type).filter((type) => type !== "work.created")).toEqual([
      "work.assigned",
      "work.blocked",
      "work.unblocked",
      "work.advanced",
      "work.sent.back",
    ]);
  });

  it("refuses a key used to move an item for a creation, and a creation's key for a move", async () => {
    factory = await openTestFactory();
    const moved = await factory.line.createWorkItem(request);
    await factory.line.advance(moved.id, { idempotencyKey: "move-1" });
    const made = await factory.line.createWorkItem(request, { idempotencyKey: "create-1" });

    const reusedMove = await conflict(factory.line.createWorkItem(request, { idempotencyKey: "move-1" }));
    expect(reusedMove.message).toContain(`was already used to advance work item ${moved.id}`);
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

describe("capturing a signal with an idempotency key", () => {
  it("returns the first call's signal to a retry in the same process and writes nothing", async () => {
    factory = await openTestFactory();
    const first = await factory.line.captureSignal(signal, { idempotencyKey: "ticket-4711" });
    const head = await factory.log.head();

    const retried = await factory.line.captureSignal(signal, { idempotencyKey: "ticket-4711" });

    expect(retried).toEqual(first);
    expect(await factory.log.head()).toBe(head);
    expect(await captured()).toBe(1);
    expect(await factory.log.read({ types: [SignalRouted.type] })).toHaveLength(1);
  });

  it("returns the first signal to a retry from another log on the same file, after it was routed elsewhere", async () => {
    factory = await openTestFactory();
    const first = await factory.line.captureSignal(signal, { idempotencyKey: "ticket-4711" });
    await factory.line.routeSignal(first.id, "tax");
    const { line: reopened } = await factory.reopen();

    const retried = await reopened.captureSignal(signal, { idempotencyKey: "ticket-4711" });

    expect(retried).toMatchObject({ id: first.id, line: "tax" });
    expect(await captured()).toBe(1);
  });

  it("captures twice without a key, and once per key", async () => {
    factory = await openTestFactory();
    const unkeyed = [await factory.line.captureSignal(signal), await factory.line.captureSignal(signal)];
    const keyed = [
      await factory.line.captureSignal(signal, { idempotencyKey: "a" }),
      await factory.line.captureSignal(signal, { idempotencyKey: "b" }),
    ];

    expect(new Set([...unkeyed, ...keyed].map((each) => each.id)).size).toBe(4);
    expect(await captured()).toBe(4);
  });

  it("refuses the key for a different signal, naming the key, the signal and the fields that differ", async () => {
    factory = await openTestFactory();
    const first = await factory.line.captureSignal(signal, { idempotencyKey: "ticket-4711" });

    const error = await conflict(
      factory.line.captureSignal(
        { ...signal, text: "Refunds never arrive", line: "tax" },
        { idempotencyKey: "ticket-4711" },
      ),
    );

    expect(error).toMatchObject({ code: "E_IDEMPOTENCY_CONFLICT", key: "ticket-4711" });
    expect(error.message).toContain(
      `idempotency key "ticket-4711" was already used to capture signal ${first.id} with a different text, line`,
    );
    expect(await captured()).toBe(1);
  });

  it("refuses a retry that names a line when the first capture routed it nowhere", async () => {
    factory = await openTestFactory();
    const { line: _line, ...unrouted } = signal;
    await factory.line.captureSignal(unrouted, { idempotencyKey: "ticket-4711" });

    const error = await conflict(factory.line.captureSignal(signal, { idempotencyKey: "ticket-4711" }));

    expect(error.message).toContain("with a different line");
    expect(await factory.log.read({ types: [SignalRouted.type] })).toHaveLength(0);
  });

  it("refuses a work item's key for a capture, and a capture's key for a work item or a move", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem(
      { line: "tax", title: "VAT" },
      { idempotencyKey: "create-1" },
    );
    const first = await factory.line.captureSignal(signal, { idempotencyKey: "capture-1" });

    const reusedCreate = await conflict(factory.line.captureSignal(signal, { idempotencyKey: "create-1" }));
    expect(reusedCreate.message).toContain(
      `was already used to create work item ${item.id}, not to capture a signal`,
    );
    const reusedCapture = await conflict(
      factory.line.createWorkItem({ line: "tax", title: "VAT" }, { idempotencyKey: "capture-1" }),
    );
    expect(reusedCapture.message).toContain(`was already used to capture signal ${first.id}, not to create`);
    const reusedForMove = await conflict(factory.line.advance(item.id, { idempotencyKey: "capture-1" }));
    expect(reusedForMove.message).toContain(`was already used to capture signal ${first.id}, not to advance`);
    expect(await captured()).toBe(1);
  });

  it("captures one signal when four logs on one SQLite file capture with the same key at once", async () => {
    factory = await openTestFactory();
    const others = await Promise.all([factory.reopen(), factory.reopen(), factory.reopen()]);
    const lines = [factory.line, ...others.map((other) => other.line)];

    const signals = await Promise.all(
      lines.map((line) => line.captureSignal(signal, { idempotencyKey: "ticket-4711" })),
    );

    expect(new Set(signals.map((each) => each.id)).size).toBe(1);
    expect(await captured()).toBe(1);
  });

  it("refuses a malformed key or an unknown option by name, and writes nothing", async () => {
    factory = await openTestFactory();

    await expect(factory.line.captureSignal(signal, { idempotencyKey: "" })).rejects.toThrow(ValidationError);
    await expect(
      factory.line.captureSignal(signal, { key: "ticket-4711" } as { idempotencyKey?: string }),
    ).rejects.toThrow(/signal options.*"key"/);
    expect(await captured()).toBe(0);
  });

  it("takes the key through the Effect face too, failing a reused key with its tag", async () => {
    factory = await openTestFactory();
    const work = makeAssemblyLineShape(factory.line);

    const [first, retried, refused] = await Effect.runPromise(
      Effect.all([
        work.captureSignal(signal, { idempotencyKey: "ticket-4711" }),
        work.captureSignal(signal, { idempotencyKey: "ticket-4711" }),
        work
          .captureSignal({ ...signal, severity: "critical" }, { idempotencyKey: "ticket-4711" })
          .pipe(Effect.catchTag("IdempotencyConflictError", (error) => Effect.succeed(error.message))),
      ]),
    );

    expect(retried.id).toBe(first.id);
    expect(refused).toContain("with a different severity");
    expect(await captured()).toBe(1);
  });
});
