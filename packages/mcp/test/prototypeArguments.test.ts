/**
 * A key named `__proto__` in a tool's arguments, written raw on the stdio of
 * the built `factory-mcp` (JSON makes it a member; an SDK client's own
 * parsing would drop it before sending): refused naming where it is, rather
 * than dropped by the parse of the arguments, so artifact fields are not
 * stored empty and a strict input does not take an argument it does not know.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot, serverArgs, useSeededFolder } from "./fixtures.js";
import { rawSession } from "./rawStdio.js";

const folder = useSeededFolder();

const why = 'a key named "__proto__" is not kept (JavaScript reads it as the prototype); rename it';

describe("tool arguments with a __proto__ key", () => {
  it("are refused naming the key, in artifact fields and at the top, and nothing is written", async () => {
    const child = spawn(process.execPath, serverArgs(["--dir", folder.dir, "--actor", "agent"]), {
      cwd: repoRoot,
    });
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
    const call = (id: number, name: string, args: string) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${name}","arguments":${args}}}`;
    const design = '"id":"P1","kind":"design","title":"t","line":"checkout"';
    session.write(call(2, "record_artifact", `{${design},"fields":{"__proto__":{"x":1}}}`));
    session.write(call(3, "list_work", '{"__proto__":{"line":"checkout"}}'));
    session.write(call(4, "record_artifact", `{${design},"fields":{}}`));
    await session.answerTo(4);
    child.stdin.end();
    expect(await session.exited).toBe(0);

    const answer = (id: number) => session.received.find((message) => message.id === id);
    expect(answer(2)).toMatchObject({
      error: {
        code: -32602,
        message: `tools/call request is invalid: arguments.fields.__proto__: ${why}`,
      },
    });
    expect(answer(3)).toMatchObject({
      error: { code: -32602, message: `tools/call request is invalid: arguments.__proto__: ${why}` },
    });
    // Nothing was recorded by the refused call: P1's first recording is version 1.
    expect(answer(4)).toMatchObject({ result: { structuredContent: { artifact: { version: 1 } } } });
  });
});
