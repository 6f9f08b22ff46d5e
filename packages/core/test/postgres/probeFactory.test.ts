import { createServer, type Socket } from "node:net";
import { StoreError } from "@software-factory/core";
import { openPostgresEventStore, probePostgresFactory } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();

afterEach(async () => {
  await schemas.dropAll();
});

async function schemaExists(schema: string): Promise<boolean> {
  const { rows } = await withAdmin((admin) =>
    admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]),
  );
  return rows.length > 0;
}

describe.skipIf(skipPostgres)("probePostgresFactory", () => {
  it("finds no factory in a schema that does not exist, and does not create it", async () => {
    const schema = schemas.next("probe");
    const url = `${POSTGRES_TEST_URL}?schema=${schema}`;
    expect(await probePostgresFactory({ url })).toMatchObject({ schema, found: false });
    expect(await schemaExists(schema)).toBe(false);
  });

  it("finds no factory in a schema that holds other tables", async () => {
    const schema = schemas.next("probe");
    await withAdmin((admin) =>
      admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".other (x int)`),
    );
    expect(await probePostgresFactory({ url: POSTGRES_TEST_URL, schema })).toMatchObject({ found: false });
  });

  it("finds the factory once a store has opened the schema", async () => {
    const schema = schemas.next("probe");
    const store = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
    await store.close();
    expect(await probePostgresFactory({ url: POSTGRES_TEST_URL, schema })).toMatchObject({
      schema,
      found: true,
    });
  });

  it("names host and port when the server cannot be reached", async () => {
    const failure = await probePostgresFactory({ url: "postgres://nobody@127.0.0.1:1/test" }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/127\.0\.0\.1:1\/test/);
  });
});

/** A server that accepts connections and never answers, like a PostgreSQL host that hangs; closed by the returned function. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the silent server has no port");
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What looking for a factory and opening the store do on a silent server: fail after the wait, saying so. */
describe.each([
  { call: "probePostgresFactory", doing: "looking for a factory", run: probePostgresFactory },
  { call: "openPostgresEventStore", doing: "opening the event store", run: openPostgresEventStore },
])("$call on a server that never answers", ({ doing, run }) => {
  async function failure(query: string): Promise<{ message: string; ms: number; port: number }> {
    const server = await silentServer();
    try {
      const started = Date.now();
      const failed = await run({ url: `postgres://nobody@127.0.0.1:${server.port}/test?${query}` }).catch(
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(StoreError);
      return { message: (failed as StoreError).message, ms: Date.now() - started, port: server.port };
    } finally {
      await server.close();
    }
  }

  it("gives up after the URL's call_timeout_ms, saying the server did not answer within it", async () => {
    const { message, ms, port } = await failure("call_timeout_ms=1500");
    expect(message).toMatch(
      new RegExp(
        `^PostgreSQL at 127\\.0\\.0\\.1:${port}/test did not answer within 1500 ms while ${doing}: .*call_timeout_ms`,
      ),
    );
    expect(ms).toBeGreaterThanOrEqual(1_400);
    expect(ms).toBeLessThan(3_000);
  });

  it("gives up after the URL's connect_timeout, in seconds as in libpq, when that is shorter", async () => {
    const { message, ms } = await failure("connect_timeout=1");
    expect(message).toContain(`did not answer within 1000 ms while ${doing}`);
    expect(ms).toBeLessThan(2_500);
  });
});
