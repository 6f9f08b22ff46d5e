/**
 * The factory as Effect services: one layer opens a factory and provides
 * each of its parts as a service with typed errors.
 *
 * @module
 */
import {
  AssemblyLineService,
  ClockService,
  EventLogService,
  EventStoreService,
  type FactoryError,
  isFactoryError,
  ModelProviderService,
  makeAssemblyLineShape,
  makeEventLogShape,
  StoreError,
} from "@software-factory/core";
import { FloorPlanService, makeFloorPlanShape } from "@software-factory/floorplan";
import { EmbedderService, KnowledgeBaseService, makeKnowledgeBaseShape } from "@software-factory/knowledge";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Option from "effect/Option";
import { IntelligenceService, makeIntelligenceShape } from "./IntelligenceService.js";
import { type Factory, type OpenFactoryOptions, openFactory } from "./openFactory.js";

/**
 * Every service a factory layer provides: the open {@link Factory} itself and
 * each part with typed errors (the event log, the knowledge base, the floor
 * plan, the assembly line and the intelligence operations), all over the one
 * factory, so each sees the others' writes.
 */
export type FactoryServices =
  | FactoryService
  | EventLogService
  | KnowledgeBaseService
  | FloorPlanService
  | AssemblyLineService
  | IntelligenceService;

/**
 * The open factory as an Effect service: `yield* FactoryService` gives the
 * same {@link Factory} the Promise face returns, for code that mixes both
 * faces or sets a part up (`factory.standards.add`). Effect code reaches
 * the parts through their services, whose errors are typed:
 * {@link AssemblyLineService}, {@link KnowledgeBaseService},
 * {@link FloorPlanService}, {@link EventLogService} and
 * {@link IntelligenceService}; {@link FactoryService.layer} provides them all.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const work = yield* AssemblyLineService;
 *   return yield* work.advance("wi_unknown").pipe(
 *     Effect.catchTag("NotFoundError", (error) => Effect.succeed(error.message)),
 *   );
 * });
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir: ".factory" })));
 * ```
 */
export class FactoryService extends Context.Service<FactoryService, Factory>()(
  "@software-factory/intelligence/Factory",
) {
  /**
   * A layer that opens the factory, provides every {@link FactoryServices}
   * over it, and closes it when the layer's scope closes; the close waits
   * for the skill runs under way (an interrupted run is aborted and goes on
   * until its handler heeds the abort: its writes and its `skill.ran` event,
   * recorded as cancelled, land first). Its events are
   * stamped by `options.clock`, else by the {@link ClockService} of the
   * context when there is one, else by Effect's current `Clock` as the layer
   * is built: the machine's clock, unless the program provides another below
   * the layer (`TestClock.layer()` of `effect/testing`, whose `adjust` and
   * `setTime` then move the stamps; see {@link ClockService.current}). So with the
   * store, the embedder and the model provider: each option given wins, else
   * the {@link EventStoreService}, {@link EmbedderService} or
   * {@link ModelProviderService} of the context, else the default the
   * option names (a store of the context is closed with the factory, as a
   * store option is).
   *
   * Opening fails with the kernel's typed error (a `ValidationError` for bad
   * options or a malformed skill, a `FolderError` for a folder that cannot be
   * created, a `SchemaVersionError`, an `EventVersionError` at an event a
   * newer SDK wrote into the log...), and with a `StoreError` wrapping
   * anything else.
   */
  static layer(options: OpenFactoryOptions = {}): Layer.Layer<FactoryServices, FactoryError> {
    return Layer.effectContext(
      Effect.gen(function* () {
        const withServices: OpenFactoryOptions = {
          ...options,
          ...(options.clock === undefined ? { clock: yield* ClockService.current } : {}),
          ...fromContext("store", options.store, yield* Effect.serviceOption(EventStoreService)),
          ...fromContext("embedder", options.embedder, yield* Effect.serviceOption(EmbedderService)),
          ...fromContext("model", options.model, yield* Effect.serviceOption(ModelProviderService)),
        };
        const factory = yield* Effect.acquireRelease(
          Effect.tryPromise({ try: () => openFactory(withServices), catch: asFactoryError(options.dir) }),
          (opened) => Effect.promise(() => opened.close()),
        );
        return factoryContext(factory);
      }),
    );
  }

  /**
   * The services of a factory opened elsewhere (by {@link openFactory}): every
   * {@link FactoryServices} over it. The layer does not close the factory;
   * whoever opened it does.
   */
  static fromFactory(factory: Factory): Layer.Layer<FactoryServices> {
    return Layer.succeedContext(factoryContext(factory));
  }
}

/** `{ [key]: service }` when the options give no value for `key` and the context holds the service, else `{}`. */
function fromContext<const Key extends string, A>(
  key: Key,
  given: unknown,
  service: Option.Option<A>,
): { readonly [K in Key]?: A } {
  return given === undefined && Option.isSome(service) ? ({ [key]: service.value } as { [K in Key]: A }) : {};
}

/** Every service of {@link FactoryServices} over one open factory. */
function factoryContext(factory: Factory): Context.Context<FactoryServices> {
  return Context.make(FactoryService, factory).pipe(
    Context.add(EventLogService, makeEventLogShape(factory.log)),
    Context.add(KnowledgeBaseService, makeKnowledgeBaseShape(factory.knowledge)),
    Context.add(FloorPlanService, makeFloorPlanShape(factory.floorplan)),
    Context.add(AssemblyLineService, makeAssemblyLineShape(factory.work)),
    Context.add(IntelligenceService, makeIntelligenceShape(factory)),
  );
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
