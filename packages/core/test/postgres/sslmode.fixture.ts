/**
 * Opens the PostgreSQL store named by the URL in argv (one with `sslmode`),
 * and prints `opened` or the error's message, so a test can read what the
 * process wrote on standard error meanwhile.
 */
import { openPostgresEventStore } from "@software-factory/core/postgres";

const [url] = process.argv.slice(2);
try {
  const store = await openPostgresEventStore({ url: url ?? "" });
  await store.head();
  await store.close();
  console.log("opened");
} catch (error) {
  console.log(error instanceof Error ? error.message : String(error));
}
