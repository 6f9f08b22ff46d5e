import { z } from "zod";

/**
 * URL parameters the store reads itself (the driver never sees them), each
 * the URL form of an option: `schema`, `call_timeout_ms` (`callTimeoutMs`),
 * `pool_max` (`pool.max`) and `query_timeout_ms` (`queryTimeoutMs`).
 */
export const STORE_URL_PARAMETERS = ["schema", "call_timeout_ms", "pool_max", "query_timeout_ms"] as const;

/**
 * URL parameters of node-pg (pg-connection-string) that reach the server or
 * the connection, passed on as they are except `connect_timeout` (libpq's, in
 * seconds: node-pg reads it from no URL, so the store turns it into
 * `pool.connectionTimeoutMs`), `application_name` and `options` (merged with
 * the store's own), and `sslmode`, read as libpq reads it (see `clientConfig`).
 */
export const DRIVER_URL_PARAMETERS = [
  "host",
  "port",
  "user",
  "password",
  "application_name",
  "fallback_application_name",
  "client_encoding",
  "options",
  "connect_timeout",
  "statement_timeout",
  "lock_timeout",
  "idle_in_transaction_session_timeout",
  "ssl",
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "sslnegotiation",
  "uselibpqcompat",
] as const;

/** The `sslmode` values libpq and node-pg share; `allow` (plain first) has no node-pg form. */
export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;

/** Parameters node-pg reads but the store would silently override, with what to give instead. */
const OVERRIDDEN: Readonly<Record<string, string>> = {
  query_timeout:
    "node-pg's query_timeout is overridden by the store's own timeout of each statement: give query_timeout_ms",
};

const ACCEPTED: ReadonlySet<string> = new Set([...STORE_URL_PARAMETERS, ...DRIVER_URL_PARAMETERS]);

/** The URL parameters the store reads, as numbers and names; absent ones are undefined. */
export interface StoreUrlParameters {
  readonly schema: string | undefined;
  readonly callTimeoutMs: number | undefined;
  readonly poolMax: number | undefined;
  readonly queryTimeoutMs: number | undefined;
  /** From `connect_timeout`, given in seconds. */
  readonly connectionTimeoutMs: number | undefined;
  readonly applicationName: string | undefined;
}

const WholeNumber = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,10}$/)
    .transform(Number)
    .pipe(z.number().max(max));

/** How each parameter with a value to check is read, and what its message says is expected. */
const CHECKED: readonly { readonly name: string; readonly schema: z.ZodType; readonly expected: string }[] = [
  {
    name: "schema",
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
    expected: "must be 1-63 chars of [a-z0-9_], starting with a letter or underscore",
  },
  {
    name: "call_timeout_ms",
    schema: WholeNumber(2_147_483_647).pipe(z.number().min(1)),
    expected: "must be a whole number of milliseconds from 1",
  },
  {
    name: "query_timeout_ms",
    schema: WholeNumber(2_147_483_647).pipe(z.number().min(1)),
    expected: "must be a whole number of milliseconds from 1",
  },
  {
    name: "pool_max",
    schema: WholeNumber(10_000).pipe(z.number().min(1)),
    expected: "must be a whole number of connections from 1 to 10000",
  },
  {
    name: "connect_timeout",
    schema: WholeNumber(2_147_483),
    expected: "must be a whole number of seconds (0 waits without limit)",
  },
  {
    name: "sslmode",
    schema: z.enum(SSL_MODES),
    expected: `must be one of ${SSL_MODES.join(", ")}`,
  },
  {
    name: "uselibpqcompat",
    schema: z.literal("true"),
    expected: "must be true when given: the store reads sslmode as libpq does in any case",
  },
];

/** The URL's parameters, or none when it does not parse (the URL's own check reports that). */
function searchParamsOf(url: string): URLSearchParams {
  return URL.canParse(url) ? new URL(url).searchParams : new URLSearchParams();
}

/**
 * Checks the parameters of a connection URL, adding an issue on `url` for
 * each one that neither the store nor node-pg understands (naming them and
 * the accepted ones), each one given twice, and each value that does not parse.
 */
export function checkUrlParameters(url: string, context: z.RefinementCtx): void {
  const params = searchParamsOf(url);
  const names = [...params.keys()];
  const issue = (message: string) => context.addIssue({ code: "custom", path: ["url"], message });
  for (const name of new Set(names)) {
    const hint = OVERRIDDEN[name];
    if (hint !== undefined) issue(`the URL's ${name} parameter is not accepted: ${hint}`);
  }
  const unknown = [...new Set(names.filter((name) => !ACCEPTED.has(name) && OVERRIDDEN[name] === undefined))];
  if (unknown.length > 0) {
    issue(
      `the URL has ${unknown.length === 1 ? "a parameter" : "parameters"} that neither the store nor node-pg understands: ${unknown.join(", ")}; accepted: ${STORE_URL_PARAMETERS.join(", ")} (the store's) and ${DRIVER_URL_PARAMETERS.join(", ")} (node-pg's)`,
    );
  }
  const repeated = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (repeated.length > 0) issue(`the URL gives ${repeated.join(", ")} more than once`);
  for (const { name, schema, expected } of CHECKED) {
    const value = params.get(name);
    if (value !== null && !schema.safeParse(value).success) {
      issue(`the URL's ${name} parameter ${expected}, got "${value}"`);
    }
  }
  if (params.get("sslmode") === "verify-ca" && params.get("sslrootcert") === null) {
    issue(
      "the URL's sslmode=verify-ca needs sslrootcert=<path to the CA's PEM>: with a public CA, anyone that CA certified could pose as the server (use verify-full to check the host name too)",
    );
  }
}

/** The store's parameters of a URL that {@link checkUrlParameters} accepted. */
export function readUrlParameters(url: string): StoreUrlParameters {
  const params = searchParamsOf(url);
  const number = (name: string): number | undefined => {
    const value = params.get(name);
    return value === null ? undefined : Number(value);
  };
  const connectTimeoutS = number("connect_timeout");
  return {
    schema: params.get("schema") ?? undefined,
    callTimeoutMs: number("call_timeout_ms"),
    poolMax: number("pool_max"),
    queryTimeoutMs: number("query_timeout_ms"),
    connectionTimeoutMs: connectTimeoutS === undefined ? undefined : connectTimeoutS * 1000,
    applicationName: params.get("application_name") ?? undefined,
  };
}
