import type pg from "pg";
import { CALL_TIMEOUT_PARAMETER, type ResolvedPostgresOptions } from "./options.js";

/** Idle time before TCP keep-alive probes a connection, in ms. */
const KEEP_ALIVE_INITIAL_DELAY_MS = 10_000;

/**
 * The driver settings of every connection. `pg` lets parameters in the URL win
 * over explicit settings, so the URL parameters that the store's own options set
 * (`sslmode` and the other TLS ones when `ssl` is given, `options` and
 * `application_name`) are taken out of it and passed explicitly instead, and
 * `schema` and `call_timeout_ms`, which are the store's and not the driver's,
 * are dropped.
 */
export function clientConfig(options: ResolvedPostgresOptions): pg.ClientConfig {
  const url = new URL(options.url);
  const params = url.searchParams;
  if (options.ssl !== undefined) {
    for (const name of ["ssl", "sslmode", "sslcert", "sslkey", "sslrootcert"]) params.delete(name);
  }
  const startupOptions = [
    params.get("options"),
    options.schema === undefined ? null : `-c search_path=${options.schema}`,
  ].filter((part) => part !== null && part !== "");
  params.delete("options");
  params.delete("application_name");
  params.delete("schema");
  params.delete(CALL_TIMEOUT_PARAMETER);
  return {
    connectionString: url.toString(),
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    ...(startupOptions.length === 0 ? {} : { options: startupOptions.join(" ") }),
    application_name: options.applicationName,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    // A statement unanswered this long fails; the pool then destroys its connection and the call retries.
    query_timeout: options.queryTimeoutMs,
    // The OS default waits two hours before the first probe of a silent connection.
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEP_ALIVE_INITIAL_DELAY_MS,
  };
}
