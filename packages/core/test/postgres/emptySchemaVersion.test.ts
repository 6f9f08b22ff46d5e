/**
 * A schema whose schema_version table lost its rows while the factory's
 * tables stayed is refused with a StoreError that says so and how to recover,
 * instead of PostgreSQL's `relation "events" already exists`, and is left as
 * it was.
 */
import { StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const url = `${POSTGRES_TEST_URL}?application_name=h11`;

afterEach(async () => {
  await schemas.dropAll();
});

async function openFailure(schema: string, readOnly: boolean): Promise<unknown> {
  return openPostgresEventStore({ url, schema, readOnly }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
}

describe.skipIf(skipPostgres)(
  "PostgreSQL event store in a schema whose schema_version table is empty",
  () => {
    it("refuses to open it, read-write or read-only, naming the schema and the recovery, and changes nothing", async () => {
      const schema = schemas.next("h11_empty");
      const store = await openPostgresEventStore({ url, schema });
      await store.append(
        [
          {
            id: "evt_1",
            type: "note.added",
            v: 1,
            at: "2026-01-01T00:00:00.000Z",
            actor: "a",
            subject: "s",
            data: {},
          },
        ],
        {},
      );
      await store.close();
      await withAdmin((admin) => admin.query(`DELETE FROM "${schema}".schema_version`));

      for (const readOnly of [false, true]) {
        const failure = await openFailure(schema, readOnly);
        expect(failure).toBeInstanceOf(StoreError);
        const message = (failure as StoreError).message;
        expect(message).toContain(`PostgreSQL schema "${schema}" at `);
        expect(message).toContain(
          "was not created by this SDK, or was damaged: its schema_version table is empty while its tables (events) exist",
        );
        expect(message).toContain('"A damaged schema" in docs/operations/postgres.md');
      }

      const { rows } = await withAdmin((admin) =>
        admin.query<{ events: string; versions: string }>(
          `SELECT (SELECT count(*) FROM "${schema}".events) AS events,
                (SELECT count(*) FROM "${schema}".schema_version) AS versions`,
        ),
      );
      expect(rows[0]).toEqual({ events: "1", versions: "0" });
    });
  },
);
