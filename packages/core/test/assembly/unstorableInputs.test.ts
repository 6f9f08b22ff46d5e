import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** The message of a write refused with a `ValidationError` that left the log as it was. */
const refused = async (write: () => Promise<unknown>) => (await refusedWrite(factory, write)).message;

describe("text no store can keep", () => {
  it("is refused by the input check, naming the caller's field, and nothing is written", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    expect(await refused(() => line.createWorkItem({ line: "checkout", title: "Pay\u0000by link" }))).toBe(
      "work item is invalid: title: contains a NUL character (\\u0000) at index 3, which cannot be stored",
    );
    expect(line.list()).toEqual([]);

    expect(
      await refused(() => line.captureSignal({ text: "Cards \uD800 declined", source: "support" })),
    ).toBe(
      "signal is invalid: text: contains a lone UTF-16 surrogate (\\ud800) at index 6, which is not valid Unicode",
    );
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const before = await factory.log.head();
    expect(await refused(() => line.block(item.id, { reason: "waits on\u0000legal" }))).toMatch(
      /^block is invalid: reason: contains a NUL character/,
    );
    expect(await factory.log.head()).toBe(before);
    // A NUL is also a control character, which a version refuses: it is named once.
    expect(await refused(() => line.recordDeployment({ workItems: [item.id], version: "v1\u0000" }))).toBe(
      "deployment is invalid: version: contains a NUL character (\\u0000) at index 2, which cannot be stored",
    );
  });
});
