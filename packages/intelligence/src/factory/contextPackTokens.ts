/**
 * Token counting for the budgets of context packs: a real tokenizer
 * (gpt-tokenizer, loaded on first use), or a fast estimate.
 *
 * @module
 */
import { countTokens } from "@software-factory/knowledge";

/** Counts the model tokens of a text, for budgets. */
export interface TokenCounter {
  /** Name of the method (`estimate`, `o200k_base`), for reports. */
  readonly name: string;
  /** Tokens the text takes. */
  count(text: string): number;
}

/**
 * The knowledge base's estimate from words and characters: no tokenizer to
 * load, within about 15% of cl100k/o200k on prose (see the intelligence bench
 * for its error on real sets). Pass it as `tokenCounter` where speed matters
 * more than an exact budget.
 */
export const estimateTokenCounter: TokenCounter = { name: "estimate", count: countTokens };

/** Encodings of {@link loadTokenCounter}: `o200k_base` (GPT-4o and later), `cl100k_base` (GPT-4, GPT-3.5). */
export type TokenEncoding = "cl100k_base" | "o200k_base";

const loaded = new Map<TokenEncoding, Promise<TokenCounter>>();
/** Special-token text in documents (`<|endoftext|>`) is counted as plain text, never refused. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * A counter that gives the exact token count of an OpenAI encoding, with
 * gpt-tokenizer (pure JavaScript). The encoding is imported on the first call
 * only and shared by later calls: about 0.3 s and 60 MiB for `o200k_base`
 * (Node 20, one core). Context packs use `o200k_base` unless the factory is
 * given another counter.
 *
 * @example
 * ```ts
 * const factory = await openFactory({ dir, tokenCounter: await loadTokenCounter("cl100k_base") });
 * ```
 */
export function loadTokenCounter(encoding: TokenEncoding = "o200k_base"): Promise<TokenCounter> {
  let counter = loaded.get(encoding);
  if (counter === undefined) {
    counter = (async () => {
      const { countTokens } =
        encoding === "o200k_base"
          ? await import("gpt-tokenizer/encoding/o200k_base")
          : await import("gpt-tokenizer/encoding/cl100k_base");
      return { name: encoding, count: (text: string) => countTokens(text, PLAIN_TEXT) };
    })();
    counter.catch(() => loaded.delete(encoding));
    loaded.set(encoding, counter);
  }
  return counter;
}
