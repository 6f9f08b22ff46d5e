import { ArtifactFieldsSchema, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { failure } from "./fixtures/failures.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const message = 'a key named "__proto__" is not kept (JavaScript reads it as the prototype); rename it';

describe("artifact fields parsed from JSON with a __proto__ key", () => {
  it("are refused naming the key, at the top or deeper, and nothing is written", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const head = await log.head();
    const top = JSON.parse('{"__proto__": {"owner": "payments"}, "body": "Pay by link"}');
    const error = await failure(() =>
      line.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Pay", fields: top }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(`artifact is invalid: fields.__proto__: ${message}`);

    const deep = JSON.parse('{"body": "Pay", "criteria": [{"__proto__": {"max": 24}}]}');
    const nested = await failure(() =>
      line.recordArtifacts([
        { id: "REQ-1", kind: "requirement", title: "Pay", fields: { body: "Pay" } },
        { id: "REQ-2", kind: "requirement", title: "Pay", fields: deep },
      ]),
    );
    expect((nested as ValidationError).message).toBe(
      `artifacts[1] is invalid: fields.criteria[0].__proto__: ${message}`,
    );
    expect(await log.head()).toEqual(head);
  });
});

describe("ArtifactFieldsSchema", () => {
  it("refuses a __proto__ key of fields read from JSON (a CLI's --fields file) rather than drop it", () => {
    const parsed = ArtifactFieldsSchema.safeParse(JSON.parse('{"__proto__": {"x": 1}, "body": "b"}'));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toMatchObject([{ path: ["__proto__"], message }]);
    expect(ArtifactFieldsSchema.parse(JSON.parse('{"body": "b"}'))).toEqual({ body: "b" });
  });
});
