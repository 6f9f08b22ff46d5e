import type pg from "pg";
import { CallDeadline } from "./CallDeadline.js";
import { clientConfig } from "./clientConfig.js";
import {
  isConnectTimeout,
  isEndedConnection,
  isQueryTimeout,
  noAnswerStoreError,
} from "./connectionErrors.js";
import { endWithin } from "./endWithin.js";
import {
  type PostgresEventStoreOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./options.js";
import { retryConnectionErrors } from "./retryConnectionErrors.js";
import { StoreConnection } from "./StoreConnection.js";

/** What {@link probePostgresFactory} found. */
export interface PostgresFactoryProbe {
  /**
   * The schema looked in: the `schema` option, else the URL's `schema`
   * parameter, else the connection's current schema; null when no schema was
   * named and the `search_path` names none that exists.
   */
  readonly schema: string | null;
  /** Whether that schema holds a factory's tables (`events` and `schema_version`). */
  readonly found: boolean;
  /** `host:port/database`, for messages; never the password. */
  readonly target: string;
}

/**
 * Tells whether a PostgreSQL database holds a factory in the schema the
 * options name, without creating anything (unlike `openPostgresEventStore`,
 * which creates the schema and its tables when missing). A mistyped
 * `?schema=` is found here instead of becoming a new, empty factory. A
 * connection the server ends meanwhile (a failover, a terminated session) is
 * retried on a new one, as a read is.
 *
 * @throws ValidationError when the options are invalid.
 * @throws StoreError naming host and port when the server cannot be reached,
 *   or says it did not answer within `callTimeoutMs` (`call_timeout_ms` in the
 *   URL), which bounds the whole probe.
 * @example
 * ```ts
 * const probe = await probePostgresFactory({ url: "postgres://factory@db:5432/factory?schema=shop" });
 * if (!probe.found) console.error(`no factory in schema ${probe.schema} at ${probe.target}`);
 * ```
 */
export async function probePostgresFactory(
  options: PostgresEventStoreOptions,
): Promise<PostgresFactoryProbe> {
  const resolved = resolvePostgresOptions(options);
  const deadline = new CallDeadline(resolved.callTimeoutMs);
  // A connection the server ends meanwhile (a failover, a terminated session) is retried on a new one, as a read's.
  return retryConnectionErrors(resolved, deadline, LOOKING, () => probeOnce(resolved, deadline), {
    retryable: isEndedConnection,
  });
}

/** What the probe does, for messages. */
const LOOKING = "looking for a factory";

/**
 * One attempt of {@link probePostgresFactory}, on a connection of its own,
 * within the time the probe has left.
 *
 * @throws StoreError when the server does not answer in time; the driver's error otherwise.
 */
async function probeOnce(
  resolved: ResolvedPostgresOptions,
  deadline: CallDeadline,
): Promise<PostgresFactoryProbe> {
  // The whole probe waits callTimeoutMs at most: connecting, then the query in the time left.
  const connectMs = Math.max(
    1,
    resolved.connectionTimeoutMs === 0
      ? deadline.left
      : Math.min(resolved.connectionTimeoutMs, deadline.left),
  );
  const client = new StoreConnection({ ...clientConfig(resolved), connectionTimeoutMillis: connectMs });
  let waitMs = connectMs;
  try {
    await client.connect().catch((error: unknown) => {
      throw isConnectTimeout(error) ? noAnswerStoreError(error, resolved.target, LOOKING, connectMs) : error;
    });
    waitMs = Math.max(1, Math.min(resolved.queryTimeoutMs, deadline.left));
    // The driver reads query_timeout from a query's config (its types leave it out).
    const query: pg.QueryConfig & { readonly query_timeout: number } = {
      text: `SELECT s.name AS schema,
                    to_regclass(format('%I.events', s.name)) IS NOT NULL
                      AND to_regclass(format('%I.schema_version', s.name)) IS NOT NULL AS found
               FROM (SELECT COALESCE($1::text, current_schema()) AS name) s`,
      values: [resolved.schema ?? null],
      query_timeout: waitMs,
    };
    const { rows } = await client.query<{ schema: string | null; found: boolean | null }>(query);
    const row = rows[0];
    return { schema: row?.schema ?? null, found: row?.found === true, target: resolved.target };
  } catch (failure) {
    const error = client.failure(failure);
    if (isQueryTimeout(error)) throw noAnswerStoreError(error, resolved.target, LOOKING, waitMs);
    throw error;
  } finally {
    // A server that stopped answering does not answer the goodbye either: wait no longer than the probe's time.
    await endWithin(client.end(), Math.max(100, deadline.left), () => client.connection.stream.destroy());
  }
}
