/**
 * The local default embedder: no model, no network.
 *
 * @module
 */
import { checkArguments, formatIssues, ValidationError } from "@software-factory/core";
import { OptionsArgument } from "../internal/arguments.js";
import { uncheckedTokenize } from "../search/tokenize.js";
import type { Embedder } from "../search/types.js";

/** Options of {@link createHashingEmbedder}. */
export interface HashingEmbedderOptions {
  /** Vector length (default 256). */
  readonly dimension?: number;
}

/**
 * An embedder that hashes words and their character trigrams into a fixed-size
 * signed vector (the hashing trick), L2-normalized.
 *
 * It is not a semantic model: it knows no synonyms. What it adds to BM25 is
 * fuzziness: near spellings, word parts and identifiers written differently
 * (`read_only`, `readOnly`, `readonly`) land close together. It needs nothing
 * installed and runs anywhere; for meaning, plug in a real model through
 * {@link createOpenAiEmbedder} (OpenAI, Ollama, vLLM, TEI).
 *
 * @throws ValidationError (path `dimension`) when the dimension is not an integer from 16 to 4096,
 *   or naming `options` when it is not an object.
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  checkArguments("createHashingEmbedder", { options: [OptionsArgument, options] });
  const dimension = options.dimension ?? 256;
  if (!Number.isInteger(dimension) || dimension < 16 || dimension > 4096) {
    const issues = [
      {
        path: "dimension",
        message: `hashing embedder dimension must be an integer from 16 to 4096, got ${dimension}`,
      },
    ];
    throw new ValidationError({ message: formatIssues("hashing embedder options", issues), issues });
  }
  return {
    id: `hashing-trigram-v2/${dimension}`,
    dimension,
    semantic: false,
    // It computes at once in this thread: a signal aborted before the call is all it can heed.
    embed: async (texts, embedOptions) => {
      embedOptions?.signal?.throwIfAborted();
      return texts.map((text) => embedOne(text, dimension));
    },
  };
}

function embedOne(text: string, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  const counts = new Map<string, number>();
  for (const term of uncheckedTokenize(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const [term, count] of counts) {
    const weight = 1 + Math.log(count);
    addFeature(vector, `w:${term}`, weight);
    const padded = `<${term}>`;
    for (let i = 0; i + 3 <= padded.length; i += 1) addFeature(vector, padded.slice(i, i + 3), weight * 0.5);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dimension; i += 1) vector[i] = (vector[i] as number) / norm;
  return vector;
}

/** Adds a feature at its hashed slot, with a hashed sign so collisions cancel out on average. */
function addFeature(vector: Float32Array, feature: string, weight: number): void {
  const hash = fnv1a(feature);
  const slot = (hash >>> 1) % vector.length;
  vector[slot] = (vector[slot] as number) + (hash & 1 ? weight : -weight);
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
