/**
 * What opening a factory read-only takes besides its store: telling a folder
 * this process may not write, and refusing the appends of a store that has
 * no read-only mode of its own.
 *
 * @module
 */
import { accessSync, constants, existsSync } from "node:fs";
import { type EventStore, ReadOnlyError } from "@software-factory/core";

/**
 * Whether `dir` exists and this process may not write it (permission
 * denied, a read-only mount): then nothing is written to it, the caches
 * included.
 */
export function isReadOnlyFolder(dir: string): boolean {
  if (!existsSync(dir)) return false;
  try {
    accessSync(dir, constants.W_OK);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EACCES" || code === "EPERM" || code === "EROFS";
  }
}

/**
 * The PostgreSQL store at `url`, opened read-only: nothing is created or
 * migrated there, and every append is refused by a {@link ReadOnlyError}
 * naming its server, database and schema
 * (`the PostgreSQL store at db:5432/factory (schema shop)`), never its user
 * or password.
 *
 * @throws StoreError naming the server, database and schema when there is no factory there.
 */
export async function openPostgresReadOnly(url: string): Promise<EventStore> {
  const { openPostgresEventStore, probePostgresFactory } = await import("@software-factory/core/postgres");
  const store = await openPostgresEventStore({ url, readOnly: true });
  try {
    const { target, schema } = await probePostgresFactory({ url });
    return refuseAppends(store, `the PostgreSQL store at ${target} (schema ${schema})`);
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * `store` with every append refused by a {@link ReadOnlyError} naming
 * `where`: a factory opened with `readOnly` over a store that is not its
 * SQLite file (a PostgreSQL URL, a store object). Reads go to `store`.
 */
export function refuseAppends(store: EventStore, where: string): EventStore {
  return {
    kind: store.kind,
    readOnly: true,
    append: async () => {
      throw new ReadOnlyError({
        message: `cannot write to ${where}: the factory was opened read-only (readOnly: true); it can be read, and nothing was written`,
        path: where,
      });
    },
    read: (query) => store.read(query),
    head: () => store.head(),
    watch: (listener) => store.watch(listener),
    close: () => store.close(),
  };
}
