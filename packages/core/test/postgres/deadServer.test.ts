import { type EventStore, StoreError, ValidationError } from "@software-factory/core";
import { openPostgresEventStore, type PostgresEventStoreOptions } from "@software-factory/core/postgres";
import { describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import type { FaultProxy } from "../fixtures/postgresFaultProxy.js";
import { skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup } from "./faultProxySetup.js";

// A server that went away while a store's pool held connections to it.
const setup = faultProxySetup();

/** A store through a proxy, with the default retries and query timeout (30 s), and its pool filled with `connections`. */
async function storeThroughProxy(
  connections: number,
  options: Partial<PostgresEventStoreOptions> = {},
): Promise<{ store: EventStore; proxy: FaultProxy; target: string }> {
  const proxy = await setup.proxy();
  const store = await setup.openStore({ url: proxy.url, schema: setup.schema("dead"), ...options });
  await Promise.all(Array.from({ length: connections }, () => store.head()));
  const url = new URL(proxy.url);
  return { store, proxy, target: `${url.hostname}:${url.port}/test` };
}

// Without a deadline for the whole call, each of these waited 30 s per silent pool connection (minutes in all).
describe.skipIf(skipPostgres)("PostgreSQL store whose server went silent", () => {
  it("fails a read after callTimeoutMs with an error naming host and port, instead of one query timeout per connection", async () => {
    const { store, proxy, target } = await storeThroughProxy(4, { callTimeoutMs: 1_500 });
    proxy.silenceServer();
    const failure = await store.head().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(
      new RegExp(
        `^cannot reach PostgreSQL at ${target} while reading the head: no answer within 1500 ms \\(`,
      ),
    );
    expect((failure as StoreError).message).toContain("is the server running and reachable?");
  });

  it("fails an append the same way, and takes the timeout from the URL's call_timeout_ms", async () => {
    const proxy = await setup.proxy();
    const url = new URL(proxy.url);
    url.searchParams.set("schema", setup.schema("dead"));
    url.searchParams.set("call_timeout_ms", "1200");
    const store = await setup.openStore({ url: url.toString() });
    await Promise.all([store.head(), store.head()]);
    proxy.silenceServer();
    const failure = await logOver(store)
      .append({ type: "note.added", subject: "s", data: { text: "lost" } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toContain(
      `cannot reach PostgreSQL at ${url.hostname}:${url.port}/test while appending events: no answer within 1200 ms`,
    );
  });

  it("still answers within the timeout when a new connection does: one frozen connection is retried", async () => {
    const { store, proxy } = await storeThroughProxy(1, { callTimeoutMs: 5_000, queryTimeoutMs: 500 });
    proxy.freezeOpenConnections();
    expect(await store.head()).toBe(0);
  });
});

describe("PostgreSQL store call timeout option", () => {
  it("refuses a call_timeout_ms that is not a whole number of milliseconds, naming the url", async () => {
    for (const bad of ["0", "soon", "1.5"]) {
      const attempt = openPostgresEventStore({ url: `postgres://db/factory?call_timeout_ms=${bad}` });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toThrow(
        /url: the URL's call_timeout_ms parameter must be a whole number/,
      );
    }
    await expect(openPostgresEventStore({ url: "postgres://db/factory", callTimeoutMs: 0 })).rejects.toThrow(
      /callTimeoutMs/,
    );
  });
});
