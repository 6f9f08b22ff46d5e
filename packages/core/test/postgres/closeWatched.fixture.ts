/**
 * Opens the PostgreSQL store named by the URL in argv, watches it until its
 * `LISTEN` connection is up, then closes it as the process's last work, with a
 * top-level await: the process must exit 0 once the close completes.
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
await store.close();
console.log("closed");
