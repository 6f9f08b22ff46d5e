/**
 * Arguments nested thousands of levels deep, written raw on the stdio of the
 * built `factory-mcp` (an MCP client's own serializer overflows its stack
 * before it could send them): refused as `E_VALIDATION` naming where they nest
 * too deep, never an uncoded stack overflow, and the server goes on serving.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot, serverArgs, useSeededFolder } from "./fixtures.js";
import { rawSession } from "./rawStdio.js";

const folder = useSeededFolder();

/** `depth` objects nested in one another around a string, as JSON text. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}"x"${"}".repeat(depth)}`;

/** The text of the tool result answering `id` among `received`. */
const answerText = (received: Record<string, unknown>[], id: number) =>
  (received.find((message) => message.id === id) as { result: { content: { text: string }[] } }).result
    .content[0]?.text;

describe("record_artifact fields nested 10,000 levels deep", () => {
  it("are refused as E_VALIDATION naming the depth, not a stack overflow, and the server serves the next call", async () => {
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
    session.write(
      call(
        2,
        "record_artifact",
        `{"id":"REQ-deep","kind":"requirement","title":"Deep","fields":{"body":${nested(10_000)}}}`,
      ),
    );
    await session.answerTo(2);
    session.write(call(3, "get_line", '{"id":"checkout"}'));
    await session.answerTo(3);
    child.stdin.end();
    expect(await session.exited).toBe(0);

    const refusal = answerText(session.received, 2) ?? "";
    expect(refusal).toMatch(
      /^E_VALIDATION: record_artifact input is invalid: fields\.body(\.a)+: nests deeper than 512 levels/,
    );
    expect(refusal.length).toBeLessThan(3_000);
    expect(JSON.parse(answerText(session.received, 3) ?? "{}")).toMatchObject({ id: "checkout" });
  });
});
