/**
 * The PostgreSQL server the benchmarks that compare stores run against, and
 * whether it answers.
 */
import pg from "pg";

/** `FACTORY_BENCH_DATABASE_URL`, or the local test server. */
export const BENCH_DATABASE_URL =
  process.env.FACTORY_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Why {@link BENCH_DATABASE_URL} cannot be connected to within 3 s (the driver's message); undefined when it can. */
export async function unreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** {@link BENCH_DATABASE_URL} naming `schema`, as `openFactory`'s store takes it. */
export function benchSchemaUrl(schema: string): string {
  const url = new URL(BENCH_DATABASE_URL);
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** Drops the schemas a run made on {@link BENCH_DATABASE_URL}, with all they hold. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await admin.connect();
  try {
    for (const name of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await admin.end();
  }
}
