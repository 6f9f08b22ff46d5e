import * as Context from "effect/Context";
import type { Embedder } from "./search/types.js";

/**
 * The embedder of the knowledge base's vector index, as an Effect service. A
 * factory layer (`FactoryService.layer` in `@software-factory/intelligence`)
 * uses it when its options give no `embedder`; without one it uses the
 * embedder `FACTORY_EMBEDDER` configures, else the local hashing embedder.
 * `KnowledgeBaseService.layer` uses it likewise, else the hashing embedder.
 *
 * @example
 * ```ts
 * const hashing = Layer.succeed(EmbedderService, createHashingEmbedder());
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir }).pipe(Layer.provide(hashing))));
 * ```
 */
export class EmbedderService extends Context.Service<EmbedderService, Embedder>()(
  "@software-factory/knowledge/Embedder",
) {}
