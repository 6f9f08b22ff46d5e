/**
 * run_skill review-item took its work item as `item`, and refused
 * `{ workItem }` ("unknown field workItem; it takes item") where every tool
 * names that argument workItem. It takes and answers `workItem` now.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("review-item-work-item-test");

describe("run_skill review-item", () => {
  it("takes the work item as workItem, as the tools name it, and answers it so", async () => {
    const item = await server.call("create_work_item", { line: "checkout", title: "Pay by link" });
    const id = item.structuredContent?.id as string;
    const review = await server.call("run_skill", { name: "review-item", input: { workItem: id } });
    expect(review.isError).toBeUndefined();
    expect(review.structuredContent?.output).toMatchObject({ workItem: id, pass: true });
  });

  it("names workItem when the work item does not exist", async () => {
    expect(await server.refused("run_skill", { name: "review-item", input: { workItem: "wi_nope" } })).toBe(
      'E_NOT_FOUND: input.workItem: no work item "wi_nope"',
    );
  });
});
