/**
 * A context pack that matched nothing was a bare heading: get_context
 * {question: "xyzzy plugh"} answered "# Context\n", every omitted count 0,
 * and so did any question in an empty factory. It now says that nothing
 * matched and what to try, in the markdown and in nothingMatched: another
 * request when the factory has lines, else how to fill it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, connectToServer, useSeededServer } from "./fixtures.js";

const seeded = useSeededServer("nothing-matched-test");
const folder = mkdtempSync(join(tmpdir(), "mcp-nothing-matched-"));
let empty: Client | undefined;

beforeAll(async () => {
  empty = await connectToServer("nothing-matched-empty-test", ["--dir", join(folder, ".factory"), "--init"]);
});

afterAll(async () => {
  await empty?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("get_context when nothing matches", () => {
  it("says so in a factory with lines, naming how many, and what to ask instead", async () => {
    const pack = await seeded.call("get_context", { question: "xyzzy plugh" });
    const message =
      "Nothing matched: no line, work item or document of this factory concerns this request. Its floor plan has 3 lines: name a line or a work item by id, give repository paths, or ask in other words.";
    expect(pack.structuredContent?.nothingMatched).toEqual({ message, lines: 3, hasDocuments: true });
    expect(pack.content[0]?.text).toBe(`# Context\n\n${message}\n`);
  });

  it.each([["xyzzy plugh"], ["注文の払い戻し"], ["🦜🦜"]])(
    "says an empty factory is empty and how to fill it, asked %s",
    async (question) => {
      const pack = await callTool(empty as Client, "get_context", { question });
      const message =
        "Nothing matched: this factory is empty, with no line and no document yet. `factory import codebase <repo>` (import_codebase over MCP) fills the floor plan from a repository; `factory import docs <folder>` (capture_knowledge over MCP) fills the knowledge base.";
      expect(pack.structuredContent?.nothingMatched).toEqual({ message, lines: 0, hasDocuments: false });
      expect(pack.content[0]?.text).toBe(`# Context\n\n${message}\n`);
    },
  );

  it("says nothing of the kind when something matched", async () => {
    const pack = await seeded.call("get_context", { line: "checkout" });
    expect(pack.structuredContent).not.toHaveProperty("nothingMatched");
    expect(pack.content[0]?.text).not.toContain("Nothing matched");
  });
});
