/**
 * `factory mcp` takes factory-mcp's HTTP flags with their meaning and
 * refusals, and stops on a signal as factory-mcp does: the built bin, run as a
 * subprocess, over real HTTP connections.
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunningBin, startBin } from "./mcpBins.js";
import { BIN, runFactory } from "./runFactory.js";

const token = "cli-mcp-http-token-0123456789";
/** Each test runs the bin, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
let cwd: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-mcp-http-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "code"));
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(cwd, { recursive: true, force: true });
});

/** `factory --dir .factory mcp <args>` run to its end, with the token in FACTORY_MCP_TOKEN. */
const mcp = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  runFactory(["--dir", ".factory", "mcp", ...args], { cwd, env: { FACTORY_MCP_TOKEN: token, ...env } });

/** Starts `factory --dir .factory mcp <args>` with the token in FACTORY_MCP_TOKEN. */
function start(args: readonly string[]): RunningBin {
  const running = startBin([BIN, "--dir", ".factory", "mcp", ...args], cwd, token);
  children.push(running.child);
  return running;
}

/** Starts `factory mcp --http 0 <args>` and resolves with its URL once it serves. */
async function serving(args: readonly string[]): Promise<RunningBin & { url: string }> {
  const running = start(["--http", "0", ...args]);
  await expect.poll(running.stderr, { timeout: 60_000, interval: 50 }).toMatch(/serving .* at http/);
  return { ...running, url: /at (http:\/\/\S+)/.exec(running.stderr())?.[1] as string };
}

/** A JSON-RPC request body. */
const rpc = (id: number, method: string, params: object) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

/**
 * A POST on its own connection whose headers the server has acknowledged
 * (100 Continue) and whose body is not sent yet: a request in flight.
 * `send` writes the body and resolves with the status and body of the answer.
 */
function begun(
  url: string,
  body: string,
): Promise<{ send: () => Promise<{ status: number; body: string }> }> {
  return new Promise((acknowledged, refused) => {
    const answer = new Promise<{ status: number; body: string }>((answered, failed) => {
      const req = request(url, {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${token}`,
          expect: "100-continue",
          "content-length": Buffer.byteLength(body),
        },
      });
      const send = () => {
        req.end(body);
        return answer;
      };
      req.on("continue", () => acknowledged({ send }));
      req.on("response", (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        response.on("end", () => answered({ status: response.statusCode ?? 0, body: text }));
        response.on("error", failed);
      });
      req.on("error", (error) => {
        refused(error);
        failed(error);
      });
    });
    answer.catch(() => undefined);
  });
}

/** Sends `body` at once and resolves with the answer. */
async function post(url: string, body: string) {
  return (await begun(url, body)).send();
}

describe("factory mcp --http flags, as factory-mcp takes them", () => {
  it(
    "refuses a --host beyond this machine without --allowed-host with exit code 2, naming the flag",
    SLOW,
    async () => {
      const result = await mcp(["--http", "0", "--host", "0.0.0.0"]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(
        /^error: E_USAGE: --host 0\.0\.0\.0 serves beyond this machine: give --allowed-host/,
      );
    },
  );

  it("refuses --tools import over --http without --import-root with exit code 2", SLOW, async () => {
    const result = await mcp(["--http", "0", "--tools", "knowledge,import"]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("--tools import over --http needs --import-root <dir>");
  });

  it("refuses flag values that do not parse, naming the flag", SLOW, async () => {
    const cases: [string[], string, NodeJS.ProcessEnv?][] = [
      [
        ["--http", "0", "--max-connections", "0"],
        '--max-connections must be a whole number of 1 or more, got "0"',
      ],
      [["--http", "0", "--allowed-origin", "https://"], '--allowed-origin "https://" is not an origin'],
      [["--http", "0", "--tools", "import", "--import-root", "nope"], "--import-root nope does not exist"],
      [["--http", "0"], "--http needs a token: set FACTORY_MCP_TOKEN", { FACTORY_MCP_TOKEN: "" }],
    ];
    for (const [args, message, env] of cases) {
      const result = await mcp(args, env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it(
    "serves the import group over HTTP with --import-root, and warns about --token and plain HTTP",
    SLOW,
    async () => {
      const server = await serving([
        "--tools",
        "knowledge,import",
        "--import-root",
        "code",
        "--host",
        "0.0.0.0",
        "--allowed-host",
        "mcp.example.test,other.example.test",
        "--token",
        token,
      ]);
      expect(server.stderr()).toContain("warning: --token on the command line can be read by other users");
      expect(server.stderr()).toContain("warning: serving plain HTTP on 0.0.0.0");
      const answer = await post(server.url.replace("0.0.0.0", "127.0.0.1"), rpc(1, "tools/list", {}));
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('"import_codebase"');
      expect(answer.body).not.toContain('"capture_signal"');
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    },
  );
});

describe("factory mcp stops cleanly", () => {
  it("on SIGTERM answers every request in flight, closes the factory and exits 0", SLOW, async () => {
    const server = await serving([]);
    const bodies = Array.from({ length: 30 }, (_, index) =>
      rpc(index + 1, "tools/call", {
        name: "capture_knowledge",
        arguments: {
          kind: "note",
          title: `Signal note ${index + 1}`,
          body: `Written before the signal (${index + 1}).`,
          lines: ["checkout"],
        },
      }),
    );
    const inFlight = await Promise.all(bodies.map((body) => begun(server.url, body)));
    server.child.kill("SIGTERM");
    await expect.poll(server.stderr, { timeout: 10_000, interval: 20 }).toContain("SIGTERM: stopping");
    const answers = await Promise.all(inFlight.map((request) => request.send()));
    expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 200));
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/\nfactory mcp: stopped\n/);
    const factory = await openFactory({ dir: join(cwd, ".factory") });
    try {
      const notes = await factory.knowledge.list({ limit: 100 });
      expect(notes.filter((note) => note.title.startsWith("Signal note"))).toHaveLength(30);
    } finally {
      await factory.close();
    }
  });

  it("exits 1 at once on a second signal while requests are still in flight", SLOW, async () => {
    const server = await serving([]);
    const inFlight = await begun(server.url, rpc(1, "tools/list", {}));
    server.child.kill("SIGTERM");
    await expect.poll(server.stderr, { timeout: 10_000, interval: 20 }).toContain("SIGTERM: stopping");
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain("SIGINT again: exiting without waiting");
    await expect(inFlight.send()).rejects.toThrow();
  });

  it.each(["SIGTERM", "SIGHUP"] as const)("over stdio, exits 0 on %s", SLOW, async (signal) => {
    const running = start([]);
    running.child.stdin?.write(
      `${rpc(1, "initialize", {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "t", version: "1" },
      })}\n`,
    );
    await new Promise((answered) => running.child.stdout?.once("data", answered));
    running.child.kill(signal);
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toContain(`${signal}: stopping`);
  });
});
