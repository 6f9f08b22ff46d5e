/**
 * The PostgreSQL event store (driver: `pg`), for a factory shared by a team:
 * many processes on many machines appending to one log and seeing each other's
 * writes live. Kept behind this subpath so the main entry of
 * `@software-factory/core` loads no driver.
 *
 * @module
 */

export { createPostgresFactory, type PostgresFactoryCreation } from "./createPostgresFactory.js";
export type {
  PostgresEventStoreOptions,
  PostgresPoolOptions,
  PostgresRetryOptions,
  PostgresSslOptions,
} from "./options.js";
export { openPostgresEventStore, POSTGRES_SCHEMA_VERSION } from "./PostgresEventStore.js";
export { type PostgresFactoryProbe, probePostgresFactory } from "./probePostgresFactory.js";
export { finishPostgresCopy } from "./unfinishedCopy.js";
