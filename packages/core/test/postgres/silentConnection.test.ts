import { type EventStore, type StoredEvent, StoreError } from "@software-factory/core";
import { openPostgresEventStore, type PostgresEventStoreOptions } from "@software-factory/core/postgres";
import { describe, expect, it } from "vitest";
import { logOver, waitFor } from "../contract/eventStoreContract.js";
import { skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

// Connections whose other end vanished without closing: nothing arrives, no error is raised.
const setup = faultProxySetup();

/** Short timeouts, so that a silent connection is found in well under a second. */
const quick: Partial<PostgresEventStoreOptions> = {
  queryTimeoutMs: 500,
  listenerCheckIntervalMs: 200,
  catchUpIntervalMs: 0,
  retry: { initialDelayMs: 50, maxDelayMs: 200 },
};

function open(schema: string, extra: Partial<PostgresEventStoreOptions> = {}): Promise<EventStore> {
  return setup.openStore({ schema, ...quick, ...extra });
}

describe.skipIf(skipPostgres)("PostgreSQL event store over a connection that went silent", () => {
  it("answers a call made on a frozen connection on a new one instead of hanging", async () => {
    const schema = setup.schema("silent");
    const through = await setup.proxy();
    const store = await open(schema, { url: through.url });
    await logOver(store).append(note("a"));
    expect(await store.head()).toBe(1);

    through.freezeOpenConnections();
    const started = Date.now();
    expect(await store.head()).toBe(1);
    expect(await logOver(store).append(note("b"))).toMatchObject([{ seq: 2 }]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await logOver(await open(schema)).read()).map((event) => event.seq)).toEqual([1, 2]);
  });

  it("fails a call within the query timeout when no new connection answers either", async () => {
    const schema = setup.schema("silent");
    const through = await setup.proxy();
    const store = await open(schema, { url: through.url, retry: { attempts: 1 } });
    expect(await store.head()).toBe(0);

    through.freezeOpenConnections();
    const started = Date.now();
    const failure = await store.head().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/Query read timeout/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("delivers an event appended elsewhere to a subscriber whose listening connection froze", async () => {
    const schema = setup.schema("silent");
    const through = await setup.proxy();
    const subscriberLog = logOver(await open(schema, { url: through.url }));
    const writer = logOver(await open(schema));
    const seen: StoredEvent[] = [];
    const subscription = await subscriberLog.subscribe((event) => void seen.push(event));
    await writer.append(note("before"));
    await waitFor(() => seen.length === 1);

    through.freezeOpenConnections();
    // Long enough for the listener's check to find its connection silent.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await writer.append(note("after"));
    await waitFor(() => seen.length === 2);
    expect(seen.map((event) => (event.data as { text: string }).text)).toEqual(["before", "after"]);
    await subscription.close();
  });

  it("closes promptly when its idle connections went silent", async () => {
    const schema = setup.schema("silent");
    const through = await setup.proxy();
    const store = await openPostgresEventStore({ url: through.url, schema, ...quick });
    await Promise.all([store.head(), store.head(), store.head()]);
    store.watch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));

    through.freezeOpenConnections();
    const started = Date.now();
    await store.close();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
