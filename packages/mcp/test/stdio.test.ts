import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer, repoRoot, seededFactory, serverArgs } from "./fixtures.js";

/** The server as an agent starts it. */
const serverCommand = (dir: string) => serverArgs(["--dir", dir, "--actor", "agent"]);
let dir: string;

beforeAll(async () => {
  const seeded = await seededFactory();
  dir = seeded.dir;
  await seeded.factory.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("MCP over stdio", () => {
  it.each([
    ["2025-11-25 (initialize handshake)", "legacy" as const],
    ["2026-07-28", { pin: "2026-07-28" }],
  ])(
    "serves a real client in a child process over protocol %s: tools, a call, a resource, an error",
    async (_name, mode) => {
      const client = await connectToServer("stdio-test", ["--dir", dir, "--actor", "agent"], {
        client: { versionNegotiation: { mode } },
      });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("get_context");
      const search = (await client.callTool({
        name: "search_knowledge",
        arguments: { query: "payment retries" },
      })) as {
        structuredContent?: { hits: { title: string }[] };
      };
      expect(search.structuredContent?.hits[0]?.title).toBe("Retry failed payments three times");
      const floorplan = await client.readResource({ uri: "factory://floorplan" });
      expect((floorplan.contents[0] as { text: string }).text).toContain("payments");
      const bad = (await client.callTool({ name: "who_owns", arguments: {} })) as { isError?: boolean };
      expect(bad.isError).toBe(true);
      await client.close();
    },
    120_000,
  );

  it("passes the MCP Inspector CLI: tools/list and a tools/call", async () => {
    const run = promisify(execFile);
    // The CLI mode of the MCP Inspector (`mcp-inspector --cli` runs this same entry).
    const inspector = join(
      dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/inspector-cli/package.json")),
      "build",
      "index.js",
    );
    const list = await run(
      process.execPath,
      [inspector, process.execPath, ...serverCommand(dir), "--method", "tools/list"],
      {
        cwd: repoRoot,
        timeout: 60_000,
      },
    );
    expect(JSON.parse(list.stdout).tools.map((tool: { name: string }) => tool.name)).toContain("who_owns");
    const call = await run(
      process.execPath,
      [
        inspector,
        process.execPath,
        ...serverCommand(dir),
        "--method",
        "tools/call",
        "--tool-name",
        "get_line",
        "--tool-arg",
        "id=checkout",
      ],
      { cwd: repoRoot, timeout: 60_000 },
    );
    const result = JSON.parse(call.stdout);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.owner).toBe("ana");
  }, 180_000);
});
