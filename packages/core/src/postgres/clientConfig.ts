import type pg from "pg";
import type { ResolvedPostgresOptions } from "./options.js";
import { STORE_URL_PARAMETERS } from "./urlParameters.js";

/** Idle time before TCP keep-alive probes a connection, in ms. */
const KEEP_ALIVE_INITIAL_DELAY_MS = 10_000;

/**
 * The driver settings of every connection. `pg` lets parameters in the URL win
 * over explicit settings, so the URL parameters that the store's own options set
 * (`sslmode` and the other TLS ones when `ssl` is given, `options` and
 * `application_name`) are taken out of it and passed explicitly instead; the
 * store's own parameters (`schema`, `pool_max`...) and `connect_timeout`
 * (already `connectionTimeoutMs`) are dropped.
 *
 * A URL's `sslmode` means what libpq and the PostgreSQL documentation say
 * (`require`: encrypted, certificate not checked; `verify-ca`; `verify-full`),
 * so the same URL behaves alike in psql and here: `uselibpqcompat=true` is
 * added for node-pg, which otherwise reads `prefer`, `require` and
 * `verify-ca` as `verify-full` and prints a security warning about it.
 */
export function clientConfig(options: ResolvedPostgresOptions): pg.ClientConfig {
  const url = new URL(options.url);
  const params = url.searchParams;
  if (options.ssl !== undefined) {
    for (const name of ["ssl", "sslmode", "sslcert", "sslkey", "sslrootcert", "uselibpqcompat"]) {
      params.delete(name);
    }
  } else if (params.has("sslmode")) {
    params.set("uselibpqcompat", "true");
  }
  const startupOptions = [
    params.get("options"),
    options.schema === undefined ? null : `-c search_path=${options.schema}`,
  ].filter((part) => part !== null && part !== "");
  params.delete("options");
  params.delete("application_name");
  params.delete("connect_timeout");
  for (const name of STORE_URL_PARAMETERS) params.delete(name);
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
