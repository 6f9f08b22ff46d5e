import { CallDeadline } from "./CallDeadline.js";
import { clientConfig } from "./clientConfig.js";
import { isConnectTimeout, isEndedConnection, noAnswerStoreError } from "./connectionErrors.js";
import { endWithin } from "./endWithin.js";
import { migrate } from "./migrations.js";
import {
  type PostgresEventStoreOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./options.js";
import { retryConnectionErrors } from "./retryConnectionErrors.js";
import { StoreConnection } from "./StoreConnection.js";

/** What {@link createPostgresFactory} did. */
export interface PostgresFactoryCreation {
  /** The schema the factory's tables are in. */
  readonly schema: string;
  /**
   * Whether this call created the factory's tables. Of several calls at once
   * on a new schema, from any number of processes, exactly one did; the
   * others found them (and say the factory already exists).
   */
  readonly created: boolean;
  /** `host:port/database`, for messages; never the password. */
  readonly target: string;
}

/**
 * Creates the factory's schema and tables in the schema the options name,
 * unless they are there, and tells whether this call created them: the
 * check and the creation are one transaction under the advisory lock that
 * `openPostgresEventStore` migrates under, so the answer holds when several
 * processes create the same factory at once (`factory init` on CI jobs
 * sharing a database), which asking {@link probePostgresFactory} first does not.
 * A connection the server ends meanwhile (a failover, a terminated session) is
 * retried on a new one, as a read is; when the server ended it after the
 * creation committed, the retry finds the factory and says it was not created.
 *
 * @throws ValidationError when the options are invalid.
 * @throws SchemaVersionError when the schema was written by a newer SDK.
 * @throws StoreError naming host and port when the server cannot be reached,
 *   the role may not create the schema or its tables (saying what to grant),
 *   or the schema holds another application's tables.
 * @example
 * ```ts
 * const { created, schema } = await createPostgresFactory({ url: "postgres://factory@db:5432/factory?schema=shop" });
 * console.log(created ? `created the factory in schema ${schema}` : "the factory already exists");
 * ```
 */
export async function createPostgresFactory(
  options: PostgresEventStoreOptions,
): Promise<PostgresFactoryCreation> {
  const resolved = resolvePostgresOptions(options);
  // A connection the server ends meanwhile (a failover, a terminated session) is retried on a new one, as a read's.
  return retryConnectionErrors(
    resolved,
    new CallDeadline(resolved.callTimeoutMs),
    CREATING,
    () => createOnce(resolved),
    { retryable: isEndedConnection },
  );
}

/** What {@link createPostgresFactory} does, for messages. */
const CREATING = "creating the factory";

/**
 * One attempt of {@link createPostgresFactory}, on a connection of its own.
 *
 * @throws StoreError or SchemaVersionError as `migrate` does, or when the
 *   server does not answer in time; the driver's error otherwise.
 */
async function createOnce(resolved: ResolvedPostgresOptions): Promise<PostgresFactoryCreation> {
  const connectMs =
    resolved.connectionTimeoutMs === 0
      ? resolved.callTimeoutMs
      : Math.min(resolved.connectionTimeoutMs, resolved.callTimeoutMs);
  const client = new StoreConnection({ ...clientConfig(resolved), connectionTimeoutMillis: connectMs });
  try {
    await client.connect().catch((error: unknown) => {
      throw isConnectTimeout(error) ? noAnswerStoreError(error, resolved.target, CREATING, connectMs) : error;
    });
    const { schema, created } = await migrate(client, resolved.schema, resolved.target);
    return { schema, created, target: resolved.target };
  } catch (failure) {
    throw client.failure(failure);
  } finally {
    // A server that stopped answering does not answer the goodbye either: a second is enough for one that did.
    await endWithin(client.end(), 1000, () => client.connection.stream.destroy());
  }
}
