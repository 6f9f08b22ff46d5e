import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, seededFactory, serverArgs } from "./fixtures.js";
import { RawConnection, requestHead } from "./rawHttp.js";

const token = "bin-http-token-0123456789";
const json = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A seeded factory folder, closed. */
async function factoryDir(): Promise<string> {
  const { dir, factory } = await seededFactory(mkdtempSync(join(tmpdir(), "mcp-bin-http-")));
  await factory.close();
  dirs.push(dir);
  return dir;
}

/** A running factory-mcp: its process, what it wrote on stderr so far, and how it exited. */
interface Running {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts factory-mcp with `args` and the token in the environment. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, serverArgs(args), {
    cwd: repoRoot,
    env: { ...process.env, FACTORY_MCP_TOKEN: token, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

/** Starts factory-mcp over HTTP and resolves with its URL once it serves. */
async function serving(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const running = run(["--http", "0", ...args], env);
  await expect.poll(running.stderr, { timeout: 60_000, interval: 50 }).toMatch(/serving .* at http/);
  const url = /at (http:\/\/\S+)/.exec(running.stderr())?.[1] as string;
  return { ...running, url };
}

/** A POST of `body` on a raw connection, its headers sent and acknowledged (100 Continue), its body not yet. */
async function begun(url: string, body: string, headers: Record<string, string> = {}) {
  const connection = await RawConnection.open(url);
  await connection.write(
    requestHead(url, "POST", {
      ...json,
      authorization: `Bearer ${token}`,
      expect: "100-continue",
      "content-length": Buffer.byteLength(body),
      ...headers,
    }),
  );
  await connection.waitFor("100 Continue");
  return connection;
}

const capture = (id: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: {
      name: "capture_knowledge",
      arguments: {
        kind: "note",
        title: `Signal note ${id}`,
        body: `Written before the signal (${id}).`,
        lines: ["checkout"],
      },
    },
  });

describe("factory-mcp --http stops cleanly", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s answers the requests in flight, then closes the factory and exits 0",
    async (signal) => {
      const dir = await factoryDir();
      const server = await serving(["--dir", dir]);
      const bodies = Array.from({ length: 30 }, (_, index) => capture(index + 1));
      const connections = await Promise.all(bodies.map((body) => begun(server.url, body)));
      server.child.kill(signal);
      await expect.poll(server.stderr, { timeout: 10_000, interval: 20 }).toContain(`${signal}: stopping`);
      const answers = await Promise.all(
        connections.map(async (connection, index) => {
          await connection.write(bodies[index] as string);
          return connection.closed();
        }),
      );
      expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 200));
      expect(await server.exited).toBe(0);
      expect(server.stderr()).toContain("factory-mcp: stopped");
      const factory = await openFactory({ dir });
      try {
        const notes = await factory.knowledge.list({ limit: 100 });
        expect(notes.filter((note) => note.title.startsWith("Signal note"))).toHaveLength(30);
      } finally {
        await factory.close();
      }
    },
    120_000,
  );

  it.each(["SIGTERM", "SIGHUP"] as const)(
    "over stdio, exits 0 on %s",
    async (signal) => {
      const running = run(["--dir", await factoryDir()]);
      // Ready once it answers a ping-less probe: an initialize on stdin.
      running.child.stdin?.write(
        `${JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-11-25",
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          },
        })}\n`,
      );
      await new Promise((resolve) => running.child.stdout?.once("data", resolve));
      running.child.kill(signal);
      expect(await running.exited).toBe(0);
      expect(running.stderr()).toContain(`${signal}: stopping`);
      expect(running.stderr()).toContain("factory-mcp: stopped");
    },
    60_000,
  );
});

