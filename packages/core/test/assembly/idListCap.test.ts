/**
 * An id list past its cap (contributors, signals, work items, incidents) is
 * refused in one short message: a list of 10,000 copies of one id also named
 * every copy after the first as "listed twice", 9,999 issues in one message.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { refusal } from "./fixtures/failures.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

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
