import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, refusedWrite, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("an artifact id recorded again for another work item or line", () => {
  it("is refused naming the item and line that own it, its links left as they were", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const a = await line.createWorkItem({ line: "mcp", title: "Login" });
    const b = await line.createWorkItem({ line: "core", title: "Storage" });
    await line.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Login",
      fields: { body: "A's requirement" },
      workItem: a.id,
    });
    await line.recordArtifact({ id: "DES-1", kind: "design", title: "Login form", workItem: a.id });
    await line.link({ from: "DES-1", to: "REQ-1", type: "derivesFrom" });

    for (const body of ["B's unrelated requirement", "A's requirement"]) {
      const error = await refusedWrite(factory, () =>
        line.recordArtifact({
          id: "REQ-1",
          kind: "requirement",
          title: "Login",
          fields: { body },
          workItem: b.id,
        }),
      );
      expect(error.message).toBe(
        `artifact is invalid: workItem: artifact "REQ-1" belongs to work item ${a.id} on line mcp, not work item ${b.id}; record it under an id of its own, or pass move: true to move it to ${b.id}`,
      );
    }
    const onLine = await refusedWrite(factory, () =>
      line.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Login", line: "core" }),
    );
    expect(onLine.issues).toEqual([
      {
        path: "line",
        message: `artifact "REQ-1" belongs to work item ${a.id} on line mcp, not line core; record it under an id of its own, or pass move: true to move it to core`,
      },
    ]);

    expect(line.artifact("REQ-1")).toMatchObject({ version: 1, workItem: a.id, line: "mcp" });
    expect(line.suspectLinks({ item: a.id })).toEqual([]);
    expect(line.artifactsOf(a.id).map((artifact) => artifact.id)).toEqual(["REQ-1", "DES-1"]);
  });

  it("moves with move: true, taking the new item's line", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const a = await line.createWorkItem({ line: "mcp", title: "Login" });
    const b = await line.createWorkItem({ line: "core", title: "Storage" });
    await line.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Login", workItem: a.id });

    const moved = await line.recordArtifact({
      id: "REQ-1",
      kind: "requirement",
      title: "Login",
      workItem: b.id,
      move: true,
    });

    expect(moved).toMatchObject({ changed: true, artifact: { version: 2, workItem: b.id, line: "core" } });
    expect(line.artifactsOf(a.id)).toEqual([]);
    // Recorded again as it is now, with or without the item, it writes nothing.
    const again = await line.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Login" });
    expect(again.changed).toBe(false);
  });
});
