import { randomBytes } from "node:crypto";
import { StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, withAdmin } from "../fixtures/postgresTestServer.js";

// A team's role: it owns its schema, and may not create schemas in the database.
const suffix = `${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
const role = `factory_owner_${suffix}`;
/** A role that may use the owner's factory and create nothing. */
const user = `factory_user_${suffix}`;
const database = `factory_grants_${suffix}`;
const server = new URL(POSTGRES_TEST_URL);
/** How the store's messages name the test database. */
const target = `${server.hostname}:${server.port === "" ? "5432" : server.port}/${database}`;

/** The test server's URL for `as` (default the owner) on `database`, with `schema`. */
function urlAs(schema: string, as = role): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.username = as;
  url.password = "";
  url.pathname = `/${database}`;
  url.search = "";
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** Runs `sql` as the test server's admin on the test's database. */
async function inDatabase(sql: string): Promise<void> {
  const url = new URL(POSTGRES_TEST_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function openFailure(url: string): Promise<unknown> {
  return openPostgresEventStore({ url }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
}

describe.skipIf(skipPostgres)("PostgreSQL store opened by a role without CREATE on the database", () => {
  beforeAll(async () => {
    await withAdmin(async (admin) => {
      await admin.query(`CREATE ROLE "${role}" LOGIN`);
      await admin.query(`CREATE ROLE "${user}" LOGIN`);
      await admin.query(`CREATE DATABASE "${database}"`);
    });
    await inDatabase(
      `REVOKE CREATE ON DATABASE "${database}" FROM PUBLIC;
       CREATE SCHEMA owned AUTHORIZATION "${role}";
       CREATE SCHEMA shared;
       GRANT USAGE ON SCHEMA shared TO "${role}";`,
    );
  });

  afterAll(async () => {
    await withAdmin(async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
      await admin.query(`DROP ROLE IF EXISTS "${user}"`);
    });
  });

  it("creates the factory in the schema it owns, then opens it again, every time", async () => {
    for (let open = 1; open <= 2; open++) {
      const store = await openPostgresEventStore({ url: urlAs("owned") });
      try {
        expect(await store.head()).toBe(0);
      } finally {
        await store.close();
      }
    }
  });

  it("lets a role that may only read and append open the factory its owner created, and append", async () => {
    await (await openPostgresEventStore({ url: urlAs("owned") })).close();
    await inDatabase(
      `GRANT USAGE ON SCHEMA owned TO "${user}";
       GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA owned TO "${user}";`,
    );
    const store = await openPostgresEventStore({ url: urlAs("owned", user) });
    try {
      const before = await store.head();
      await logOver(store).append({ type: "note.added", subject: "s", data: { text: "by a user" } });
      expect(await store.head()).toBe(before + 1);
    } finally {
      await store.close();
    }
  });

  it("refuses to create a missing schema, saying to grant CREATE on the database or create the schema for it", async () => {
    const failure = await openFailure(urlAs("missing"));
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toBe(
      `PostgreSQL role "${role}" may not create schema "missing" at ${target}: grant it CREATE on the database (GRANT CREATE ON DATABASE "${database}" TO "${role}") or create the schema for it (CREATE SCHEMA "missing" AUTHORIZATION "${role}")`,
    );
  });

  it("refuses to create the tables in a schema it may only use, saying to grant CREATE on the schema", async () => {
    const failure = await openFailure(urlAs("shared"));
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(
      `PostgreSQL role "${role}" may not create the factory's tables in schema "shared" at ${target}: grant it CREATE on the schema (GRANT CREATE ON SCHEMA "shared" TO "${role}")`,
    );
  });
});
