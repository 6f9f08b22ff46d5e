import { NotFoundError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("suspect links of one work item", () => {
  it("are refused for an item that does not exist, instead of an empty list a check would pass on", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await line.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Pay",
      workItem: item.id,
      fields: { body: "24" },
    });
    await line.recordArtifact({ id: "DES-1", kind: "design", title: "Tokens", workItem: item.id });
    await line.link({ from: "DES-1", to: "REQ-1", type: "derivesFrom" });
    await line.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Pay", fields: { body: "48" } });
    expect(line.suspectLinks({ item: item.id })).toHaveLength(1);

    const typo = `${item.id}x`;
    let thrown: unknown;
    try {
      line.suspectLinks({ item: typo });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NotFoundError);
    expect(thrown).toMatchObject({
      message: `item: no work item "${typo}"`,
      entity: "workItem",
      id: typo,
      field: "item",
    });
  });
});
