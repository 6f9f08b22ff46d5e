/**
 * The refusals an agent meets recording and needing evidence: a change set
 * without its fields names them under fields and says they are required;
 * advance_work_item refused for a missing change set says the record_artifact
 * call that records one. A real client over stdio to the built
 * `factory-mcp`, on a real SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call, refused } = useSeededServer("evidence-messages-test");

describe("evidence refusals over MCP", () => {
  it("name the missing fields as required, and say how to record the missing change set", async () => {
    expect(
      await refused("record_artifact", { id: "CS-empty", kind: "changeSet", title: "t", fields: {} }),
    ).toBe(
      "E_VALIDATION: artifact is invalid: fields.commit: required for a changeSet: the commit's id, lowercase hex, 7 to 64 characters; fields.paths: required for a changeSet: the repository paths it touched, at least one",
    );

    const created = await call("create_work_item", { line: "checkout", title: "Refunds", flow: "tiny" });
    const id = (created.structuredContent as { id: string }).id;
    expect((await call("advance_work_item", { id })).isError).toBeUndefined();
    expect(await refused("advance_work_item", { id })).toBe(
      `E_EVIDENCE_MISSING: cannot advance work item ${id} out of stage "implementation": no changeSet artifact; record it with record_artifact {"id":"<id>","kind":"changeSet","title":"<title>","workItem":"${id}","fields":{"commit":"<sha>","paths":["<path>"]}}, then advance again`,
    );
  });
});
