import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { ProtocolError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer, repoRoot, seededFactory, serverArgs } from "./fixtures.js";
import { rawSession } from "./rawStdio.js";

/** The server as an agent starts it. */
const serverArguments = (dir: string) => ["--dir", dir, "--actor", "agent"];
const TEN_MIB = 10 * 1024 * 1024;
let dir: string;

beforeAll(async () => {
  const seeded = await seededFactory();
  dir = seeded.dir;
  await seeded.factory.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("messages over 10 MiB on stdio", () => {
  it.each([
    ["2025-11-25", "legacy" as const],
    ["2026-07-28", { pin: "2026-07-28" }],
  ])(
    "answers a tools/call over 10 MiB with an Invalid Request error, says why on stderr, and goes on serving (protocol %s)",
    async (_name, mode) => {
      let stderr = "";
      const client = await connectToServer("oversized-test", serverArguments(dir), {
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
    const child = spawn(process.execPath, serverArgs(serverArguments(dir)), { cwd: repoRoot });
    const session = rawSession(child);
    session.write(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
    );
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
