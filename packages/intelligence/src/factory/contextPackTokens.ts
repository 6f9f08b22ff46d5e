/**
 * Token counting for the budgets of context packs: a real tokenizer
 * (gpt-tokenizer, loaded on first use), or a fast estimate.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { z } from "zod";
import { estimateTokensHigh } from "./tokenEstimate.js";

/** Counts the model tokens of a text, for budgets. */
export interface TokenCounter {
  /** Name of the method (`estimate`, `o200k_base`), for reports. */
  readonly name: string;
  /** Tokens the text takes. */
  count(text: string): number;
}

/**
 * A counter that needs no tokenizer: an estimate that errs high, so that a
 * pack it fills stays within its budget in o200k_base and cl100k_base tokens
 * alike, but for about 1 pack in 100, by a few tokens. It weighs words,
 * letters, case changes, digits, punctuation, indentation and the characters
 * of each script, 10 to 15 times as fast as the tokenizers.
 *
 * The price is budget left unused. On the retrieval sets of the intelligence
 * bench, 2,000-token packs came to 7 to 14 % below the budget in real tokens
 * (none of 250 over in o200k_base, one in cl100k_base by 13 tokens). On other
 * texts of 500 tokens and more it runs 7 to 16 % above o200k_base for English
 * prose, code, JSON and markdown tables; on other languages (Biome's README
 * and zod's messages) 15 to 20 % for Spanish, French or Polish, 20 to 40 % for
 * German, Chinese, Japanese and Korean, 1.5 to 2.5 times for Russian, Greek
 * or Hindi, and about 3 times for Arabic, Hebrew, Thai or Tamil, which
 * cl100k_base takes in far more tokens than o200k_base and which it bounds as
 * well. Small texts (under about 150 tokens) may count up to 8 % more than it
 * says. The knowledge base's `countTokens`, which chunking uses, counts low
 * and is not this.
 *
 * @throws ValidationError naming `text` when `count` is given something other than a string.
 */
export const estimateTokenCounter: TokenCounter = {
  name: "estimate",
  count: (text) => {
    if (typeof text !== "string") checkArguments("estimateTokenCounter.count", { text: [z.string(), text] });
    return estimateTokensHigh(text);
  },
};

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
