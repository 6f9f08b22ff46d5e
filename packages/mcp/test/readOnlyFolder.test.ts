/**
 * `factory-mcp --dir <folder>` over a folder the server's process may not
 * write, with a real client over stdio: the server runs as nobody (uid and gid
 * 65534) when the tests run as root, whom chmod does not stop. Reads answer,
 * writes answer E_READ_ONLY naming the folder, the server goes on serving,
 * and the folder is byte for byte as it was.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Client,
  type JSONRPCMessage,
  ReadBuffer,
  serializeMessage,
  type Transport,
} from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderDigest, makeReadOnly, makeWritable } from "../../core/test/fixtures/runUnprivileged.js";
import { callTool, repoRoot, seededFactory, serverArgs } from "./fixtures.js";

/** Whether the tests run as root, whom file modes do not stop. */
const asRoot = process.getuid?.() === 0;

/** Stdio to `factory-mcp` started as a user who may not write a folder made read-only (nobody under root). */
class UnprivilegedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  stderr = "";
  readonly #args: readonly string[];
  readonly #buffer = new ReadBuffer();
  #child: ChildProcessWithoutNullStreams | undefined;

  constructor(args: readonly string[]) {
    this.#args = args;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, serverArgs(this.#args), {
      cwd: repoRoot,
      env: { ...process.env, HOME: tmpdir(), FACTORY_DATABASE_URL: "" },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    this.#child = child;
    child.stdout.on("data", (chunk: Buffer) => {
      this.#buffer.append(chunk);
      for (let message = this.#buffer.readMessage(); message !== null; message = this.#buffer.readMessage())
        this.onmessage?.(message);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString("utf8");
    });
    child.stdin.on("error", (error) => this.onerror?.(error));
    child.on("close", () => this.onclose?.());
    await new Promise<void>((resolve, reject) => child.once("spawn", resolve).once("error", reject));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.#child?.stdin.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("close", resolve));
    child.stdin.end();
    await exited;
  }
}

let root: string;
let dir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "factory-mcp-read-only-"));
  dir = join(root, ".factory");
  const { factory } = await seededFactory(dir);
  await factory.close();
  makeReadOnly(root);
});

afterAll(() => {
  makeWritable(root);
  rmSync(root, { recursive: true, force: true });
});

describe("factory-mcp over a folder it may not write", () => {
  it("answers reads, answers each write with E_READ_ONLY naming the folder, keeps serving, and writes nothing", async () => {
    const before = folderDigest(dir);
    const transport = new UnprivilegedStdioTransport(["--dir", dir, "--actor", "agent"]);
    const client = new Client({ name: "read-only-test", version: "1.0.0" });
    try {
      await client.connect(transport);
    } catch (error) {
      throw new Error(`factory-mcp did not start: ${String(error)}; its stderr: ${transport.stderr}`);
    }

    const owner = await callTool(client, "who_owns", { paths: ["src/payments/card.ts"] });
    expect(owner.isError).toBeUndefined();
    expect(owner.content[0]?.text).toContain('"owner":"bo"');
    const search = await callTool(client, "search_knowledge", { query: "payment retries" });
    expect((search.structuredContent as { hits: { title: string }[] }).hits[0]?.title).toBe(
      "Retry failed payments three times",
    );

    const refusal = `E_READ_ONLY: cannot write to the event store at ${join(dir, "factory.db")}: the folder ${dir} is read-only for this process`;
    const captured = await callTool(client, "capture_knowledge", {
      kind: "note",
      title: "Not written",
      body: "The server may not write.",
    });
    expect(captured.isError).toBe(true);
    expect(captured.content[0]?.text).toContain(refusal);
    expect(captured.content[0]?.text).toContain("nothing was written");
    const created = await callTool(client, "create_work_item", { line: "checkout", title: "Refunds" });
    expect(created.isError).toBe(true);
    expect(created.content[0]?.text).toContain(refusal);

    // Still serving after the refusals: a read answers as before.
    const line = await callTool(client, "get_line", { id: "checkout" });
    expect(line.isError).toBeUndefined();
    expect(line.content[0]?.text).toContain("ana");
    await client.close();

    expect(folderDigest(dir)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(["cache", "factory.db"]);
    expect(existsSync(join(dir, "factory.db-wal"))).toBe(false);
  });
});
