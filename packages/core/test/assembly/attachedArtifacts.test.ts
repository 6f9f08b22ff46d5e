import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("an artifact given a work item by a later version", () => {
  it("is that item's: its evidence, its artifacts and its trace, for this process and a reopened one", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
    await line.advance(item.id);
    // Imported from git before anyone knew which item it served, then attached.
    await line.recordArtifact({ id: "CS-1", kind: "changeSet", title: "endpoint", fields: changeSet });
    const attached = await line.recordArtifact({
      id: "CS-1",
      kind: "changeSet",
      title: "endpoint",
      fields: changeSet,
      workItem: item.id,
    });
    expect(attached.artifact).toMatchObject({ version: 2, workItem: item.id });

    expect(line.artifactsOf(item.id).map((artifact) => artifact.id)).toEqual(["CS-1"]);
    expect(line.trace(item.id).artifacts.map((artifact) => artifact.id)).toEqual(["CS-1"]);
    await expect(line.advance(item.id)).resolves.toMatchObject({ stage: "testing" });
    const other = await factory.reopen();
    expect(other.line.artifactsOf(item.id).map((artifact) => artifact.id)).toEqual(["CS-1"]);
  });

  it("moved to another item with move: true, is the other item's and no longer the first one's", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const first = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const second = await line.createWorkItem({ line: "checkout", title: "Pay by card" });
    await line.recordArtifacts([
      { id: "REQ-1", kind: "requirement", title: "Link", workItem: first.id },
      { id: "REQ-2", kind: "requirement", title: "Card", workItem: first.id },
    ]);
    await line.recordArtifact({
      id: "REQ-2",
      kind: "requirement",
      title: "Card",
      workItem: second.id,
      move: true,
    });

    expect(line.artifactsOf(first.id).map((artifact) => artifact.id)).toEqual(["REQ-1"]);
    expect(line.artifactsOf(second.id).map((artifact) => artifact.id)).toEqual(["REQ-2"]);
    expect(line.trace(first.id).artifacts.map((artifact) => artifact.id)).toEqual(["REQ-1"]);
  });
});
