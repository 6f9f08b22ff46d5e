import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ClientOptions } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { defineRule, type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, expect } from "vitest";

/** A factory in a temp folder with three lines, two operators, a document and a rule. */
export async function seededFactory(
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-")),
): Promise<{ dir: string; factory: Factory }> {
  const factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      {
        id: "checkout",
        description: "Cart, payment and order confirmation",
        owner: "ana",
        paths: ["/src/checkout/"],
      },
      { id: "payments", description: "Card payments and refunds", owner: "bo", paths: ["/src/payments/"] },
      {
        id: "search",
        description: "Product search",
        owner: "bo",
        paths: ["/src/search/"],
        dependsOn: ["checkout"],
      },
    ],
  });
  await factory.knowledge.capture({
    kind: "decision",
    title: "Retry failed payments three times",
    body: "Checkout retries a failed card payment three times, then shows an error.",
    source: { system: "seed", author: "ana" },
    lines: ["checkout"],
    decision: { status: "accepted", context: "flaky provider", decision: "three retries" },
  });
  factory.standards.add(
    defineRule<{ description?: string }>({
      id: "line-described",
      description: "every line says what it is for",
      severity: "warning",
      appliesTo: "line",
      check: (line) => (line.description === undefined ? [{ message: "no description" }] : []),
    }),
  );
  return { dir, factory };
}

/** The repository root, the working folder of the servers the tests start. */
export const repoRoot = join(import.meta.dirname, "..", "..", "..");

/**
 * The built `factory-mcp` bin, as users run it. The global set-up of the test
 * run (packages/cli/test/globalSetup.ts) rebuilds it when its sources, or
 * those of a package it loads, are newer.
 */
export const BIN = join(repoRoot, "packages/mcp/dist/bin.js");

/**
 * The arguments of `node` (run in {@link repoRoot}) that start the built
 * `factory-mcp` with `args`, for a test that starts it without
 * {@link connectToServer}: one writing raw bytes to its stdin, or another client.
 */
export function serverArgs(args: readonly string[]): string[] {
  return [BIN, ...args];
}

/**
 * A stdio transport that a client pinned to a 2026 revision probes in place:
 * the SDK starts a throwaway server for its `server/discover` probe only with
 * the stock `StdioClientTransport` (docs/mcp.md), which would double every
 * start-up in these tests.
 */
class ProbedInPlaceTransport extends StdioClientTransport {}

/** Variations of {@link connectToServer}. */
export interface ServerConnectionOptions {
  /** Options of the client: the protocol it speaks (`versionNegotiation`), its list-changed handlers. */
  readonly client?: ClientOptions;
  /** Called with what the server writes on stderr, chunk by chunk. */
  readonly onStderr?: (text: string) => void;
}

/**
 * A client named `name` connected over stdio to the built `factory-mcp` run
 * with `args` (`--dir`, `--actor`...), its stderr piped.
 */
export async function connectToServer(
  name: string,
  args: readonly string[],
  options: ServerConnectionOptions = {},
): Promise<Client> {
  const client = new Client({ name, version: "1.0.0" }, options.client);
  const transport = new ProbedInPlaceTransport({
    command: process.execPath,
    args: serverArgs(args),
    cwd: repoRoot,
    stderr: "pipe",
  });
  const { onStderr } = options;
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    stderr += text;
    onStderr?.(text);
  });
  try {
    await client.connect(transport);
  } catch (error) {
    // A server that exits while starting (a bin being rebuilt by another run, a bad flag) says why on stderr.
    throw new Error(`factory-mcp ${args.join(" ")} did not start: ${String(error)}; its stderr: ${stderr}`, {
      cause: error,
    });
  }
  return client;
}

/** A {@link seededFactory} folder shared by the tests of one file; read `dir` inside tests and hooks. */
export interface SeededFolder {
  readonly dir: string;
}

/**
 * Makes a {@link seededFactory} folder before the tests of the file and
 * deletes it after them. `prepare` adds to the factory (or the folder) before
 * it is closed, so the servers the tests start find it there.
 */
export function useSeededFolder(
  prepare?: (seeded: { dir: string; factory: Factory }) => Promise<void> | void,
): SeededFolder {
  let dir: string | undefined;
  beforeAll(async () => {
    const seeded = await seededFactory();
    dir = seeded.dir;
    try {
      await prepare?.(seeded);
    } finally {
      await seeded.factory.close();
    }
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    get dir() {
      if (dir === undefined) throw new Error("the seeded folder exists only while the file's tests run");
      return dir;
    },
  };
}

/** What a tool call answers, as the tests read it. */
export interface ToolResult {
  readonly isError?: boolean;
  readonly content: { text: string }[];
  readonly structuredContent?: Record<string, unknown>;
}

/** Calls the tool `name` with `args` and returns its answer. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

/** A client of `factory-mcp` over a {@link SeededFolder}, shared by the tests of one file. */
export interface SeededServer extends SeededFolder {
  readonly client: Client;
  /** Calls a tool and returns its answer. */
  call(name: string, args: Record<string, unknown>): Promise<ToolResult>;
  /** Calls a tool that must answer an error (checked) and returns the error's text. */
  refused(name: string, args: Record<string, unknown>): Promise<string>;
}

/**
 * A client named `name` connected over stdio, before the tests of the file,
 * to the built `factory-mcp` serving a {@link useSeededFolder} folder (made
 * with `prepare`) as the actor `agent`; closed after them.
 */
export function useSeededServer(
  name: string,
  prepare?: (seeded: { dir: string; factory: Factory }) => Promise<void> | void,
): SeededServer {
  const folder = useSeededFolder(prepare);
  let connected: Client | undefined;
  beforeAll(async () => {
    connected = await connectToServer(name, ["--dir", folder.dir, "--actor", "agent"]);
  });
  afterAll(async () => {
    await connected?.close();
    connected = undefined;
  });
  const client = (): Client => {
    if (connected === undefined) throw new Error("the server is connected only while the file's tests run");
    return connected;
  };
  return {
    get dir() {
      return folder.dir;
    },
    get client() {
      return client();
    },
    call: (tool, args) => callTool(client(), tool, args),
    refused: async (tool, args) => {
      const result = await callTool(client(), tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      return result.content[0]?.text ?? "";
    },
  };
}
