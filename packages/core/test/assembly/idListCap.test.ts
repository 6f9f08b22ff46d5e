/**
 * An id list past its cap (contributors, signals, work items, incidents) is
 * refused in one short message: a list of 10,000 copies of one id also named
 * every copy after the first as "listed twice", 9,999 issues in one message.
 */
import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** The message of the ValidationError a call fails with; fails the test when it resolves or fails otherwise. */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  const error = await call().then(
    () => expect.fail("the call should have failed"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
}

const many = Array.from({ length: 10_000 }, () => "x");

describe("an id list of more than 1,000 ids, all the same", () => {
  it("is refused in one short message, writing nothing", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const calls: [string, () => Promise<unknown>][] = [
      ["contributors", () => line.createWorkItem({ line: "payments", title: "Pay", contributors: many })],
      ["signals", () => line.createWorkItem({ line: "payments", title: "Pay", signals: many })],
      ["workItems", () => line.recordDeployment({ workItems: many })],
      ["remediates", () => line.recordDeployment({ remediates: many })],
    ];
    for (const [field, call] of calls) {
      const message = await refusal(call);
      expect(message).toMatch(new RegExp(`^[a-z ]+ is invalid: ${field}: at most 1000 ids$`));
    }
    expect(await log.head()).toBe(head);
  });
});
