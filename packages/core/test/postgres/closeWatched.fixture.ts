/**
 * Opens the PostgreSQL store named by the URL in argv, watches it until its
 * `LISTEN` connection is up, then closes it as the process's last work, with a
 * top-level await, right after a read: the process must exit 0 once the close
 * completes (the listener's and the pool's connections, both unref'd, ended).
 */
import { openPostgresEventStore } from "@software-factory/core/postgres";

const [url] = process.argv.slice(2);
const store = await openPostgresEventStore({ url: url ?? "" });
// The first wake comes once the listener is connected and listening; keep
// watching. The timer keeps the process alive until then, and no longer.
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  store.watch(() => {
    clearTimeout(timer);
    resolve();
  });
});
// A read just before closing leaves an idle (unref'd) pool connection to end.
await store.head();
await store.close();
console.log("closed");
