/**
 * A raw stdio session with a spawned `factory-mcp`: for tests that write
 * bytes no MCP client would (oversized lines, text that is not JSON).
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";

/** Writes lines to a server process and collects the JSON-RPC messages it answers and its stderr. */
export function rawSession(child: ChildProcessWithoutNullStreams) {
  const received: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let pending = "";
  // A server that exited makes writes fail with EPIPE; answerTo reports the exit instead.
  child.stdin.on("error", () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") received.push(JSON.parse(line));
  });
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const until = async (done: () => boolean, what: string) => {
    while (!done()) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before ${what}`);
      await new Promise((wake) => setTimeout(wake, 20));
    }
  };
  return {
    received,
    /** What the server wrote on stderr so far. */
    stderr: () => stderr.join(""),
    write: (line: string) => child.stdin.write(`${line}\n`),
    exited,
    answerTo: (id: number) => until(() => received.some((message) => message.id === id), `answering ${id}`),
    /** Waits until the server has written `count` messages in all. */
    receivedCount: (count: number) => until(() => received.length >= count, `writing ${count} messages`),
  };
}
