import type pg from "pg";
import { SchemaVersionError, StoreError } from "../errors.js";
import { refuseMissingColumns } from "./tableColumns.js";

/** Advisory lock class (`pg_advisory_xact_lock(class, key)`) taken while migrating a schema. */
export const MIGRATION_LOCK_CLASS = 0x46414d31; // "FAM1"
/** Advisory lock class taken by every append; the key is the schema's hash. */
export const APPEND_LOCK_CLASS = 0x46414131; // "FAA1"

/**
 * One append, run by the server in one statement (and so one transaction):
 * take the append lock, then, each with a fresh snapshot that sees every
 * append committed before the lock was granted, look for the batch's first
 * event id (a retry of a batch that did commit), the idempotency key and the
 * head; insert the batch with the next positions, record the key and notify.
 * The lock is held from inside the statement until its commit, with no round
 * trip to the client in between, which keeps the serialized section short.
 */
const APPEND_FUNCTION = `
   CREATE FUNCTION factory_append(
     p_lock_key INTEGER, p_channel TEXT, p_relaxed BOOLEAN,
     p_key TEXT, p_request_hash TEXT, p_expected_head BIGINT, p_first_id TEXT,
     p_ids TEXT[], p_types TEXT[], p_vs INTEGER[], p_ats TEXT[], p_actors TEXT[],
     p_subjects TEXT[], p_datas JSON[], p_caused_bys TEXT[]
   ) RETURNS TABLE (outcome TEXT, result_head BIGINT, result_first BIGINT, result_count INTEGER)
   LANGUAGE plpgsql VOLATILE AS $fn$
   DECLARE
     v_head BIGINT;
     v_landed BIGINT;
     v_size INTEGER := COALESCE(array_length(p_ids, 1), 0);
     v_key RECORD;
   BEGIN
     IF p_relaxed THEN
       PERFORM set_config('synchronous_commit', 'off', true);
     END IF;
     PERFORM pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, p_lock_key);
     IF p_first_id IS NOT NULL THEN
       SELECT e.seq INTO v_landed FROM events e WHERE e.id = p_first_id;
       IF v_landed IS NOT NULL THEN
         RETURN QUERY SELECT 'landed'::TEXT, NULL::BIGINT, v_landed, v_size;
         RETURN;
       END IF;
     END IF;
     IF p_key IS NOT NULL THEN
       SELECT k.request_hash, k.first_seq, k.count INTO v_key FROM idempotency k WHERE k.key = p_key;
       IF FOUND THEN
         IF v_key.request_hash IS DISTINCT FROM p_request_hash THEN
           RETURN QUERY SELECT 'key_conflict'::TEXT, NULL::BIGINT, NULL::BIGINT, 0;
         ELSE
           RETURN QUERY SELECT 'duplicate'::TEXT, NULL::BIGINT, v_key.first_seq, v_key.count;
         END IF;
         RETURN;
       END IF;
     END IF;
     SELECT COALESCE(MAX(e.seq), 0) INTO v_head FROM events e;
     IF p_expected_head IS NOT NULL AND p_expected_head <> v_head THEN
       RETURN QUERY SELECT 'head_conflict'::TEXT, v_head, NULL::BIGINT, 0;
       RETURN;
     END IF;
     IF v_size > 0 THEN
       INSERT INTO events (seq, id, type, v, at, actor, subject, data, caused_by)
         SELECT v_head + u.ord, u.id, u.type, u.v, u.at, u.actor, u.subject, u.data, u.caused_by
           FROM unnest(p_ids, p_types, p_vs, p_ats, p_actors, p_subjects, p_datas, p_caused_bys)
                WITH ORDINALITY AS u(id, type, v, at, actor, subject, data, caused_by, ord);
       IF p_key IS NOT NULL THEN
         INSERT INTO idempotency (key, request_hash, first_seq, count)
           VALUES (p_key, p_request_hash, v_head + 1, v_size);
       END IF;
       PERFORM pg_notify(p_channel, (v_head + v_size)::TEXT);
     END IF;
     RETURN QUERY SELECT 'appended'::TEXT, v_head, v_head + 1, v_size;
   END
   $fn$;`;

