import type pg from "pg";

/**
 * The place of a schema's log in the order in which writes take their turns
 * (see `WriteTurns.order`): the server's cluster (`system_identifier`, the
 * same however it is reached), the database and the schema. When the role may
 * not run `pg_control_system()`, the configured target (host, port and
 * database) stands in for the cluster, so processes that reach the same server
 * by different names may order it differently.
 */
export async function turnOrder(client: pg.PoolClient, schema: string, target: string): Promise<string> {
  const database = (await client.query<{ name: string }>("SELECT current_database() AS name")).rows[0]?.name;
  // Outside a transaction, a refused statement leaves the connection usable.
  const cluster = await client
    .query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()")
    .then(({ rows }) => rows[0]?.id)
    .catch(() => undefined);
  return `postgres:${JSON.stringify([cluster ?? target, database ?? target, schema])}`;
}
