/**
 * The list of fields an artifact's fingerprint is computed over is bounded
 * and names each field once, whether `fields` is empty or not: a list of
 * 10,000 copies of one name was recorded as it was when the name was a field.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { refusal } from "./fixtures/failures.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("an artifact's fingerprintFields list", () => {
  it("refuses more than 1,000 names in one short message, with fields or without, writing nothing", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const many = Array.from({ length: 10_000 }, () => "body");
    for (const fields of [{ body: "Pay by link" }, {}]) {
      const message = await refusal(() =>
        line.recordArtifact({
          id: "REQ-1",
          kind: "requirement",
          title: "Pay",
          fields,
          fingerprintFields: many,
        }),
      );
      expect(message).toBe("artifact is invalid: fingerprintFields: at most 1000 field names");
    }
    expect(await log.head()).toBe(head);
  });

  it("refuses a name given twice, naming where", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const message = await refusal(() =>
      line.recordArtifact({
        id: "REQ-1",
        kind: "requirement",
        title: "Pay",
        fields: { body: "Pay by link", owner: "payments" },
        fingerprintFields: ["body", "owner", "body"],
      }),
    );
    expect(message).toBe('artifact is invalid: fingerprintFields[2]: "body" is listed twice');
    expect(await log.head()).toBe(head);
  });
});
