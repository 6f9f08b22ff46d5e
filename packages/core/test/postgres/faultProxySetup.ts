/**
 * The setup the PostgreSQL store tests through a fault proxy share: fresh
 * schemas, fault proxies in front of the test server, and stores opened on
 * either, all closed and dropped after each test of the file.
 */
import type { EventLog, EventStore } from "@software-factory/core";
import { openPostgresEventStore, type PostgresEventStoreOptions } from "@software-factory/core/postgres";
import { afterEach } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { type FaultProxy, startFaultProxy } from "../fixtures/postgresFaultProxy.js";
import { POSTGRES_TEST_URL, TestSchemas } from "../fixtures/postgresTestServer.js";

/** What {@link faultProxySetup} gives a test file. */
export interface FaultProxySetup {
  /** A fresh schema named after `prefix`, dropped after the test. */
  schema(prefix: string): string;
  /** A fault proxy in front of the test server, closed after the test (after the stores). */
  proxy(): Promise<FaultProxy>;
  /** Opens a store, closed after the test; `url` defaults to the test server's. */
  openStore(options: Partial<PostgresEventStoreOptions>): Promise<EventStore>;
  /** Opens a store as {@link openStore} does and gives the log of notes over it. */
  openLog(options: Partial<PostgresEventStoreOptions>): Promise<EventLog>;
}

/** Registers the cleanup after each test of the calling file and returns the setup its tests share. */
export function faultProxySetup(): FaultProxySetup {
  const schemas = new TestSchemas();
  const stores: EventStore[] = [];
  const proxies: FaultProxy[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const proxy of proxies.splice(0)) await proxy.close();
    await schemas.dropAll();
  });
  const openStore = async (options: Partial<PostgresEventStoreOptions>) => {
    const store = await openPostgresEventStore({ url: POSTGRES_TEST_URL, ...options });
    stores.push(store);
    return store;
  };
  return {
    schema: (prefix) => schemas.next(prefix),
    proxy: async () => {
      const proxy = await startFaultProxy(POSTGRES_TEST_URL);
      proxies.push(proxy);
      return proxy;
    },
    openStore,
    openLog: async (options) => logOver(await openStore(options)),
  };
}

/** A `note.added` event (of the notes `logOver` knows) with `text`. */
export const note = (text: string) => ({ type: "note.added", subject: "s", data: { text } });
