import { randomBytes } from "node:crypto";
import { StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, withAdmin } from "../fixtures/postgresTestServer.js";

const suffix = `${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
/** A role that may log in and nothing more. */
const role = `factory_nousage_${suffix}`;
/** A schema the role was given no right on. */
const schema = `closed_${suffix}`;
const server = new URL(POSTGRES_TEST_URL);
/** How the store's messages name the test database. */
const target = `${server.hostname}:${server.port === "" ? "5432" : server.port}${server.pathname}`;

describe.skipIf(skipPostgres)("PostgreSQL store opened on a schema its role may not use", () => {
  beforeAll(async () => {
    await withAdmin(async (admin) => {
      await admin.query(`CREATE ROLE "${role}" LOGIN`);
      await admin.query(`CREATE SCHEMA "${schema}"`);
    });
  });

  afterAll(async () => {
    await withAdmin(async (admin) => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    });
  });

  it("names the schema and the GRANT USAGE it needs", async () => {
    const url = new URL(POSTGRES_TEST_URL);
    url.username = role;
    url.password = "";
    const failure = await openPostgresEventStore({ url: url.toString(), schema }).then(
      async (store) => {
        await store.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toContain(
      `PostgreSQL role "${role}" may not use schema "${schema}" at ${target}: grant it USAGE on the schema (GRANT USAGE ON SCHEMA "${schema}" TO "${role}")`,
    );
  });
});
