import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let signal: string;
const { call, refused } = useSeededServer("unknown-names-test", async ({ factory }) => {
  signal = (await factory.work.captureSignal({ text: "Refunds fail", source: "support" })).id;
});

/** The refusal of a mistyped line: the argument, the value, and the line meant. */
const chekout = (field: string) =>
  `E_NOT_FOUND: ${field}: no line "chekout" in the floor plan (did you mean "checkout"?)`;

describe("a mistyped line", () => {
  it("is refused by every tool that takes one, naming the argument and the line meant, and nothing is written", async () => {
    const calls: [string, Record<string, unknown>, string][] = [
      ["get_line", { id: "chekout" }, "id"],
      ["who_owns", { line: "chekout" }, "line"],
      ["get_context", { line: "chekout" }, "line"],
      ["impact_of_change", { lines: ["chekout"] }, "lines[0]"],
      ["list_work", { line: "chekout" }, "line"],
      ["create_work_item", { line: "chekout", title: "Apple Pay" }, "line"],
      ["capture_signal", { text: "Cart is slow", source: "support", line: "chekout" }, "line"],
      ["route_signal", { signal, line: "chekout" }, "line"],
      [
        "capture_knowledge",
        { kind: "note", title: "T", body: "B", lines: ["checkout", "chekout"] },
        "lines[1]",
      ],
      ["record_decision", { title: "T", context: "C", decision: "D", lines: ["chekout"] }, "lines[0]"],
      ["search_knowledge", { query: "payments", lines: ["chekout"] }, "lines[0]"],
      ["check_standards", { line: "chekout" }, "line"],
      ["check_standards", { kind: "line", id: "chekout" }, "id"],
      ["get_metrics", { line: "chekout" }, "line"],
      ["record_deployment", { line: "chekout" }, "line"],
    ];
    for (const [tool, args, field] of calls) expect(await refused(tool, args), tool).toBe(chekout(field));
    // Nothing was written.
    const work = await call("list_work", {});
    expect(work.structuredContent?.items).toEqual([]);
    const documents = await call("list_knowledge", {});
    expect(documents.structuredContent?.documents).toEqual([
      expect.objectContaining({ title: "Retry failed payments three times" }),
    ]);
  });

  it("with nothing close to it, says where the lines are listed", async () => {
    expect(await refused("get_line", { id: "warehouse" })).toBe(
      'E_NOT_FOUND: id: no line "warehouse" in the floor plan (factory://floorplan lists them)',
    );
  });
});

describe("a mistyped operator", () => {
  it("is refused naming the argument and the operator meant", async () => {
    expect(await refused("list_work", { owner: "anna" })).toBe(
      'E_NOT_FOUND: owner: no operator "anna" in the floor plan, and no work item is theirs (did you mean "ana"?)',
    );
    expect(await refused("create_work_item", { line: "checkout", title: "Apple Pay", owner: "anna" })).toBe(
      'E_NOT_FOUND: owner: no operator "anna" in the floor plan, and no work item is theirs (did you mean "ana"?)',
    );
    expect(await refused("get_inbox", { operator: "anna" })).toBe(
      'E_NOT_FOUND: operator: no operator "anna" in the floor plan, and no notification was ever sent to them (did you mean "ana"?)',
    );
  });
});
