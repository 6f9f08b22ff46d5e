/**
 * In an empty factory (factory-mcp --init on an empty folder), a line the
 * agent names was refused as `no line "x" in the floor plan
 * (factory://floorplan lists them)`, which lists nothing. The refusal now
 * says the floor plan is empty and how to fill it: import_codebase is off by
 * default, so it says how to serve it, and the commands that do it otherwise.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, connectToServer } from "./fixtures.js";

const folder = mkdtempSync(join(tmpdir(), "mcp-empty-floor-plan-"));
let client: Client | undefined;

beforeAll(async () => {
  client = await connectToServer("empty-floor-plan-test", ["--dir", join(folder, ".factory"), "--init"]);
});

afterAll(async () => {
  await client?.close();
  rmSync(folder, { recursive: true, force: true });
});

const fill =
  "import_codebase fills it from a repository (a tool of the import group, which a server serves when started with --tools knowledge,floorplan,work,standards,skills,import), as `factory import codebase <repo>` does on the command line; `factory plan apply factory.yaml` applies a plan written by hand";

describe("a line named in an empty factory", () => {
  it.each([
    ["create_work_item", { line: "x", title: "y" }, "line"],
    ["get_line", { id: "x" }, "id"],
  ])("is refused by %s saying the floor plan is empty and how to fill it", async (tool, args, field) => {
    const answer = await callTool(client as Client, tool, args);
    expect(answer.isError).toBe(true);
    expect(answer.content[0]?.text).toBe(
      `E_NOT_FOUND: ${field}: no line "x": the floor plan is empty, it has no line yet; ${fill}`,
    );
  });
});
