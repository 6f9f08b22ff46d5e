import pg from "pg";
import { clientConfig } from "./clientConfig.js";
import { storeErrorFrom } from "./connectionErrors.js";
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
 * @throws StoreError naming host and port when the server cannot be reached.
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
  const client = new pg.Client(clientConfig(resolved));
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ schema: string | null; found: boolean | null }>(
      `SELECT s.name AS schema,
              to_regclass(format('%I.events', s.name)) IS NOT NULL
                AND to_regclass(format('%I.schema_version', s.name)) IS NOT NULL AS found
         FROM (SELECT COALESCE($1::text, current_schema()) AS name) s`,
      [resolved.schema ?? null],
    );
    const row = rows[0];
    return { schema: row?.schema ?? null, found: row?.found === true, target: resolved.target };
  } catch (error) {
    throw storeErrorFrom(error, resolved.target, "looking for a factory");
  } finally {
    await endWithin(client.end(), resolved.queryTimeoutMs, () => client.connection.stream.destroy());
  }
}
