import type pg from "pg";
import { StoreError } from "../errors.js";
import { CallDeadline } from "./CallDeadline.js";
import { clientConfig } from "./clientConfig.js";
import { isConnectTimeout, isEndedConnection, noAnswerStoreError } from "./connectionErrors.js";
import { endWithin } from "./endWithin.js";
import {
  type PostgresEventStoreOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./options.js";
import { retryConnectionErrors } from "./retryConnectionErrors.js";
import { StoreConnection } from "./StoreConnection.js";

/** The table whose presence in a schema marks it as an unfinished copy of another log. */
const MARK_TABLE = "copy_unfinished";

/** A name as a quoted SQL identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * On opening the store in `schema`: marks an empty schema as an unfinished
 * copy when the store is opened as a copy's target (`copyTarget`), and
 * refuses a schema marked so otherwise.
 *
 * @throws StoreError naming the schema and the server, saying the copy is unfinished and how to finish it or start over.
 */
export async function checkUnfinishedCopy(
  client: pg.ClientBase,
  schema: string,
  resolved: ResolvedPostgresOptions,
): Promise<void> {
  const quoted = quoteIdentifier(schema);
  if (resolved.copyTarget && !resolved.readOnly) {
    // Marked before the first event is copied; a schema that holds events (a finished copy, a factory) is not.
    await client.query(
      `DO $mark$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM ${quoted}.events) THEN
           CREATE TABLE IF NOT EXISTS ${quoted}.${MARK_TABLE} (began_at TIMESTAMPTZ NOT NULL DEFAULT now());
         END IF;
       END $mark$`,
    );
    return;
  }
  if (resolved.copyTarget) return;
  const { rows } = await client.query<{ marked: boolean }>(
    "SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL AS marked",
    [schema, MARK_TABLE],
  );
  if (rows[0]?.marked !== true) return;
  throw new StoreError({
    message: `PostgreSQL schema "${schema}" at ${resolved.target} holds an unfinished copy of another factory's log (factory migrate was interrupted, or failed, before it verified the copy): it may hold only the first part of that log, so it is not opened, and nothing was written. Run the same factory migrate --to command again to finish the copy, or drop the schema (DROP SCHEMA ${quoted} CASCADE) to start over`,
  });
}

/**
 * Clears the mark of an unfinished copy from the schema the options name
 * (see `copyTarget`): call it once the copy into it is complete and
 * verified, and the schema then opens as any factory. A schema without the
 * mark is left as it is.
 *
 * @throws ValidationError when the options are invalid.
 * @throws StoreError naming host and port when the server cannot be reached or refuses.
 * @example
 * ```ts
 * const target = await openPostgresEventStore({ url, copyTarget: true });
 * const report = await migrateLog(source, target);
 * await target.close();
 * if (report.verified) await finishPostgresCopy({ url });
 * ```
 */
export async function finishPostgresCopy(options: PostgresEventStoreOptions): Promise<void> {
  const resolved = resolvePostgresOptions(options);
  const deadline = new CallDeadline(resolved.callTimeoutMs);
  await retryConnectionErrors(resolved, deadline, FINISHING, () => finishOnce(resolved), {
    retryable: isEndedConnection,
  });
}

/** What {@link finishPostgresCopy} does, for messages. */
const FINISHING = "marking the copy finished";

/** One attempt of {@link finishPostgresCopy}, on a connection of its own. */
async function finishOnce(resolved: ResolvedPostgresOptions): Promise<void> {
  const connectMs =
    resolved.connectionTimeoutMs === 0
      ? resolved.callTimeoutMs
      : Math.min(resolved.connectionTimeoutMs, resolved.callTimeoutMs);
  const client = new StoreConnection({ ...clientConfig(resolved), connectionTimeoutMillis: connectMs });
  try {
    await client.connect().catch((error: unknown) => {
      throw isConnectTimeout(error)
        ? noAnswerStoreError(error, resolved.target, FINISHING, connectMs)
        : error;
    });
    const { rows } = await client.query<{ schema: string | null }>(
      "SELECT COALESCE($1::text, current_schema()) AS schema",
      [resolved.schema ?? null],
    );
    const schema = rows[0]?.schema;
    if (schema === null || schema === undefined) return;
    await client.query(`DROP TABLE IF EXISTS ${quoteIdentifier(schema)}.${MARK_TABLE}`);
  } catch (failure) {
    throw client.failure(failure);
  } finally {
    await endWithin(client.end(), 1000, () => client.connection.stream.destroy());
  }
}
