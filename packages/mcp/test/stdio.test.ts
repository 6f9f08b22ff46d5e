/**
 * `factory-mcp` over stdio: a real client in a child process and the MCP
 * Inspector CLI are served; a line that is not a JSON-RPC message gets the
 * error JSON-RPC asks for, a line on stderr, and the server goes on serving;
 * so does a message over 10 MiB.
 */
import { execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ProtocolError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { connectToServer, repoRoot, serverArgs, useSeededFolder } from "./fixtures.js";
import { rawSession } from "./rawStdio.js";

const folder = useSeededFolder();
/** The arguments of the server as an agent starts it. */
const agentArgs = () => ["--dir", folder.dir, "--actor", "agent"];
const TEN_MIB = 10 * 1024 * 1024;

/** Starts the server as an agent does, for a test that writes raw lines to its stdin. */
function startRaw() {
  const child = spawn(process.execPath, serverArgs(agentArgs()), { cwd: repoRoot });
  return { child, session: rawSession(child) };
}

/** The `initialize` request of a raw session. */
const initialize = (id: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });

describe("MCP over stdio", () => {
  it.each([
    ["2025-11-25 (initialize handshake)", "legacy" as const],
    ["2026-07-28", { pin: "2026-07-28" }],
  ])(
    "serves a real client in a child process over protocol %s: tools, a call, a resource, an error",
    async (_name, mode) => {
      const client = await connectToServer("stdio-test", agentArgs(), {
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
      [inspector, process.execPath, ...serverArgs(agentArgs()), "--method", "tools/list"],
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
        ...serverArgs(agentArgs()),
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

describe("lines that are not JSON-RPC messages on stdio", () => {
  it("answers text that is not JSON with a Parse error, says so on stderr, and serves the next request", async () => {
    const { child, session } = startRaw();
    // Before the handshake, as a client that writes a banner or a typo first.
    session.write("hello, server");
    await session.receivedCount(1);
    session.write(initialize(1));
    await session.answerTo(1);
    session.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    session.write(`{"jsonrpc":"2.0","id":2,"method":"ping"`);
    await session.receivedCount(3);
    // A blank line is no message and gets no answer.
    session.write("");
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" }));
    await session.answerTo(3);
    child.stdin.end();
    expect(await session.exited).toBe(0);

    const parseErrors = session.received.filter((message) => message.id === undefined);
    expect(parseErrors).toHaveLength(2);
    for (const message of parseErrors) {
      expect(message).toEqual({
        jsonrpc: "2.0",
        error: { code: -32700, message: expect.stringMatching(/^Parse error: the line is not JSON \(.+\)$/) },
      });
    }
    expect(session.received.find((message) => message.id === 1)).toMatchObject({
      result: { protocolVersion: "2025-11-25" },
    });
    expect(session.received.find((message) => message.id === 3)).toEqual({
      jsonrpc: "2.0",
      id: 3,
      result: {},
    });
    expect(session.received).toHaveLength(4);
    const logged = session.stderr().split("\n");
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^@software-factory\/mcp: a line that is not JSON \(.+\), answered with a Parse error \(-32700\): hello, server$/,
      ),
    );
    expect(logged.filter((line) => line.includes("a line that is not JSON"))).toHaveLength(2);
  }, 120_000);

  it("answers JSON that is not a message with an Invalid Request error naming the wrong field (with its id when it has one), a malformed response with nothing", async () => {
    const { child, session } = startRaw();
    session.write(initialize(1));
    await session.answerTo(1);
    session.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 7, method: 5 }));
    await session.answerTo(7);
    session.write(JSON.stringify({ hello: "world" }));
    session.write(JSON.stringify([1, 2]));
    session.write(JSON.stringify({ jsonrpc: "2.0", id: { a: 1 }, method: "ping" }));
    session.write(JSON.stringify({ jsonrpc: "1.0", id: 6, method: "ping" }));
    await session.answerTo(6);
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 8, result: {}, extra: true }));
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }));
    await session.answerTo(9);
    child.stdin.end();
    expect(await session.exited).toBe(0);

    const invalid = (message: string) => ({ code: -32600, message: `Invalid Request: ${message}` });
    expect(session.received.slice(1)).toEqual([
      { jsonrpc: "2.0", id: 7, error: invalid("method: must be a string (got 5)") },
      {
        jsonrpc: "2.0",
        error: invalid(
          'jsonrpc: must be "2.0" (missing); method: must be a string (missing); hello: is not a field of a JSON-RPC request',
        ),
      },
      {
        jsonrpc: "2.0",
        error: invalid("a batch (a JSON array) is not accepted: send one JSON-RPC message at a time"),
      },
      { jsonrpc: "2.0", error: invalid("id: must be a string or an integer (got an object)") },
      { jsonrpc: "2.0", id: 6, error: invalid('jsonrpc: must be "2.0" (got "1.0")') },
      { jsonrpc: "2.0", id: 9, result: {} },
    ]);
    const logged = session.stderr();
    expect(
      logged.match(
        /JSON that is not a JSON-RPC message, answered with an Invalid Request error \(-32600\): /g,
      ),
    ).toHaveLength(5);
    expect(logged).toMatch(
      /JSON that is not a JSON-RPC message, read as a response, so not answered: \{"jsonrpc":"2.0","id":8,/,
    );
  }, 120_000);
});

