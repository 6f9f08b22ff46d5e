import { StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();

afterEach(async () => {
  await schemas.dropAll();
});

async function tablesOf(schema: string): Promise<string[]> {
  const { rows } = await withAdmin((admin) =>
    admin.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
      [schema],
    ),
  );
  return rows.map((row) => row.name);
}

async function openFailure(schema: string): Promise<unknown> {
  return openPostgresEventStore({ url: POSTGRES_TEST_URL, schema }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
}

describe.skipIf(skipPostgres)(
  "PostgreSQL event store in a schema that holds another application's tables",
  () => {
    it("refuses a Flyway schema_version table, says to pick another schema, and changes nothing", async () => {
      const schema = schemas.next("flyway");
      await withAdmin((admin) =>
        admin.query(
          `CREATE SCHEMA "${schema}";
         CREATE TABLE "${schema}".schema_version (
           installed_rank INT PRIMARY KEY, version VARCHAR(50), description VARCHAR(200),
           script VARCHAR(1000), success BOOLEAN NOT NULL)`,
        ),
      );
      const failure = await openFailure(schema);
      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).message).toMatch(
        new RegExp(
          `schema "${schema}" at .* holds another application's tables: its schema_version table is not the factory's .*installed_rank integer.*\\?schema=`,
        ),
      );
      expect(await tablesOf(schema)).toEqual(["schema_version"]);
    });

    it("refuses a schema_version table like the factory's without an events table beside it", async () => {
      const schema = schemas.next("noevents");
      await withAdmin((admin) =>
        admin.query(
          `CREATE SCHEMA "${schema}";
         CREATE TABLE "${schema}".schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
        ),
      );
      const failure = await openFailure(schema);
      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).message).toContain("it has a schema_version table but no events table");
    });

    it("opens again a schema it created itself", async () => {
      const schema = schemas.next("own");
      await (await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema })).close();
      expect(await openFailure(schema)).toBeUndefined();
      expect(await tablesOf(schema)).toEqual(["events", "idempotency", "schema_version"]);
    });
  },
);
