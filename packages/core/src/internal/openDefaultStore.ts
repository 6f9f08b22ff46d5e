import type { EventStore } from "../EventStore.js";
import { ValidationError } from "../errors.js";
import { DEFAULT_STORE_PATH, type OpenEventLogOptions } from "../eventLogInputs.js";
import { isPostgresUrl, redactStore } from "../storeUrl.js";

/**
 * The store `openEventLog` opens when given none: PostgreSQL at `store` when it
 * is a URL (or at `FACTORY_DATABASE_URL`, when neither `store` nor `path` is
 * given), else the SQLite file at `path`.
 *
 * @throws ValidationError when `FACTORY_DATABASE_URL` is no `postgres://` URL.
 */
export async function openDefaultStore(options: OpenEventLogOptions): Promise<EventStore> {
  const fromEnv = process.env.FACTORY_DATABASE_URL;
  // A blank variable is unset, as `factory` and `factory-mcp` read it.
  const envUrl = fromEnv?.trim() ? fromEnv : undefined;
  const url =
    typeof options.store === "string" ? options.store : options.path === undefined ? envUrl : undefined;
  if (url !== undefined && !isPostgresUrl(url)) {
    // Only FACTORY_DATABASE_URL gets here: a store option was checked with the other options.
    const message = `${JSON.stringify(redactStore(url))} is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it and give a SQLite file as path`;
    throw new ValidationError({
      message: `FACTORY_DATABASE_URL: ${message}`,
      issues: [{ path: "FACTORY_DATABASE_URL", message }],
    });
  }
  if (url !== undefined) {
    const { openPostgresEventStore } = await import("../postgres/PostgresEventStore.js");
    return openPostgresEventStore({
      url,
      ...(options.durability === undefined ? {} : { durability: options.durability }),
    });
  }
  const { openSqliteEventStore } = await import("../sqlite/SqliteEventStore.js");
  return openSqliteEventStore({
    path: options.path ?? DEFAULT_STORE_PATH,
    ...(options.durability === undefined ? {} : { durability: options.durability }),
  });
}
