/**
 * A schema that holds some of the factory's tables (or its append function)
 * but no schema_version table, made by hand or left by a tool that was
 * interrupted, is refused with a StoreError naming the schema, what was found
 * and what is missing, instead of PostgreSQL's `relation "events" already
 * exists`, and is left as it was, read-write and read-only alike. So is,
 * opened writable, a schema at the current version whose append function was
 * dropped or replaced, instead of every append failing with `function
 * factory_append(...) does not exist`.
 */
import { StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const url = `${POSTGRES_TEST_URL}?application_name=partial_schema`;

afterEach(async () => {
  await schemas.dropAll();
});

const event = {
  id: "evt_1",
  type: "note.added",
  v: 1,
  at: "2026-01-01T00:00:00.000Z",
  actor: "a",
  subject: "s",
  data: {},
};

/** A new schema holding the factory's tables, with one event in its log. */
async function factorySchema(prefix: string): Promise<string> {
  const schema = schemas.next(prefix);
  const store = await openPostgresEventStore({ url, schema });
  await store.append([event], {});
  await store.close();
  return schema;
}

async function openFailure(schema: string, readOnly: boolean): Promise<unknown> {
  return openPostgresEventStore({ url, schema, readOnly }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
}

/** Every relation and function of `schema` by name, with the rows of each table: what a change would alter. */
async function contentsOf(schema: string): Promise<Record<string, string>> {
  return withAdmin(async (admin) => {
    const { rows } = await admin.query<{ name: string; kind: string }>(
      `SELECT c.relname AS name, c.relkind::text AS kind FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
       UNION ALL
       SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'function' FROM pg_proc p
         JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1`,
      [schema],
    );
    const contents: Record<string, string> = {};
    for (const { name, kind } of rows) {
      if (kind !== "r") {
        contents[name] = kind;
        continue;
      }
      const { rows: data } = await admin.query(`SELECT * FROM "${schema}"."${name}" ORDER BY 1`);
      contents[name] = JSON.stringify(data);
    }
    return contents;
  });
}

/**
 * Opens `schema` read-write, then read-only, and checks that each fails
 * naming what it holds (`found`) and its missing schema_version table, and
 * that nothing in it changed.
 */
async function expectRefused(schema: string, found: string): Promise<void> {
  const before = await contentsOf(schema);
  expect(Object.keys(before)).not.toContain("schema_version");
  for (const readOnly of [false, true]) {
    const failure = await openFailure(schema, readOnly);
    expect(failure).toBeInstanceOf(StoreError);
    const message = (failure as StoreError).message;
    expect(message).toContain(`PostgreSQL schema "${schema}" at `);
    expect(message).toContain(`it has ${found} but no schema_version table`);
    expect(message).toContain("nothing was changed");
    expect(message).toContain('"A damaged schema" in docs/operations/postgres.md');
  }
  expect(await contentsOf(schema)).toEqual(before);
}

describe.skipIf(skipPostgres)("PostgreSQL event store in a schema that holds part of a factory", () => {
  it("refuses the factory's tables whose schema_version table was dropped", async () => {
    const schema = await factorySchema("partial_dropped");
    await withAdmin((admin) => admin.query(`DROP TABLE "${schema}".schema_version`));
    await expectRefused(schema, "the tables events, idempotency and the function factory_append");
  });

  it("refuses an events table made by hand, or another application's", async () => {
    const schema = schemas.next("partial_events");
    await withAdmin((admin) =>
      admin.query(
        `CREATE SCHEMA "${schema}";
         CREATE TABLE "${schema}".events (id BIGINT PRIMARY KEY, name TEXT);
         INSERT INTO "${schema}".events VALUES (1, 'signup'), (2, 'login')`,
      ),
    );
    await expectRefused(schema, "the table events");
  });

  it("refuses what was left of a factory: its idempotency table alone", async () => {
    const lone = await factorySchema("partial_idem");
    await withAdmin((admin) =>
      admin.query(
        `DROP TABLE "${lone}".events, "${lone}".schema_version; DROP FUNCTION "${lone}".factory_append`,
      ),
    );
    await expectRefused(lone, "the table idempotency");
  });

  it("refuses what was left of a factory: its append function alone", async () => {
    const fn = await factorySchema("partial_fn");
    await withAdmin((admin) =>
      admin.query(`DROP TABLE "${fn}".events, "${fn}".idempotency, "${fn}".schema_version`),
    );
    await expectRefused(fn, "the function factory_append");
  });

  it("still creates the factory in a schema that holds only other tables", async () => {
    const schema = schemas.next("partial_other");
    await withAdmin((admin) =>
      admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".orders (id BIGINT PRIMARY KEY)`),
    );
    const store = await openPostgresEventStore({ url, schema });
    expect(await store.head()).toBe(0);
    await store.close();
  });

  it("refuses, opened writable, a factory schema whose append function was dropped or replaced; read-only reads it", async () => {
    const schema = await factorySchema("partial_noappend");
    for (const damage of [
      `DROP FUNCTION "${schema}".factory_append`,
      `CREATE FUNCTION "${schema}".factory_append(p_lock_key INTEGER) RETURNS integer LANGUAGE sql AS 'SELECT 1'`,
    ]) {
      await withAdmin((admin) => admin.query(damage));
      const before = await contentsOf(schema);
      const failure = await openFailure(schema, false);
      expect(failure).toBeInstanceOf(StoreError);
      const message = (failure as StoreError).message;
      expect(message).toContain(
        `in schema "${schema}": it has no function factory_append(integer, text, boolean, text, text, bigint, text, text[], text[], integer[], text[], text[], text[], json[], text[]), which a factory schema at schema version 1 has`,
      );
      expect(message).toContain("nothing was changed");
      expect(await contentsOf(schema)).toEqual(before);
      const reader = await openPostgresEventStore({ url, schema, readOnly: true });
      expect((await reader.read({})).map((stored) => stored.id)).toEqual(["evt_1"]);
      await reader.close();
    }
  });
});
