/**
 * A work item's `signals[i]` that names no signal is a not-found, as an
 * unknown line or owner is: the same error class, entity, id and field.
 */
import { NotFoundError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("a work item from a signal that does not exist", () => {
  it("is a NotFoundError naming the signal and its place, and nothing is written", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const known = await line.captureSignal({ text: "Refunds take a week", source: "sales-call" });
    const before = await log.head();

    const thrown = await line
      .createWorkItem({ line: "payments", title: "Instant refunds", signals: [known.id, "sig_nope"] })
      .catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(NotFoundError);
    expect(thrown).toMatchObject({
      code: "E_NOT_FOUND",
      entity: "signal",
      id: "sig_nope",
      field: "signals[1]",
    });
    expect((thrown as NotFoundError).message).toBe(
      'work item: signals[1] names an unknown signal "sig_nope"; capture it first',
    );
    expect(await log.head()).toBe(before);
    expect(line.list({})).toEqual([]);
    expect(line.signal(known.id)?.workItems).toEqual([]);
  });
});
