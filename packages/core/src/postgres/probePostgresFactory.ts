import pg from "pg";
import { StoreError } from "../errors.js";
import { CallDeadline } from "./CallDeadline.js";
import { clientConfig } from "./clientConfig.js";
import { isConnectTimeout, isQueryTimeout, noAnswerStoreError, storeErrorFrom } from "./connectionErrors.js";
import { endWithin } from "./endWithin.js";
import { type PostgresEventStoreOptions, resolvePostgresOptions } from "./options.js";

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
 * `?schema=` is found here instead of becoming a new, empty factory.
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
  // The whole probe waits callTimeoutMs at most: connecting, then the query in the time left.
  const connectMs =
    resolved.connectionTimeoutMs === 0
      ? deadline.timeoutMs
      : Math.min(resolved.connectionTimeoutMs, deadline.timeoutMs);
  const client = new pg.Client({ ...clientConfig(resolved), connectionTimeoutMillis: connectMs });
  client.on("error", () => undefined);
  const doing = "looking for a factory";
  let waitMs = connectMs;
  try {
    await client.connect().catch((error: unknown) => {
      throw isConnectTimeout(error) ? noAnswerStoreError(error, resolved.target, doing, connectMs) : error;
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
  } catch (error) {
    if (error instanceof StoreError) throw error;
    if (isQueryTimeout(error)) throw noAnswerStoreError(error, resolved.target, doing, waitMs);
    throw storeErrorFrom(error, resolved.target, doing);
  } finally {
    // A server that stopped answering does not answer the goodbye either: wait no longer than the probe's time.
    await endWithin(client.end(), Math.max(100, deadline.left), () => client.connection.stream.destroy());
  }
}
