import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { StoredEvent } from "@software-factory/core";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../../core/test/fixtures/postgresTestServer.js";
import { type HttpServer, serveHttp } from "../src/index.js";

const token = "pg-test-token-0123456789";
const schemas = new TestSchemas();
const cleanups: (() => Promise<void> | void)[] = [];

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text?: string }[];
};

const PLAN = {
  product: { id: "shop" },
  operators: [{ id: "ana" }, { id: "bo" }],
  lines: [
    { id: "checkout", description: "Cart and order confirmation", owner: "ana", paths: ["/src/checkout/"] },
    { id: "payments", description: "Card payments and refunds", owner: "bo", paths: ["/src/payments/"] },
  ],
};

/** A URL of the test server (or of a proxy in front of it) naming a schema. */
function urlOf(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** One operator's MCP server over a factory opened on `store`, and a real client connected to it. */
async function operator(
  store: string,
  actor: string,
): Promise<{ factory: Factory; server: HttpServer; client: Client }> {
  const dir = mkdtempSync(join(tmpdir(), `factory-mcp-pg-${actor}-`));
  const factory = await openFactory({ dir, store, actor });
  const server = await serveHttp(factory, { port: 0, token });
  const client = new Client({ name: `test-${actor}`, version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  cleanups.push(async () => {
    await client.close();
    await server.close();
    await factory.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { factory, server, client };
}

const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolResult;

const note = (title: string, body: string) => ({ kind: "note", title, body, lines: ["payments"] });

/** Polls `check` until it passes or `ms` runs out; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not seen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

/**
 * A TCP proxy in front of the test server that can be cut (every connection
 * destroyed, nothing listening) and brought back on the same port: the
 * PostgreSQL server going away and coming back, as the factory sees it.
 */
interface OutageProxy {
  readonly url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function startOutageProxy(targetUrl: string): Promise<OutageProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    const next = createServer((client) => {
      const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => next.listen(port, "127.0.0.1", resolve));
    const address = next.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no port");
    port = address.port;
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current !== undefined) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await listen();
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return { url: url.toString(), cut: stop, restore: listen, close: stop };
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

describe.skipIf(skipPostgres)("MCP servers of two operators on one PostgreSQL factory", () => {
  it("see each other's captures and work items within a second, without a restart", async () => {
    const store = urlOf(POSTGRES_TEST_URL, schemas.next("mcp_two"));
    const ana = await operator(store, "ana");
    await ana.factory.floorplan.applyPlan(PLAN);
    const bo = await operator(store, "bo");

    const captured = await call(
      ana.client,
      "capture_knowledge",
      note("Refunds take five days", "Refunds settle in five business days."),
    );
    expect(captured.isError, captured.content[0]?.text).toBeFalsy();
    const seenByBo = await within(1000, async () => {
      const found = await call(bo.client, "search_knowledge", { query: "refunds settle business days" });
      return ((found.structuredContent?.hits ?? []) as { id: string }[]).some(
        (hit) => hit.id === captured.structuredContent?.id,
      );
    });
    expect(seenByBo).toBeLessThan(1000);

    const created = await call(bo.client, "create_work_item", { line: "payments", title: "Faster refunds" });
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    const createdId =
      (created.structuredContent?.item as { id: string } | undefined)?.id ?? created.structuredContent?.id;
    expect(createdId).toEqual(expect.stringMatching(/^wi_/));
    const seenByAna = await within(1000, async () => {
      const listed = await call(ana.client, "list_work", { line: "payments" });
      return ((listed.structuredContent?.items ?? []) as { id: string }[]).some(
        (item) => item.id === createdId,
      );
    });
    expect(seenByAna).toBeLessThan(1000);
  });

  it("fails a write clearly while the server is away, then resumes writes and catches subscriptions up without loss", async () => {
    const schema = schemas.next("mcp_outage");
    const proxy = await startOutageProxy(POSTGRES_TEST_URL);
    cleanups.push(() => proxy.close());
    const ana = await operator(urlOf(proxy.url, schema), "ana");
    await ana.factory.floorplan.applyPlan(PLAN);
    const bo = await operator(urlOf(POSTGRES_TEST_URL, schema), "bo");
    const seen: StoredEvent[] = [];
    const subscription = await ana.factory.log.subscribe((event) => {
      seen.push(event);
    });
    cleanups.push(() => subscription.close());

    const before = await call(
      bo.client,
      "capture_knowledge",
      note("Before the outage", "Written while all is well."),
    );
    expect(before.isError).toBeFalsy();
    await within(2000, async () => seen.length >= 1);

    await proxy.cut();
    const started = Date.now();
    const failed = await call(
      ana.client,
      "capture_knowledge",
      note("During the outage", "Cannot be stored."),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(failed.isError).toBe(true);
    expect(failed.content[0]?.text).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/test/);
    // The other operator's server, with its own connection, keeps writing meanwhile.
    const during: string[] = [];
    for (const index of [1, 2, 3]) {
      const stored = await call(
        bo.client,
        "capture_knowledge",
        note(`Outage note ${index}`, `Written by bo while ana is cut off (${index}).`),
      );
      during.push(stored.structuredContent?.id as string);
    }
    // ana's server keeps answering (a read fails, no crash) while the server is away.
    const list = await call(ana.client, "list_work", {});
    expect(list.content.length).toBeGreaterThan(0);

    await proxy.restore();
    // Without ana writing anything, its subscription catches up on what bo wrote
    // while it was cut off (its LISTEN connection comes back and wakes it).
    const missed = await bo.factory.log.head();
    await within(10_000, async () => (seen.at(-1)?.seq ?? 0) >= missed);
    const after = await call(
      ana.client,
      "capture_knowledge",
      note("After the outage", "Stored once the server is back."),
    );
    expect(after.isError, after.content[0]?.text).toBeFalsy();
    expect(after.structuredContent?.seq).toBe(missed + 1);
    await within(2000, async () => (seen.at(-1)?.seq ?? 0) >= missed + 1);
    // Every event, once each, in order: nothing missed while the server was away.
    const first = seen[0]?.seq ?? 1;
    const all = await bo.factory.log.read({ after: first - 1, limit: 10_000 });
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(seen.map((event) => event.seq)).toEqual(all.map((event) => event.seq));
    expect(seen.map((event) => event.id)).toEqual(all.map((event) => event.id));
    // ana's server answers from projections that caught up on bo's writes too.
    const found = await call(ana.client, "search_knowledge", {
      query: "written by bo while ana is cut off",
      limit: 10,
    });
    const ids = ((found.structuredContent?.hits ?? []) as { id: string }[]).map((hit) => hit.id);
    expect(ids).toEqual(expect.arrayContaining(during));
  });
});
