/**
 * What a knowledge base is made of, wired from the options it opens with:
 * the embedder, the chunk index over it, the projection folding the log into
 * that index, and the reads and writes over the projection.
 *
 * @module
 */
import { createHashingEmbedder } from "../embedders/hashingEmbedder.js";
import type { OpenKnowledgeBaseOptions } from "../openKnowledgeBase.js";
import type { Embedder } from "../search/types.js";
import { ChunkIndex } from "./ChunkIndex.js";
import { KnowledgeProjection } from "./KnowledgeProjection.js";
import { KnowledgeReader } from "./KnowledgeReader.js";
import { KnowledgeWriter } from "./KnowledgeWriter.js";

/** The parts of a knowledge base. */
export interface KnowledgeParts {
  /** The embedder behind the vector index: the one given, else the hashing embedder. */
  readonly embedder: Embedder;
  /** The documents and indexes, folded from the log. */
  readonly projection: KnowledgeProjection;
  /** The reads, answered from the projection. */
  readonly reader: KnowledgeReader;
  /** The writes, appended to the log and read back through the projection. */
  readonly writer: KnowledgeWriter;
}

/**
 * Wires the parts from `options`, already checked: fusion defaults to
 * reciprocal rank fusion with a semantic embedder, else to extending the
 * lexical ranking; caches are saved, and a checkpoint taken every 1000
 * events, unless the options say otherwise.
 */
export function knowledgeParts(options: OpenKnowledgeBaseOptions): KnowledgeParts {
  const embedder = options.embedder ?? createHashingEmbedder();
  const mode = options.fusion?.mode ?? (embedder.semantic ? "rrf" : "extend");
  const index = new ChunkIndex({
    embedder,
    chunking: options.chunking ?? {},
    vectorIndex: options.vectorIndex ?? {},
    fusion: { ...options.fusion, mode },
    clock: options.log.clock,
  });
  const projection = new KnowledgeProjection({
    log: options.log,
    dir: options.dir,
    saveCaches: options.saveCaches ?? true,
    index,
    checkpointEvery: options.checkpointEvery ?? 1000,
  });
  return {
    embedder,
    projection,
    reader: new KnowledgeReader({ projection, lines: options.lines, clock: options.log.clock }),
    writer: new KnowledgeWriter({ log: options.log, lines: options.lines, projection }),
  };
}
