import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./fixtures.js";

const folders: string[] = [];

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
};
const initialized = { jsonrpc: "2.0", method: "notifications/initialized" };
const slowCall = {
  jsonrpc: "2.0",
  id: 2,
  method: "tools/call",
  params: { name: "run_skill", arguments: { name: "finish-when-told-to-stop" } },
};

/**
 * Starts the slow-call server, sends the slow call once the handshake is
 * answered, then stops the server the given way; resolves with every message
 * it wrote and its exit code once it has exited.
 */
function callThenStop(
  how: "stdin end" | "SIGTERM",
): Promise<{ messages: { id?: number }[]; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), "mcp-answer-before-exit-"));
  folders.push(dir);
  const child = spawn(
    process.execPath,
    [
      "--conditions=@software-factory/source",
      "--import",
      "tsx",
      join(repoRoot, "packages/mcp/test/slowCallServer.ts"),
      dir,
    ],
    { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] },
  );
  const messages: { id?: number }[] = [];
  let pending = "";
  let called = false;
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") messages.push(JSON.parse(line));
    if (!called && messages.some((message) => message.id === 1)) {
      called = true;
      child.stdin.write(`${JSON.stringify(initialized)}\n${JSON.stringify(slowCall)}\n`);
      if (how === "stdin end") child.stdin.end();
      else child.kill("SIGTERM");
    }
  });
  child.stdin.write(`${JSON.stringify(initialize)}\n`);
  return new Promise((resolve) => child.once("close", (code) => resolve({ messages, code })));
}

describe("a stdio server told to stop while a call runs", () => {
  it.each(["stdin end", "SIGTERM"] as const)(
    "answers the call before it exits (%s), then exits 0",
    async (how) => {
      const { messages, code } = await callThenStop(how);
      const answer = messages.find((message) => message.id === 2) as
        | { result?: { isError?: boolean; structuredContent?: { output?: unknown } } }
        | undefined;
      expect(answer?.result?.isError).toBeUndefined();
      expect(answer?.result?.structuredContent?.output).toEqual({ finished: true });
      expect(code).toBe(0);
    },
    60_000,
  );
});