describe("the first and last lines of a stdio connection", () => {
  it("reads a line after a byte order mark, and answers a last request its client wrote without a newline before closing stdin", async () => {
    const { child, session } = startRaw();
    // PowerShell pipes write a byte order mark first.
    session.write(`\uFEFF${initialize(1)}`);
    await session.answerTo(1);
    session.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    child.stdin.end(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "ping" }));
    expect(await session.exited).toBe(0);

    expect(session.received).toEqual([
      expect.objectContaining({ id: 1, result: expect.objectContaining({ protocolVersion: "2025-11-25" }) }),
      { jsonrpc: "2.0", id: 7, result: {} },
    ]);
  }, 120_000);
});

describe("messages over 10 MiB on stdio", () => {
  it.each([
    ["2025-11-25", "legacy" as const],
    ["2026-07-28", { pin: "2026-07-28" }],
  ])(
    "answers a tools/call over 10 MiB with an Invalid Request error, says why on stderr, and goes on serving (protocol %s)",
    async (_name, mode) => {
      let stderr = "";
      const client = await connectToServer("oversized-test", agentArgs(), {
        client: { versionNegotiation: { mode } },
        onStderr: (text) => {
          stderr += text;
        },
      });

      const oversized = await client
        .callTool({ name: "capture_signal", arguments: { text: "x".repeat(20_000_000), source: "test" } })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(oversized).toBeInstanceOf(ProtocolError);
      expect((oversized as ProtocolError).code).toBe(-32600);
      expect((oversized as ProtocolError).message).toMatch(/over the 10485760 bytes \(10 MiB\)/);

      const line = (await client.callTool({ name: "get_line", arguments: { id: "checkout" } })) as {
        structuredContent?: { owner: string };
      };
      expect(line.structuredContent?.owner).toBe("ana");
      expect(stderr).toMatch(/request \d+: 2000\d+ bytes, over the 10485760 bytes .* dropped unread/);
      await client.close();
    },
    120_000,
  );

  it("answers nothing to an oversized notification, a Parse Error without id to oversized text, and serves the next request", async () => {
    // Raw bytes (an oversized notification, text that is not JSON) need the process itself, not a client.
    const { child, session } = startRaw();
    session.write(initialize(1));
    await session.answerTo(1);
    session.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    session.write(
      JSON.stringify({
        jsonrpc: "2.0",
        method: "notifications/roots/list_changed",
        params: { padding: "x".repeat(TEN_MIB) },
      }),
    );
    session.write("y".repeat(TEN_MIB + 1));
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }));
    await session.answerTo(2);
    child.stdin.end();

    expect(session.received.filter((message) => message.id === undefined)).toEqual([
      {
        jsonrpc: "2.0",
        error: {
          code: -32700,
          message: `Message of ${TEN_MIB + 1} bytes, over the ${TEN_MIB} bytes (10 MiB) one stdio message may have; it was dropped unread`,
        },
      },
    ]);
    expect(session.received.find((message) => message.id === 2)).toMatchObject({ result: {} });
    expect(session.received).toHaveLength(3);
    expect(await session.exited).toBe(0);
  }, 120_000);
});
