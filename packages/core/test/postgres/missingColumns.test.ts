/**
 * Opening a PostgreSQL factory schema whose tables lack a column the store
 * uses (a damaged or hand-made schema): refused with a StoreError naming the
 * server, the schema, the table and the columns, not PostgreSQL's own
 * `column "..." does not exist` from a statement.
 */
import { StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const server = new URL(POSTGRES_TEST_URL);
/** How the store's messages name the test database. */
const target = `${server.hostname}:${server.port === "" ? "5432" : server.port}${server.pathname}`;

afterEach(async () => {
  await schemas.dropAll();
});

/** The test server's URL with `schema` and a password not to show. */
function urlOf(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.password = "hunter2-secret";
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** A fresh factory schema, then altered by `damage` (SQL run in it). */
async function damagedSchema(prefix: string, damage: string): Promise<string> {
  const schema = schemas.next(prefix);
  await (await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema })).close();
  await withAdmin((admin) => admin.query(`SET search_path TO "${schema}"; ${damage}`));
  return schema;
}

/** What opening `url` rejected with, or undefined when it opened. */
async function openFailure(url: string, readOnly: boolean): Promise<unknown> {
  return openPostgresEventStore({ url, readOnly }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
}

const DAMAGED =
  "which a factory schema at schema version 1 has: it was damaged or made by hand; restore it from a copy (pg_restore), or give the factory a new schema with ?schema=<name> in the URL (or the schema option)";

describe.skipIf(skipPostgres)("opening a PostgreSQL factory schema that lacks a column", () => {
  it("refuses it, read-write and read-only, naming the server, the schema, the table and the missing columns", async () => {
    const schema = await damagedSchema(
      "dropcol",
      "ALTER TABLE events DROP COLUMN caused_by; ALTER TABLE events DROP COLUMN actor",
    );

    const writable = await openFailure(urlOf(schema), false);
    expect(writable).toBeInstanceOf(StoreError);
    expect((writable as StoreError).message).toBe(
      `cannot open the event store at ${target} in schema "${schema}": its events table lacks the columns actor, caused_by, ${DAMAGED}`,
    );
    const readOnly = await openFailure(urlOf(schema), true);
    expect(readOnly).toBeInstanceOf(StoreError);
    expect((readOnly as StoreError).message).toBe(
      `cannot open the event store at ${target} in schema "${schema}" read-only: its events table lacks the columns actor, caused_by, ${DAMAGED}`,
    );
    expect((readOnly as StoreError).message).not.toContain("hunter2");
  });

  it("names every table at fault: a missing one, and a column of another", async () => {
    const schema = await damagedSchema(
      "droptable",
      "DROP TABLE idempotency; ALTER TABLE events RENAME COLUMN data TO payload",
    );
    const failure = await openFailure(urlOf(schema), false);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toBe(
      `cannot open the event store at ${target} in schema "${schema}": its events table lacks the column data; it has no idempotency table, ${DAMAGED}`,
    );
  });
});
