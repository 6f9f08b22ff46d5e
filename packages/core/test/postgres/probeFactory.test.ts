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
