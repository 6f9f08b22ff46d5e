import { z } from "zod";
import { validationErrorFromZod } from "../errors.js";
import { isPostgresUrl } from "../storeUrl.js";
import { strictInput } from "../strictInput.js";
import { checkUrlParameters, readUrlParameters } from "./urlParameters.js";

/** TLS settings of the connection: `true` for TLS with the system's trusted CAs, or node's TLS options. */
export type PostgresSslOptions =
  | boolean
  | {
      /** Refuse a server whose certificate does not verify (default true). */
      readonly rejectUnauthorized?: boolean | undefined;
      /** PEM of the CA(s) that signed the server certificate. */
      readonly ca?: string | undefined;
      /** PEM of the client certificate, for certificate authentication. */
      readonly cert?: string | undefined;
      /** PEM of the client key, for certificate authentication. */
      readonly key?: string | undefined;
      /** Name to check the server certificate against, when it differs from the host. */
      readonly servername?: string | undefined;
    };

/** Connection pool settings; the defaults suit one MCP server or CLI process. */
export interface PostgresPoolOptions {
  /** Most connections this process opens for reads and appends (default 10; URL: `pool_max`). */
  readonly max?: number;
  /** Closes a connection idle this long, in ms (default 30,000). */
  readonly idleTimeoutMs?: number;
  /** Gives up connecting after this long, in ms (default 5,000; URL: `connect_timeout`, in seconds as in libpq). */
  readonly connectionTimeoutMs?: number;
}

/** How appends and reads retry after a lost connection. */
export interface PostgresRetryOptions {
  /** Attempts in all, the first included (default 6). */
  readonly attempts?: number;
  /** Delay before the first retry, in ms, doubled on each next one (default 100). */
  readonly initialDelayMs?: number;
  /** Longest delay between two attempts, in ms (default 2,000). */
  readonly maxDelayMs?: number;
}

/** Options of `openPostgresEventStore`. Give `url` or `connectionString` (the same thing, two names). */
export interface PostgresEventStoreOptions {
  /**
   * `postgres://user:password@host:port/database?sslmode=...`. Besides node-pg's
   * parameters (`sslmode`, read as libpq reads it, `sslrootcert`,
   * `application_name`, `connect_timeout`, `statement_timeout`...), it takes
   * the store's own: `schema`, `pool_max`, `query_timeout_ms` and
   * `call_timeout_ms`, each the URL form of an option, which wins over it.
   * Any other parameter is refused with a `ValidationError` naming it.
   */
  readonly url?: string;
  /** Same as `url`, under the name the `pg` driver uses. */
  readonly connectionString?: string;
  /**
   * PostgreSQL schema holding the factory's tables, created when missing; lets
   * several factories share one database. Set as the connections' `search_path`
   * (added to any `options` parameter of the URL). Defaults to the URL's
   * `schema` parameter (`postgres://host/db?schema=team_a`, so a URL alone can
   * name it, as `factory --store` and `FACTORY_DATABASE_URL` do), else the
   * connection's `search_path` (normally `public`).
   */
  readonly schema?: string;
  /** TLS; when given, replaces `sslmode` and the other TLS parameters of the URL. */
  readonly ssl?: PostgresSslOptions;
  /**
   * `full` (default) acknowledges an append once PostgreSQL has flushed it to
   * disk; `normal` sets `synchronous_commit = off` for appends: a server crash
   * can lose the last fraction of a second of acknowledged appends (never
   * reorder or corrupt them), and a single writer appends several times faster.
   */
  readonly durability?: "full" | "normal";
  /**
   * Opens an existing factory for reading only: nothing is created or
   * migrated (no DDL runs, so a role with only `USAGE` on the schema and
   * `SELECT` on its tables can open it), opening fails with a `StoreError`
   * naming host, port, database and schema when the schema or its tables are
   * missing, and every append is refused with a `ReadOnlyError`.
   */
  readonly readOnly?: boolean;
  /**
   * Opens the store as the target of a copy of another log (`factory
   * migrate`, `migrateLog`): an empty schema is marked as an unfinished copy
   * until {@link finishPostgresCopy} clears the mark, and a schema marked so
   * opens only with this option. Without it, opening a marked schema fails
   * with a `StoreError` saying to run the copy again to finish it: a copy that
   * was interrupted holds the first part of its source's log only, and one
   * write to it would make the copy impossible to finish.
   */
  readonly copyTarget?: boolean;
  /** Connection pool settings. */
  readonly pool?: PostgresPoolOptions;
  /** Retries after a lost connection. */
  readonly retry?: PostgresRetryOptions;
  /**
   * `application_name` the connections report in `pg_stat_activity` (default: the
   * URL's `application_name`, else `software-factory`); the `LISTEN` connection adds `-listener`.
   */
  readonly applicationName?: string;
  /**
   * How often watchers re-check the head even without a notification, in ms
   * (default 30,000; 0 turns it off). A safety net only: notifications and the
   * catch-up after each reconnect already cover every commit.
   */
  readonly catchUpIntervalMs?: number;
  /**
   * Longest wait for the answer to one statement, in ms (default 30,000). A
   * connection whose other end vanished without closing (a proxy, NAT or load
   * balancer lost it) never answers; after this long the connection is
   * discarded and the call is retried on a new one, so a call never hangs.
   * A URL can give it as `query_timeout_ms`.
   */
  readonly queryTimeoutMs?: number;
  /**
   * Longest time one call (`append`, `read`, `head`) waits for PostgreSQL in
   * all, its retries included, in ms (default 10,000, or `queryTimeoutMs` when
   * that is longer). When the server is gone, or every connection of the pool
   * went silent, the call fails after this long with a `StoreError` naming
   * host and port, instead of retrying on each dead connection in turn. Each
   * wait for a connection or a statement's answer is cut to the time left.
   * A URL can give it as `call_timeout_ms` (`postgres://host/db?call_timeout_ms=5000`),
   * for `factory --store` and `FACTORY_DATABASE_URL`.
   */
  readonly callTimeoutMs?: number;
  /**
   * How often the `LISTEN` connection is checked with `SELECT 1`, in ms
   * (default 15,000); one that does not answer within `queryTimeoutMs` is
   * replaced, and watchers catch up on what they missed.
   */
  readonly listenerCheckIntervalMs?: number;
}

