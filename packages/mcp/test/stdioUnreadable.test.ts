/**
 * A line on stdio that is not a JSON-RPC message gets the error JSON-RPC asks
 * for, a line on stderr, and the server goes on serving.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, seededFactory, serverArgs } from "./fixtures.js";
import { rawSession } from "./rawStdio.js";

let dir: string;

beforeAll(async () => {
  const seeded = await seededFactory();
  dir = seeded.dir;
  await seeded.factory.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const initialize = (id: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });

describe("lines that are not JSON-RPC messages on stdio", () => {
  it("answers text that is not JSON with a Parse error, says so on stderr, and serves the next request", async () => {
    const child = spawn(process.execPath, serverArgs(["--dir", dir, "--actor", "agent"]), { cwd: repoRoot });
    const session = rawSession(child);
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

  it("answers JSON that is not a message with an Invalid Request error (with its id when it has one), a malformed response with nothing", async () => {
    const child = spawn(process.execPath, serverArgs(["--dir", dir, "--actor", "agent"]), { cwd: repoRoot });
    const session = rawSession(child);
    session.write(initialize(1));
    await session.answerTo(1);
    session.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 7, method: 5 }));
    await session.answerTo(7);
    session.write(JSON.stringify({ hello: "world" }));
    session.write(JSON.stringify([1, 2]));
    await session.receivedCount(4);
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 8, result: {}, extra: true }));
    session.write(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }));
    await session.answerTo(9);
    child.stdin.end();
    expect(await session.exited).toBe(0);

    const invalid = {
      code: -32600,
      message: "Invalid Request: the line is JSON but not a JSON-RPC 2.0 message",
    };
    expect(session.received.slice(1)).toEqual([
      { jsonrpc: "2.0", id: 7, error: invalid },
      { jsonrpc: "2.0", error: invalid },
      { jsonrpc: "2.0", error: invalid },
      { jsonrpc: "2.0", id: 9, result: {} },
    ]);
    const logged = session.stderr();
    expect(
      logged.match(
        /JSON that is not a JSON-RPC message, answered with an Invalid Request error \(-32600\): /g,
      ),
    ).toHaveLength(3);
    expect(logged).toMatch(
      /JSON that is not a JSON-RPC message, read as a response, so not answered: \{"jsonrpc":"2.0","id":8,/,
    );
  }, 120_000);
});
