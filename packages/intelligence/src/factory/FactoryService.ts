/**
 * The factory as an Effect service.
 *
 * @module
 */
import { type FactoryError, isFactoryError, StoreError } from "@software-factory/core";
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
  /**
   * A layer that opens the factory and closes it when released. Opening fails
   * with the kernel's typed error (a `ValidationError` for bad options or a
   * malformed skill, a `SchemaVersionError`...), and with a `StoreError`
   * wrapping anything else (a folder that cannot be created).
   */
  static layer(options: OpenFactoryOptions = {}): Layer.Layer<FactoryService, FactoryError> {
    return Layer.effect(
      FactoryService,
      Effect.acquireRelease(
        Effect.tryPromise({ try: () => openFactory(options), catch: asFactoryError(options.dir) }),
        (factory) => Effect.promise(() => factory.close()),
      ),
    );
  }
}

/** A failure to open the factory as a typed error: the kernel's own, else a `StoreError` naming the folder. */
function asFactoryError(dir: string | undefined): (error: unknown) => FactoryError {
  return (error) => {
    if (isFactoryError(error)) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreError({
      message: `could not open the factory at ${dir ?? ".factory"}: ${reason}`,
      cause: error,
    });
  };
}