/**
 * The argument types of `factory_append` at {@link POSTGRES_SCHEMA_VERSION},
 * as `to_regprocedure` reads them: what an append calls, and what opening
 * writable checks the schema has.
 */
const APPEND_FUNCTION_ARGUMENTS =
  "integer, text, boolean, text, text, bigint, text, text[], text[], integer[], text[], text[], text[], json[], text[]";

/** Forward migrations of the PostgreSQL event store, in order; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     seq BIGINT PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     v INTEGER NOT NULL,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     subject TEXT NOT NULL,
     data JSON NOT NULL,
     caused_by TEXT
   );
   CREATE INDEX events_type_seq ON events (type, seq);
   CREATE INDEX events_subject_seq ON events (subject, seq);
   CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     request_hash TEXT,
     first_seq BIGINT NOT NULL,
     count INTEGER NOT NULL
   );
   ${APPEND_FUNCTION}`,
];

/** The newest schema version this code knows. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** What {@link migrate} did. */
export interface Migrated {
  /** The schema the tables live in. */
  readonly schema: string;
  /** Whether this call created the factory's tables: of several at once on a new schema, exactly one did. */
  readonly created: boolean;
}

/**
 * Creates the schema when asked to and brings it up to {@link POSTGRES_SCHEMA_VERSION},
 * in one transaction under an advisory lock, so processes opening a new
 * database at once migrate it once, and the one that created the tables knows it;
 * then checks it has every table and column of that version.
 *
 * @throws SchemaVersionError when the schema is newer than this code.
 * @throws StoreError naming the tables, columns or `factory_append` function a
 *   damaged or hand-made schema lacks, or what it holds without a `schema_version` table.
 */