describe("factory-mcp --http options", () => {
  it("refuses a --host beyond this machine without --allowed-host (exit 2), and serves the names given", async () => {
    const dir = await factoryDir();
    const refused = await promisify(execFile)(
      process.execPath,
      serverArgs(["--dir", dir, "--http", "0", "--host", "0.0.0.0"]),
      { cwd: repoRoot, env: { ...process.env, FACTORY_MCP_TOKEN: token } },
    ).catch((error: { code: number; stderr: string }) => error);
    expect((refused as { code: number }).code).toBe(2);
    expect((refused as { stderr: string }).stderr).toContain("--host 0.0.0.0 serves beyond this machine");
    expect((refused as { stderr: string }).stderr).toContain("--allowed-host");

    const server = await serving([
      "--dir",
      dir,
      "--host",
      "0.0.0.0",
      "--allowed-host",
      "mcp.example.test,other.example.test",
      "--allowed-origin",
      "https://app.example.test",
    ]);
    expect(server.stderr()).toContain("warning: serving plain HTTP on 0.0.0.0");
    const local = server.url.replace("0.0.0.0", "127.0.0.1");
    const list = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
    const statusFor = async (headers: Record<string, string>) => {
      const connection = await RawConnection.open(local);
      await connection.write(
        requestHead(local, "POST", {
          ...json,
          authorization: `Bearer ${token}`,
          connection: "close",
          "content-length": list.length,
          ...headers,
        }) + list,
      );
      return (await connection.closed()).status;
    };
    expect(await statusFor({ host: "mcp.example.test:3333" })).toBe(200);
    expect(await statusFor({ host: "other.example.test" })).toBe(200);
    expect(await statusFor({ host: "0.0.0.0" })).toBe(403);
    expect(await statusFor({ host: "mcp.example.test", origin: "https://app.example.test" })).toBe(200);
    expect(await statusFor({ host: "mcp.example.test", origin: "https://evil.example.test" })).toBe(403);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 120_000);

  it("warns that --token shows in ps, and refuses the import group over HTTP without --import-root", async () => {
    const dir = await factoryDir();
    const server = await serving(["--dir", dir, "--token", token], { FACTORY_MCP_TOKEN: "" });
    expect(server.stderr()).toContain("warning: --token on the command line can be read by other users");
    expect(server.stderr()).not.toContain(`${token}`);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    const refused = await promisify(execFile)(
      process.execPath,
      serverArgs(["--dir", dir, "--http", "0", "--tools", "knowledge,import"]),
      { cwd: repoRoot, env: { ...process.env, FACTORY_MCP_TOKEN: token } },
    ).catch((error: { code: number; stderr: string }) => error);
    expect((refused as { code: number }).code).toBe(2);
    expect((refused as { stderr: string }).stderr).toContain(
      "--tools import over --http needs --import-root",
    );
  }, 120_000);

  it("refuses a token shorter than 16 characters with exit code 2, naming where it came from and not showing it", async () => {
    const dir = await factoryDir();
    for (const [args, env, message] of [
      [[], { FACTORY_MCP_TOKEN: "short-secret" }, "FACTORY_MCP_TOKEN is 12 characters long"],
      [["--token", "short-secret"], { FACTORY_MCP_TOKEN: "" }, "--token is 12 characters long"],
    ] as const) {
      const refused = await promisify(execFile)(
        process.execPath,
        serverArgs(["--dir", dir, "--http", "0", ...args]),
        { cwd: repoRoot, env: { ...process.env, ...env } },
      ).catch((error: { code: number; stderr: string }) => error);
      expect((refused as { code: number }).code).toBe(2);
      expect((refused as { stderr: string }).stderr).toContain(`${message}: the token must be at least 16`);
      expect((refused as { stderr: string }).stderr).not.toContain("short-secret");
    }
  }, 120_000);

  it("refuses a --max-connections that is no positive whole number and an --allowed-origin that is no origin", async () => {
    const dir = await factoryDir();
    for (const [flags, message] of [
      [["--max-connections", "0"], '--max-connections must be a whole number of 1 or more, got "0"'],
      [["--allowed-origin", "https://"], '--allowed-origin "https://" is not an origin'],
    ] as const) {
      const refused = await promisify(execFile)(
        process.execPath,
        serverArgs(["--dir", dir, "--http", "0", ...flags]),
        { cwd: repoRoot, env: { ...process.env, FACTORY_MCP_TOKEN: token } },
      ).catch((error: { code: number; stderr: string }) => error);
      expect((refused as { code: number }).code).toBe(2);
      expect((refused as { stderr: string }).stderr).toContain(message);
    }
  }, 120_000);
});
