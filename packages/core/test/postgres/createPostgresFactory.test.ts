import { createPostgresFactory, openPostgresEventStore } from "@software-factory/core/postgres";
import { afterAll, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();

afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

describe.skipIf(skipPostgres)("createPostgresFactory", () => {
  it("says created to exactly one of several calls at once on a new schema, and to none after", async () => {
    const schema = schemas.next("create_factory");
    const calls = await Promise.all(
      Array.from({ length: 8 }, () => createPostgresFactory({ url: POSTGRES_TEST_URL, schema })),
    );
    expect(calls.filter((call) => call.created)).toHaveLength(1);
    expect(new Set(calls.map((call) => call.schema))).toEqual(new Set([schema]));
    expect(await createPostgresFactory({ url: POSTGRES_TEST_URL, schema })).toMatchObject({ created: false });
    // The tables it made are the store's: opening it migrates nothing more and appends.
    const store = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
    expect(await store.head()).toBe(0);
    await store.close();
  });

  it("refuses a schema holding another application's schema_version table, creating nothing", async () => {
    const schema = schemas.next("create_factory_other");
    await withAdmin(async (client) => {
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(`CREATE TABLE "${schema}".schema_version (installed_rank INTEGER)`);
    });
    await expect(createPostgresFactory({ url: POSTGRES_TEST_URL, schema })).rejects.toMatchObject({
      _tag: "StoreError",
      message: expect.stringContaining(`schema "${schema}"`),
    });
    const tables = await withAdmin((client) =>
      client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [schema]),
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual(["schema_version"]);
  });
});
