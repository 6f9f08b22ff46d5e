import { z } from "zod";
import { checkArguments } from "./checkArguments.js";

/** How a PostgreSQL URL starts: a scheme is case-insensitive (RFC 3986), so `POSTGRES://` too. */
const POSTGRES_SCHEME = /^postgres(ql)?:\/\//i;

/**
 * Whether a store given as text names PostgreSQL: it starts with
 * `postgres://` or `postgresql://`, in any case (a URL's scheme is
 * case-insensitive, RFC 3986), as `openEventLog`, `openFactory`, `factory
 * --store` and `factory-mcp --store` all read it. Only the scheme is looked
 * at: the store checks the rest of the URL when it opens.
 *
 * @throws ValidationError naming `value` when it is not a string.
 * @example
 * ```ts
 * isPostgresUrl("postgres://ana@db.example.com:5432/factory"); // true
 * isPostgresUrl("POSTGRESQL://ana@db/factory"); // true
 * isPostgresUrl("./factory.db"); // false
 * ```
 */
export function isPostgresUrl(value: string): boolean {
  if (typeof value !== "string") checkArguments("isPostgresUrl", { value: [z.string(), value] });
  return POSTGRES_SCHEME.test(value);
}

/**
 * A store given as text (a connection URL, or a path) with its password
 * replaced by `***`, for messages and JSON output: the password in the user
 * part or in a `password` parameter, also in a value that only looks like a
 * URL (`postgres//u:pw@host/db`, `postgres:/u:pw@host/db`, `u:pw@host/db`).
 * The user, host, port and database stay, so the message still says which
 * URL was wrong. Anything else is returned as it is.
 *
 * @throws ValidationError naming `value` when it is not a string.
 * @example
 * ```ts
 * redactStore("postgres://ana:s3cret@db.example.com:5432/factory"); // "postgres://ana:***@db.example.com:5432/factory"
 * redactStore("postgres//ana:s3cret@db/factory"); // "postgres//ana:***@db/factory"
 * redactStore("./factory.db"); // "./factory.db"
 * ```
 */
export function redactStore(value: string): string {
  if (typeof value !== "string") checkArguments("redactStore", { value: [z.string(), value] });
  // A URL with a host; postgres:/u:pw@db/f parses too, with all of it in the path, and is masked below.
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url !== undefined && url.host !== "") {
    if (url.password === "" && !url.searchParams.has("password")) return value;
    if (url.password !== "") url.password = "***";
    if (url.searchParams.has("password")) url.searchParams.set("password", "***");
    return url.toString();
  }
  // Not a URL: hide everything from the user's colon to the last @, and any password parameter.
  const masked = value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):.*@/i, "$1:***@")
    // A mistyped scheme (postgres//, postgres:/) or none: the user is the last segment before its colon.
    .replace(/^(.*\/)?([^/:@]*):[^/@]*@/, "$1$2:***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
  // A password with a slash in it: hide everything from the first colon to the last @.
  return /:\*\*\*@/.test(masked) ? masked : masked.replace(/:[^@]*@/, ":***@");
}

/** What a store that looks like a URL, and is no `postgres://` one, must look like instead. */
const MISTYPED_URL =
  "looks like a URL but is not a postgres:// or postgresql:// URL (expected postgres://user:password@host:5432/database?schema=name); a SQLite file at a path like this is given as ./<path>";

/**
 * Why a store given as text (`--store`, `FACTORY_DATABASE_URL`) must not be
 * taken as the path of a SQLite file, or undefined when it may be (or is a
 * `postgres://` or `postgresql://` URL, in any case): a URL of another scheme
 * (`mysql://...`), or a value that looks like a mistyped URL: `postgres` or
 * `postgresql` followed by a colon or `//` (`postgres//u:pw@db/f`,
 * `postgres:/db/f`), a scheme followed by `:/` (`pg:/db`), or a user and
 * password before an `@` in its first segment (`u:pw@db/f`,
 * `pg//u:pw@db/f`). A path given as `./...` is never one. The reason does
 * not quote the value: show it with {@link redactStore}.
 *
 * @throws ValidationError naming `value` when it is not a string.
 * @example
 * ```ts
 * mistypedStoreUrl("postgres//ana:s3cret@db/factory"); // "looks like a URL but is not a postgres:// ..."
 * mistypedStoreUrl("./factory.db"); // undefined
 * ```
 */
export function mistypedStoreUrl(value: string): string | undefined {
  if (typeof value !== "string") checkArguments("mistypedStoreUrl", { value: [z.string(), value] });
  if (POSTGRES_SCHEME.test(value)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return "expected a postgres:// or postgresql:// URL, or a path to a SQLite file";
  }
  const mistyped =
    /^postgres(ql)?(:|\/\/)/i.test(value) ||
    /^[a-z][a-z0-9+.-]+:\//i.test(value) ||
    /^(?:[a-z][a-z0-9+.-]*:?\/\/?)?[^/@:]+:[^@]*@/i.test(value);
  return mistyped ? MISTYPED_URL : undefined;
}
