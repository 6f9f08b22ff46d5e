import { rmSync } from "node:fs";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer, seededFactory } from "./fixtures.js";

type ToolResult = {
  isError?: boolean;
  content: { text: string }[];
  structuredContent?: { hits?: unknown[] };
};

let dir: string;
let client: Client;
const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolResult;

beforeAll(async () => {
  const seeded = await seededFactory();
  dir = seeded.dir;
  await seeded.factory.close();
  client = await connectToServer("cursor-bounds-test", ["--dir", dir, "--actor", "agent"]);
}, 60_000);

afterAll(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a page cursor no page gave", () => {
  it.each([
    [
      "search_knowledge",
      { query: "payments", cursor: "10001" },
      "cursor is past the last page (at most 10000)",
    ],
    [
      "search_knowledge",
      { query: "payments", cursor: "99999999999999999999" },
      "cursor is past the last page",
    ],
    ["list_knowledge", { cursor: "99999999999999999999" }, "cursor is past the last page"],
    ["list_knowledge", { cursor: "-1" }, "cursor is the nextCursor of the previous page"],
  ])("%s %o is refused naming the cursor, not an offset", async (name, args, message) => {
    const result = await call(name, args);
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toContain(`E_VALIDATION: ${name} input is invalid: cursor: ${message}`);
    expect(result.content[0]?.text).not.toContain("offset");
  });

  it("the last page search reaches is still served", async () => {
    const result = await call("search_knowledge", { query: "payments", cursor: "10000" });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent?.hits).toEqual([]);
  });
});
