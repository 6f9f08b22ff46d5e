import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { failure } from "./fixtures/failures.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("the fields an artifact's fingerprint is computed over", () => {
  it("refuse a name that is no field, naming the near one, and nothing is written", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const fields = { body: "Pay by link", owner: "payments" };
    const error = await failure(() =>
      line.recordArtifact({
        id: "REQ-1",
        kind: "requirement",
        title: "Pay",
        fields,
        fingerprintFields: ["bdy"],
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      'artifact is invalid: fingerprintFields[0]: "bdy" is no field of the artifact (did you mean "body"?); its fields: body, owner',
    );
    const none = await failure(() =>
      line.recordArtifacts([
        { id: "REQ-1", kind: "requirement", title: "Pay", fields, fingerprintFields: ["body"] },
        { id: "REQ-2", kind: "requirement", title: "Pay", fingerprintFields: ["statement"] },
      ]),
    );
    expect((none as ValidationError).message).toBe(
      'artifacts[1] is invalid: fingerprintFields[0]: "statement" is no field of the artifact; it has none',
    );
    expect(await log.head()).toEqual(head);
  });
});
