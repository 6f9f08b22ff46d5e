/**
 * The factory as an Effect service.
 *
 * @module
 */
import type { FactoryError } from "@software-factory/core";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { type Factory, type OpenFactoryOptions, openFactory } from "./openFactory.js";

/**
 * The whole factory as an Effect service: `yield* FactoryService` gives the
 * same {@link Factory} the Promise face returns; the layer opens it and closes
 * it when the layer is released.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const factory = yield* FactoryService;
 *   return yield* Effect.promise(() => factory.knowledge.search("payment retries"));
 * });
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir: ".factory" })));
 * ```
 */
export class FactoryService extends Context.Service<FactoryService, Factory>()(
  "@software-factory/intelligence/Factory",
) {
  /** A layer that opens the factory and closes it when released. */
  static layer(options: OpenFactoryOptions = {}): Layer.Layer<FactoryService, FactoryError> {
    return Layer.effect(
      FactoryService,
      Effect.acquireRelease(
        Effect.tryPromise({ try: () => openFactory(options), catch: (error) => error as FactoryError }),
        (factory) => Effect.promise(() => factory.close()),
      ),
    );
  }
}
