import { StoreError } from "@software-factory/core";
import { createPostgresFactory, probePostgresFactory } from "@software-factory/core/postgres";
import { describe, expect, it } from "vitest";
import { skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup } from "./faultProxySetup.js";

const setup = faultProxySetup();

/** What the store says when the server keeps ending its connections while `doing`, after `attempts`. */
function endedMessage(doing: string, attempts: number): RegExp {
  return new RegExp(
    `^PostgreSQL at 127\\.0\\.0\\.1:\\d+/test ended the connection while ${doing} \\(${attempts} attempts\\): terminating connection due to administrator command \\(SQLSTATE 57P01\\); the server answers, but ended the session \\(a failover or restart, pg_terminate_backend`,
  );
}

describe.skipIf(skipPostgres)("opening a PostgreSQL factory while the server ends a connection", () => {
  it("opens the store on a new connection when the server ends the first as it opens", async () => {
    const schema = setup.schema("endopen");
    const proxy = await setup.proxy();
    proxy.endNextSessions(1);

    const store = await setup.openStore({ url: proxy.url, schema });

    expect(proxy.endedSessions).toBe(1);
    expect(await store.head()).toBe(0);
  });

  it("finds the factory on a new connection when the server ends the first", async () => {
    const schema = setup.schema("endprobe");
    await setup.openStore({ schema });
    const proxy = await setup.proxy();
    proxy.endNextSessions(1);

    const probe = await probePostgresFactory({ url: proxy.url, schema });

    expect(proxy.endedSessions).toBe(1);
    expect(probe).toMatchObject({ schema, found: true });
  });

  it("creates the factory on a new connection when the server ends the first", async () => {
    const schema = setup.schema("endcreate");
    const proxy = await setup.proxy();
    proxy.endNextSessions(1);

    const creation = await createPostgresFactory({ url: proxy.url, schema });

    expect(proxy.endedSessions).toBe(1);
    expect(creation).toMatchObject({ schema, created: true });
  });

  it("says the server answers and ended the connection, not that it cannot be reached, when every attempt is ended", async () => {
    const schema = setup.schema("endgiveup");
    const proxy = await setup.proxy();
    const retry = { attempts: 2, initialDelayMs: 1 };

    proxy.endNextSessions(2);
    const opening = await setup.openStore({ url: proxy.url, schema, retry }).catch((error: unknown) => error);
    proxy.endNextSessions(2);
    const looking = await probePostgresFactory({ url: proxy.url, schema, retry }).catch(
      (error: unknown) => error,
    );

    expect(proxy.endedSessions).toBe(4);
    expect(opening).toBeInstanceOf(StoreError);
    expect((opening as StoreError).message).toMatch(endedMessage("opening the event store", 2));
    expect(looking).toBeInstanceOf(StoreError);
    expect((looking as StoreError).message).toMatch(endedMessage("looking for a factory", 2));
  });
});