export async function migrate(
  client: pg.ClientBase,
  schema: string | undefined,
  target: string,
): Promise<Migrated> {
  await client.query("BEGIN");
  try {
    const session = await sessionOf(client);
    if (schema !== undefined) {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [MIGRATION_LOCK_CLASS, schema]);
      await createSchemaIfMissing(client, session, schema, target);
    }
    const current = await currentSchema(client, session, schema, target);
    if (schema === undefined) {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [MIGRATION_LOCK_CLASS, current]);
    }
    const hasVersionTable = await assertOwnSchemaVersion(client, current, target);
    if (!hasVersionTable) await refuseVersionlessTables(client, current, target);
    const found = hasVersionTable ? await appliedVersion(client) : 0;
    if (hasVersionTable && found === 0) throw emptySchemaVersion(current, target);
    assertNotNewer(found, current, target);
    if (found < POSTGRES_SCHEMA_VERSION) {
      await withGrantAdvice(
        async () => {
          if (!hasVersionTable) await client.query(SCHEMA_VERSION_TABLE);
          for (let version = found + 1; version <= POSTGRES_SCHEMA_VERSION; version++) {
            await client.query(MIGRATIONS[version - 1] ?? "");
            await client.query("INSERT INTO schema_version (version) VALUES ($1)", [version]);
          }
        },
        () =>
          `PostgreSQL role "${session.role}" may not create the factory's tables in schema "${current}" at ${target}: grant it CREATE on the schema (GRANT CREATE ON SCHEMA "${current}" TO "${session.role}"), open the factory once as the schema's owner, or give it a schema of its own with ?schema=<name>`,
      );
    }
    await refuseMissingColumns(client, current, target, POSTGRES_SCHEMA_VERSION, "");
    await refuseMissingAppendFunction(client, current, target);
    await client.query("COMMIT");
    return { schema: current, created: !hasVersionTable };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * Finds the factory in the schema given (else the connection's current one)
 * and checks that this code reads it as it is, running no DDL and writing
 * nothing (no transaction, no lock): what opening read-only needs, and what a
 * role that may only `SELECT` can do.
 *
 * @throws StoreError naming the target and schema when there is no factory
 *   there (the schema or its tables are missing), it holds part of one
 *   without a `schema_version` table, it needs a migration, or it lacks a
 *   table or column of its schema version.
 * @throws SchemaVersionError when the schema is newer than this code.
 */
export async function findFactorySchema(
  client: pg.ClientBase,
  schema: string | undefined,
  target: string,
): Promise<string> {
  const session = await sessionOf(client);
  const noFactory = (name: string, why: string) =>
    new StoreError({
      message: `no factory at ${target} in schema "${name}": ${why}; it was opened read-only, so nothing was created (open it once writable, or create it with factory init)`,
    });
  if (schema !== undefined) {
    const { rows } = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    if (rows.length === 0) throw noFactory(schema, "the schema does not exist");
  }
  const current = await currentSchema(client, session, schema, target);
  if (!(await assertOwnSchemaVersion(client, current, target))) {
    await assertMayRead(client, session, current, target);
    await refuseVersionlessTables(client, current, target);
    throw noFactory(current, "the schema has no factory tables (events, schema_version)");
  }
  const found = await appliedVersion(client);
  if (found === 0) throw emptySchemaVersion(current, target);
  assertNotNewer(found, current, target);
  if (found < POSTGRES_SCHEMA_VERSION) {
    throw new StoreError({
      message: `PostgreSQL schema "${current}" at ${target} has schema version ${found}, older than the ${POSTGRES_SCHEMA_VERSION} this SDK reads, and it was opened read-only, so it was not migrated; open it once writable to migrate it`,
    });
  }
  await refuseMissingColumns(client, current, target, found, " read-only");
  return current;
}

/**
 * Tells a `schema_version` table the role may not read (whose columns
 * `information_schema` hides from it) from a missing one.
 *
 * @throws StoreError saying what to grant when the table is there and the role may not select from it.
 */
async function assertMayRead(
  client: pg.ClientBase,
  session: Session,
  schema: string,
  target: string,
): Promise<void> {
  const { rows } = await client.query<{ hidden: boolean }>(
    `SELECT to_regclass(format('%I.schema_version', $1::text)) IS NOT NULL
            AND NOT has_table_privilege(format('%I.schema_version', $1::text), 'SELECT') AS hidden`,
    [schema],
  );
  if (rows[0]?.hidden !== true) return;
  throw new StoreError({
    message: `PostgreSQL role "${session.role}" may not read the factory's tables in schema "${schema}" at ${target}: grant it SELECT on them (GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${session.role}")`,
  });
}

/**
 * The error of a schema whose `schema_version` table is the factory's and
 * empty while its `events` table exists beside it: this SDK always records a
 * version in the transaction that creates the tables, so the schema was made
 * by hand or damaged, and which version its tables are is unknown. Migrating
 * it would fail on the tables that exist; nothing is changed.
 */
function emptySchemaVersion(schema: string, target: string): StoreError {
  return new StoreError({
    message: `PostgreSQL schema "${schema}" at ${target} was not created by this SDK, or was damaged: its schema_version table is empty while its tables (events) exist, so their schema version is unknown; nothing was changed. Restore it from a copy (pg_restore), or record the version its tables have as "A damaged schema" in docs/operations/postgres.md says, or give the factory a new schema with ?schema=<name> in the URL (or the schema option)`,
  });
}

/**
 * Refuses, at a writable open, a schema at the current version whose
 * `factory_append` function is missing or takes other arguments (dropped or
 * replaced by hand), rather than let every append fail with PostgreSQL's
 * `function factory_append(...) does not exist`. A read-only open does not
 * call it, and does not check it.
 *
 * @throws StoreError naming the server, the schema and the function.
 */
async function refuseMissingAppendFunction(
  client: pg.ClientBase,
  schema: string,
  target: string,
): Promise<void> {
  const { rows } = await client.query<{ found: boolean }>(
    "SELECT to_regprocedure(format('%I.factory_append(%s)', $1::text, $2::text)) IS NOT NULL AS found",
    [schema, APPEND_FUNCTION_ARGUMENTS],
  );
  if (rows[0]?.found !== false) return;
  throw new StoreError({
    message: `cannot open the event store at ${target} in schema "${schema}": it has no function factory_append(${APPEND_FUNCTION_ARGUMENTS}), which a factory schema at schema version ${POSTGRES_SCHEMA_VERSION} has and every append calls: it was damaged or made by hand; nothing was changed. Restore it from a copy (pg_restore), or give the factory a new schema with ?schema=<name> in the URL (or the schema option); a read-only open still reads it`,
  });
}

/** The tables of the factory's first migration besides `schema_version`, which a schema without one must not hold. */
const VERSIONED_TABLES = ["events", "idempotency"];

/**
 * Refuses a schema with no `schema_version` table that holds the factory's
 * other tables or its append function (any of them): made by hand, by
 * another application, or left by a tool that was interrupted. Their schema
 * version is unknown, and creating the factory there would fail with
 * PostgreSQL's `relation "events" already exists`, or take another
 * application's tables for the factory's; nothing is changed. Looks in the
 * catalog, so a `schema_version` table the role may not read (which
 * `information_schema` hides) is not taken for a missing one.
 *
 * @throws StoreError naming the schema, what it holds, that its `schema_version` table is missing, and how to recover.
 */
async function refuseVersionlessTables(client: pg.ClientBase, schema: string, target: string): Promise<void> {
  const { rows } = await client.query<{
    tables: string[];
    has_function: boolean;
    has_version_table: boolean;
  }>(
    `SELECT ARRAY(SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) ORDER BY c.relname) AS tables,
            EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = $1 AND p.proname = 'factory_append') AS has_function,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = 'schema_version') AS has_version_table`,
    [schema, VERSIONED_TABLES],
  );
  const row = rows[0];
  if (row === undefined || row.has_version_table) return;
  const found = [
    ...(row.tables.length === 0
      ? []
      : [`the table${row.tables.length === 1 ? "" : "s"} ${row.tables.join(", ")}`]),
    ...(row.has_function ? ["the function factory_append"] : []),
  ];
  if (found.length === 0) return;
  throw new StoreError({
    message: `PostgreSQL schema "${schema}" at ${target} was not created by this SDK, or was damaged: it has ${found.join(" and ")} but no schema_version table, so their schema version is unknown; nothing was changed. If they are the factory's, restore the schema from a copy (pg_restore), or create its schema_version table and record their version as "A damaged schema" in docs/operations/postgres.md says; if they are another application's, give the factory a schema of its own with ?schema=<name> in the URL (or the schema option)`,
  });
}

/** @throws SchemaVersionError when schema version `found` is newer than this code. */
function assertNotNewer(found: number, schema: string, target: string): void {
  if (found <= POSTGRES_SCHEMA_VERSION) return;
  throw new SchemaVersionError({
    message: `PostgreSQL schema "${schema}" at ${target} has schema version ${found}, newer than the ${POSTGRES_SCHEMA_VERSION} this SDK supports; upgrade @software-factory/core`,
    found,
    supported: POSTGRES_SCHEMA_VERSION,
  });
}

const SCHEMA_VERSION_TABLE =
  "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

/** SQLSTATE `insufficient_privilege`. */
const INSUFFICIENT_PRIVILEGE = "42501";

/** The role and database of a session, for the messages that say what to grant. */
interface Session {
  readonly role: string;
  readonly database: string;
}

async function sessionOf(client: pg.ClientBase): Promise<Session> {
  const { rows } = await client.query<Session>("SELECT current_user AS role, current_database() AS database");
  return rows[0] ?? { role: "", database: "" };
}

/**
 * Runs `work` and, when PostgreSQL refuses it for want of a privilege, throws
 * a {@link StoreError} whose message is `refused` (saying what to grant).
 */
async function withGrantAdvice(work: () => Promise<unknown>, refused: () => string): Promise<void> {
  try {
    await work();
  } catch (error) {
    const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code !== INSUFFICIENT_PRIVILEGE) throw error;
    throw new StoreError({ message: refused(), cause: error });
  }
}

