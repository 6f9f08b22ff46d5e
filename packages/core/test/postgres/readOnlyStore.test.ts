/**
 * A PostgreSQL store opened read-only writes nothing: where there is no
 * factory it fails naming the server, database and schema, creating neither
 * the schema nor its tables, and a role that may only read opens a factory.
 */
import { randomBytes } from "node:crypto";
import { ReadOnlyError, StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
/** A role that may log in, use the factory's schema and select from its tables, and nothing more. */
const reader = `factory_reader_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
const server = new URL(POSTGRES_TEST_URL);
/** How the store's messages name the test database. */
const target = `${server.hostname}:${server.port === "" ? "5432" : server.port}${server.pathname}`;

/** The test server's URL with `schema`, as `user` (default the server's own) with a password not to show. */
function urlOf(schema: string, user?: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  if (user !== undefined) url.username = user;
  url.password = "hunter2-secret";
  url.searchParams.set("schema", schema);
  return url.toString();
}

async function openFailure(url: string): Promise<unknown> {
  return openPostgresEventStore({ url, readOnly: true }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
}

/** The tables of `schema`, or null when the schema does not exist. */
async function tablesOf(schema: string): Promise<string[] | null> {
  return withAdmin(async (admin) => {
    const found = await admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    if (found.rows.length === 0) return null;
    const { rows } = await admin.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename",
      [schema],
    );
    return rows.map((row) => row.name);
  });
}

describe.skipIf(skipPostgres)("PostgreSQL store opened read-only", () => {
  beforeAll(async () => {
    await withAdmin((admin) => admin.query(`CREATE ROLE "${reader}" LOGIN`));
  });

  afterAll(async () => {
    await schemas.dropAll();
    await withAdmin(async (admin) => {
      await admin.query(`DROP OWNED BY "${reader}"`);
      await admin.query(`DROP ROLE IF EXISTS "${reader}"`);
    });
  });

  it("fails on a missing schema naming server, database and schema, and does not create it", async () => {
    const schema = schemas.next("ro_missing");
    const failure = await openFailure(urlOf(schema));
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(
      `no factory at ${target} in schema "${schema}": the schema does not exist`,
    );
    expect((failure as StoreError).message).not.toContain("hunter2");
    expect(await tablesOf(schema)).toBeNull();
  });

  it("fails on a schema without the factory's tables, and creates none", async () => {
    const schema = schemas.next("ro_empty");
    await withAdmin((admin) => admin.query(`CREATE SCHEMA "${schema}"`));
    const failure = await openFailure(urlOf(schema));
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(
      `no factory at ${target} in schema "${schema}": the schema has no factory tables`,
    );
    expect(await tablesOf(schema)).toEqual([]);
  });

  it("names the GRANT SELECT a role that may use the schema but not read its tables needs", async () => {
    const schema = schemas.next("ro_noselect");
    await (await openPostgresEventStore({ url: urlOf(schema) })).close();
    await withAdmin((admin) => admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${reader}"`));
    const failure = await openFailure(urlOf(schema, reader));
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toBe(
      `PostgreSQL role "${reader}" may not read the factory's tables in schema "${schema}" at ${target}: grant it SELECT on them (GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${reader}")`,
    );
  });

  it("opens a factory as a role that may only select, reads it, and refuses appends", async () => {
    const schema = schemas.next("ro_select");
    const writer = await openPostgresEventStore({ url: urlOf(schema) });
    try {
      await logOver(writer).append({ type: "note.added", subject: "s", data: { text: "written" } });
    } finally {
      await writer.close();
    }
    await withAdmin((admin) =>
      admin.query(
        `GRANT USAGE ON SCHEMA "${schema}" TO "${reader}";
         GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${reader}";`,
      ),
    );
    const store = await openPostgresEventStore({ url: urlOf(schema, reader), readOnly: true });
    try {
      expect(store.readOnly).toBe(true);
      expect((await store.read({})).map((event) => event.data)).toMatchObject([{ text: "written" }]);
      const refused = await logOver(store)
        .append({ type: "note.added", subject: "s", data: { text: "refused" } })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).toBeInstanceOf(ReadOnlyError);
      expect((refused as ReadOnlyError).message).toBe(
        `cannot write to the PostgreSQL store at ${target} (schema ${schema}): it was opened read-only (readOnly: true); it can be read, and nothing was written`,
      );
      expect(await store.head()).toBe(1);
    } finally {
      await store.close();
    }
  });
});
