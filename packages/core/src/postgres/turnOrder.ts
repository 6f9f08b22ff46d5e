import type pg from "pg";

/**
 * The place of a schema's log in the order in which writes take their turns
 * (see `WriteTurns.order`): the server's cluster (`system_identifier`, the
 * same however it is reached), the database and the schema. When the role may
 * not read the cluster's identifier, the configured target stands in, so
 * processes that reach the same server by different names may order it
 * differently.
 */
export async function turnOrder(client: pg.PoolClient, schema: string, target: string): Promise<string> {
  const { rows } = await client.query<{ database: string; cluster: string | null }>(
    `SELECT current_database() AS database,
            CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
                 THEN (SELECT system_identifier::text FROM pg_control_system()) END AS cluster`,
  );
  const row = rows[0];
  return `postgres:${JSON.stringify([row?.cluster ?? target, row?.database ?? target, schema])}`;
}