/**
 * Creates the schema unless it exists. PostgreSQL checks `CREATE` on the
 * database even for `CREATE SCHEMA IF NOT EXISTS` of an existing schema, so
 * a role that owns its schema but may not create schemas could not open it
 * if the statement ran on every open.
 *
 * @throws StoreError saying what to grant when the role may not create it.
 */
async function createSchemaIfMissing(
  client: pg.ClientBase,
  session: Session,
  schema: string,
  target: string,
): Promise<void> {
  const { rows } = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  if (rows.length > 0) return;
  const { role, database } = session;
  await withGrantAdvice(
    () => client.query(`CREATE SCHEMA "${schema}"`),
    () =>
      `PostgreSQL role "${role}" may not create schema "${schema}" at ${target}: grant it CREATE on the database (GRANT CREATE ON DATABASE "${database}" TO "${role}") or create the schema for it (CREATE SCHEMA "${schema}" AUTHORIZATION "${role}")`,
  );
}

async function appliedVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>(
    "SELECT MAX(version) AS version FROM schema_version",
  );
  return rows[0]?.version ?? 0;
}

/** The columns of the factory's `schema_version` table, with their types as `information_schema` names them. */
const SCHEMA_VERSION_COLUMNS = "applied_at timestamp with time zone, version integer";

