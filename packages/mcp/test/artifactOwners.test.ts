/**
 * `record_artifact` with an id another work item owns: refused, naming the
 * owner and `move`, so an agent reusing an id takes nothing over; with
 * `move: true` the artifact moves. A real client over stdio to the built
 * `factory-mcp`, on a real SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call, refused } = useSeededServer("artifact-owners-test");

/** A tool's structured answer, which must not be an error (checked). */
async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

describe("record_artifact of an id another work item owns", () => {
  it("is refused naming the item, its line and move; with move: true it moves", async () => {
    const a = (await ok("create_work_item", { line: "checkout", title: "Login" })).id as string;
    const b = (await ok("create_work_item", { line: "payments", title: "Refunds" })).id as string;
    const requirement = { id: "REQ-owned", kind: "requirement", title: "Login" };
    await ok("record_artifact", { ...requirement, fields: { body: "A's" }, workItem: a });

    expect(await refused("record_artifact", { ...requirement, fields: { body: "B's" }, workItem: b })).toBe(
      `E_VALIDATION: artifact is invalid: workItem: artifact "REQ-owned" belongs to work item ${a} on line checkout, not work item ${b}; record it under an id of its own, or pass move: true to move it to ${b}`,
    );

    const moved = await ok("record_artifact", {
      ...requirement,
      fields: { body: "A's" },
      workItem: b,
      move: true,
    });
    expect(moved.artifact).toMatchObject({ version: 2, workItem: b, line: "payments" });
  });
});
