import * as Context from "effect/Context";
import type { ModelProvider } from "./ModelProvider.js";

/**
 * The model provider as an Effect service. A factory layer
 * (`FactoryService.layer` in `@software-factory/intelligence`) gives it to
 * the skills that need a model when its options give no `model`; without
 * one it reads `FACTORY_MODEL_URL`, `FACTORY_MODEL` and `FACTORY_MODEL_KEY`.
 *
 * @example
 * ```ts
 * const local = Layer.succeed(
 *   ModelProviderService,
 *   createOpenAiCompatibleProvider({ baseUrl: "http://localhost:11434/v1", model: "llama3.2" }),
 * );
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir }).pipe(Layer.provide(local))));
 * ```
 */
export class ModelProviderService extends Context.Service<ModelProviderService, ModelProvider>()(
  "@software-factory/core/ModelProvider",
) {}