/**
 * Refuses a schema whose `schema_version` table is another application's
 * (Flyway, among others, uses that name): the table must have the factory's
 * columns, and the `events` table must be beside it. Returns whether the
 * schema has the factory's `schema_version` table.
 *
 * @throws StoreError saying the schema holds another application's tables.
 */
async function assertOwnSchemaVersion(
  client: pg.ClientBase,
  schema: string,
  target: string,
): Promise<boolean> {
  const { rows } = await client.query<{ columns: string | null; has_events: boolean }>(
    `SELECT (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_name)
               FROM information_schema.columns
              WHERE table_schema = $1 AND table_name = 'schema_version') AS columns,
            to_regclass(format('%I.events', $1::text)) IS NOT NULL AS has_events`,
    [schema],
  );
  const columns = rows[0]?.columns ?? null;
  if (columns === null) return false;
  const problem =
    columns !== SCHEMA_VERSION_COLUMNS
      ? `its schema_version table is not the factory's (it has ${columns})`
      : rows[0]?.has_events === true
        ? undefined
        : "it has a schema_version table but no events table";
  if (problem === undefined) return true;
  throw new StoreError({
    message: `PostgreSQL schema "${schema}" at ${target} holds another application's tables: ${problem}; give the factory a schema of its own with ?schema=<name> in the URL (or the schema option)`,
  });
}

/**
 * The schema the connection's tables go to: the first of its `search_path`
 * that exists and that its role may use.
 *
 * @throws StoreError when there is none: naming the schema given and the
 *   `GRANT USAGE` it needs, or else the `search_path` that has none.
 */
async function currentSchema(
  client: pg.ClientBase,
  session: Session,
  schema: string | undefined,
  target: string,
): Promise<string> {
  const { rows } = await client.query<{ schema: string | null; search_path: string }>(
    "SELECT current_schema() AS schema, current_setting('search_path') AS search_path",
  );
  const current = rows[0]?.schema ?? null;
  if (current !== null) return current;
  const { role } = session;
  // The schema given exists (it was looked up or created): what is missing is the right to use it.
  throw new StoreError({
    message:
      schema === undefined
        ? `PostgreSQL role "${role}" at ${target} has no schema to use: no schema of its search_path (${rows[0]?.search_path ?? ""}) exists or may be used by it; give the store a schema with ?schema=<name> in the URL (or the schema option), or grant it USAGE on one of them (GRANT USAGE ON SCHEMA <name> TO "${role}")`
        : `PostgreSQL role "${role}" may not use schema "${schema}" at ${target}: grant it USAGE on the schema (GRANT USAGE ON SCHEMA "${schema}" TO "${role}"), and SELECT and INSERT on its tables if another role created them`,
  });
}
