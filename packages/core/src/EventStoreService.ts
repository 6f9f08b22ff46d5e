import * as Context from "effect/Context";
import type { EventStore } from "./EventStore.js";

/**
 * Where the log lives, as an Effect service. A factory layer
 * (`FactoryService.layer` in `@software-factory/intelligence`) keeps its log
 * in the store of the context when its options give no `store`, and closes
 * it with the factory, as it does a store given in the options; without one
 * it opens the SQLite file of its folder (or `FACTORY_DATABASE_URL`).
 * `EventLogService.layer` keeps its events there when its options give
 * neither a store nor a path.
 *
 * @example
 * ```ts
 * const inMemory = Layer.sync(EventStoreService, createMemoryEventStore);
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir }).pipe(Layer.provide(inMemory))));
 * ```
 */
export class EventStoreService extends Context.Service<EventStoreService, EventStore>()(
  "@software-factory/core/EventStore",
) {}