const SslSchema = z.union([
  z.boolean(),
  strictInput({
    rejectUnauthorized: z.boolean().optional(),
    ca: z.string().optional(),
    cert: z.string().optional(),
    key: z.string().optional(),
    servername: z.string().optional(),
  }),
]);

const UrlSchema = z
  .string()
  .refine(isPostgresUrl, "expected a postgres:// or postgresql:// URL")
  .refine((value) => URL.canParse(value), "is not a valid URL");

const SchemaNameSchema = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_]{0,62}$/,
    "schema must be 1-63 chars of [a-z0-9_], starting with a letter or underscore",
  );

const OptionsSchema = strictInput({
  url: UrlSchema.optional(),
  connectionString: UrlSchema.optional(),
  schema: SchemaNameSchema.optional(),
  ssl: SslSchema.optional(),
  durability: z.enum(["full", "normal"]).optional(),
  readOnly: z.boolean().optional(),
  copyTarget: z.boolean().optional(),
  pool: strictInput({
    max: z.number().int().min(1).max(10_000).optional(),
    idleTimeoutMs: z.number().int().min(0).optional(),
    connectionTimeoutMs: z.number().int().min(0).optional(),
  }).optional(),
  retry: strictInput({
    attempts: z.number().int().min(1).max(100).optional(),
    initialDelayMs: z.number().int().min(0).optional(),
    maxDelayMs: z.number().int().min(0).optional(),
  }).optional(),
  applicationName: z.string().max(63).optional(),
  catchUpIntervalMs: z.number().int().min(0).optional(),
  queryTimeoutMs: z.number().int().min(1).optional(),
  callTimeoutMs: z.number().int().min(1).optional(),
  listenerCheckIntervalMs: z.number().int().min(1).optional(),
})
  .refine((value) => value.url !== undefined || value.connectionString !== undefined, {
    message: "give url (or connectionString), as in postgres://user@host:5432/database",
    path: ["url"],
  })
  .refine((value) => value.url === undefined || value.connectionString === undefined, {
    message: "give url or connectionString, not both",
    path: ["connectionString"],
  })
  .superRefine((value, context) => checkUrlParameters(value.url ?? value.connectionString ?? "", context));

/** Validated options with every default filled in. */
export interface ResolvedPostgresOptions {
  readonly url: string;
  readonly schema: string | undefined;
  readonly ssl: PostgresSslOptions | undefined;
  readonly durability: "full" | "normal";
  readonly readOnly: boolean;
  readonly copyTarget: boolean;
  readonly poolMax: number;
  readonly idleTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly retryAttempts: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly applicationName: string;
  readonly catchUpIntervalMs: number;
  readonly queryTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly listenerCheckIntervalMs: number;
  /** `host:port/database`, for messages; never the password. */
  readonly target: string;
}

/**
 * Validates the options of the PostgreSQL store and fills in defaults.
 *
 * @throws ValidationError naming each bad field.
 */
export function resolvePostgresOptions(input: unknown): ResolvedPostgresOptions {
  const parsed = OptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw validationErrorFromZod(parsed.error.issues, { subject: "PostgreSQL event store options" });
  }
  const options = parsed.data;
  const url = options.url ?? options.connectionString ?? "";
  const fromUrl = readUrlParameters(url);
  const queryTimeoutMs = options.queryTimeoutMs ?? fromUrl.queryTimeoutMs ?? 30_000;
  return {
    url,
    schema: options.schema ?? fromUrl.schema,
    ssl: options.ssl,
    durability: options.durability ?? "full",
    readOnly: options.readOnly ?? false,
    copyTarget: options.copyTarget ?? false,
    poolMax: options.pool?.max ?? fromUrl.poolMax ?? 10,
    idleTimeoutMs: options.pool?.idleTimeoutMs ?? 30_000,
    connectionTimeoutMs: options.pool?.connectionTimeoutMs ?? fromUrl.connectionTimeoutMs ?? 5_000,
    retryAttempts: options.retry?.attempts ?? 6,
    retryInitialDelayMs: options.retry?.initialDelayMs ?? 100,
    retryMaxDelayMs: options.retry?.maxDelayMs ?? 2_000,
    applicationName: options.applicationName ?? fromUrl.applicationName ?? "software-factory",
    catchUpIntervalMs: options.catchUpIntervalMs ?? 30_000,
    queryTimeoutMs,
    callTimeoutMs:
      options.callTimeoutMs ??
      fromUrl.callTimeoutMs ??
      Math.max(10_000, options.queryTimeoutMs ?? fromUrl.queryTimeoutMs ?? 0),
    listenerCheckIntervalMs: options.listenerCheckIntervalMs ?? 15_000,
    target: describeTarget(url),
  };
}

/** `host:port/database` of a connection URL, for messages; never the user or password. */
export function describeTarget(url: string): string {
  const parsed = new URL(url);
  const socketHost = parsed.searchParams.get("host");
  const host = parsed.hostname === "" ? (socketHost ?? "localhost") : parsed.hostname;
  const port = parsed.port === "" ? (parsed.searchParams.get("port") ?? "5432") : parsed.port;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  return `${host}:${port}${database === "" ? "" : `/${database}`}`;
}
