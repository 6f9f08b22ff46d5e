/**
 * A cursor at or past the end of what a paginated tool lists is refused with
 * E_VALIDATION naming `cursor`, by every paginated tool alike (MCP's
 * pagination makes an invalid cursor an error): list_work used to answer an
 * empty last page where search_knowledge refused a cursor past its cap.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call, refused } = useSeededServer("past-the-last-page-test", async ({ factory }) => {
  for (const title of ["Apple Pay", "Gift cards", "Card on file"])
    await factory.work.createWorkItem({ line: "checkout", title });
});

const hint = "pass the nextCursor of the previous page, or no cursor for the first page";

describe("a cursor past the last page", () => {
  it.each([
    ["list_work", {}, "3 match now"],
    ["list_suspect_links", {}, "0 match now"],
    ["list_deployments", {}, "0 match now"],
    ["list_incidents", {}, "0 match now"],
  ])("%s refuses it naming cursor and how many there are", async (name, args, count) => {
    expect(await refused(name, { ...args, cursor: "9999" })).toBe(
      `E_VALIDATION: ${name} input is invalid: cursor: "9999" is past the last page (${count}): ${hint}`,
    );
  });

  it.each([
    ["search_knowledge", { query: "payments" }],
    ["list_knowledge", {}],
  ])("%s refuses it naming cursor", async (name, args) => {
    expect(await refused(name, { ...args, cursor: "50" })).toBe(
      `E_VALIDATION: ${name} input is invalid: cursor: "50" is past the last page: ${hint}`,
    );
  });

  it("is refused at the end exactly, while every page a nextCursor gave is served", async () => {
    const first = await call("list_work", { limit: 2 });
    expect(first.structuredContent?.items).toHaveLength(2);
    const second = await call("list_work", { limit: 2, cursor: first.structuredContent?.nextCursor });
    expect(second.isError).toBeUndefined();
    expect(second.structuredContent?.items).toHaveLength(1);
    expect(second.structuredContent?.nextCursor).toBeUndefined();
    expect(await refused("list_work", { cursor: "3" })).toContain('cursor: "3" is past the last page');
  });

  it("cursor 0 of an empty list is its first page, as no cursor is", async () => {
    const empty = await call("list_incidents", { cursor: "0" });
    expect(empty.isError).toBeUndefined();
    expect(empty.structuredContent?.items).toEqual([]);
  });
});
