import {
  IdempotencyConflictError,
  makeAssemblyLineShape,
  SignalCaptured,
  SignalRouted,
  ValidationError,
} from "@software-factory/core";
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const signal = {
  text: "Refunds take a week",
  source: "support",
  customer: "acme",
  line: "payments",
} as const;

async function captured(): Promise<number> {
  return (await factory.log.read({ types: [SignalCaptured.type] })).length;
}

async function conflict(promise: Promise<unknown>): Promise<IdempotencyConflictError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IdempotencyConflictError);
  return error as IdempotencyConflictError;
}

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
    expect(reusedForMove.message).toContain(`was already used to capture signal ${first.id}, not to move`);
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
