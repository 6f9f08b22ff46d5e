/**
 * Opens the PostgreSQL store named by the URL in argv (its `application_name`
 * tells its connections apart), then reads its head, eight calls at a time,
 * while a connection of its own ends every backend of the store as fast as it
 * can (`pg_terminate_backend`), until it has ended `kills` of them: the pool
 * keeps opening new connections, and the server ends some of them in the
 * moment it says they are ready. Then it stops, reads once more and prints,
 * as JSON, how many calls succeeded, the names and messages of the failures,
 * and the head read after the storm.
 */
import { openPostgresEventStore } from "@software-factory/core/postgres";
import pg from "pg";

const [url = "", applicationName = "", kills = "300"] = process.argv.slice(2);
const store = await openPostgresEventStore({ url, retry: { initialDelayMs: 1, maxDelayMs: 20 } });
const admin = new pg.Client({ connectionString: url.replace(/\?.*$/, "") });
admin.on("error", () => undefined);
await admin.connect();

let ended = 0;
let stop = false;
const storm = (async () => {
  while (!stop && ended < Number(kills)) {
    const result = await admin.query<{ ended: number }>(
      "SELECT count(pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [applicationName],
    );
    ended += result.rows[0]?.ended ?? 0;
  }
  stop = true;
})();

let succeeded = 0;
const failures = new Map<string, number>();
while (!stop) {
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.head()));
  for (const result of results) {
    if (result.status === "fulfilled") succeeded++;
    else {
      const error = result.reason as Error;
      const key = `${error.name}: ${error.message}`;
      failures.set(key, (failures.get(key) ?? 0) + 1);
    }
  }
}
await storm;
await admin.end();
const after = await store.head();
await store.close();
console.log(JSON.stringify({ ended, succeeded, failures: [...failures.keys()], after }));
