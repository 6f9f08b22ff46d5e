/**
 * Token counting for the budgets of context packs: a fast estimate by
 * default, or a real tokenizer (js-tiktoken) loaded only when asked for.
 *
 * @module
 */
import { countTokens, type SearchHit } from "@software-factory/knowledge";

/** Counts the model tokens of a text, for budgets. */
export interface TokenCounter {
  /** Name of the method (`estimate`, `o200k_base`), for reports. */
  readonly name: string;
  /** Tokens the text takes. */
  count(text: string): number;
}

/**
 * The default counter: the knowledge base's estimate from words and
 * characters (no tokenizer to load; within about 15% of cl100k/o200k on prose,
 * see the intelligence bench for its error on real sets).
 */
export const estimateTokenCounter: TokenCounter = { name: "estimate", count: countTokens };

/** Encodings of {@link loadTiktokenCounter}: `o200k_base` (GPT-4o and later), `cl100k_base` (GPT-4, GPT-3.5). */
export type TiktokenEncoding = "cl100k_base" | "o200k_base";

const loaded = new Map<TiktokenEncoding, Promise<TokenCounter>>();

/**
 * A counter that gives the exact token count of an OpenAI encoding, with
 * js-tiktoken (pure JavaScript). The encoding's ranks are imported on the
 * first call only and shared by later calls; loading costs about 2 s and
 * 150 MiB for `o200k_base`, 0.9 s and 85 MiB for `cl100k_base` (Node 20, one
 * core), which is why the estimate stays the default.
 *
 * @example
 * ```ts
 * const factory = await openFactory({ dir, tokenCounter: await loadTiktokenCounter("o200k_base") });
 * ```
 */
export function loadTiktokenCounter(encoding: TiktokenEncoding = "o200k_base"): Promise<TokenCounter> {
  let counter = loaded.get(encoding);
  if (counter === undefined) {
    counter = (async () => {
      const { Tiktoken } = await import("js-tiktoken/lite");
      const ranks =
        encoding === "o200k_base"
          ? (await import("js-tiktoken/ranks/o200k_base")).default
          : (await import("js-tiktoken/ranks/cl100k_base")).default;
      const tokenizer = new Tiktoken(ranks);
      // Special-token text in documents ("<|endoftext|>") is counted as plain text, never refused.
      return { name: encoding, count: (text: string) => tokenizer.encode(text, [], []).length };
    })();
    counter.catch(() => loaded.delete(encoding));
    loaded.set(encoding, counter);
  }
  return counter;
}

/**
 * The hits, best first, that fit a budget: each costs its snippet and title
 * plus 8 tokens of framing, counted by `counter`; a hit that does not fit is
 * skipped and a smaller one after it may still fit. The kept hits carry their
 * cost in `tokens`.
 */
export function fitHitsToBudget(
  hits: readonly SearchHit[],
  budgetTokens: number,
  counter: TokenCounter,
): SearchHit[] {
  const kept: SearchHit[] = [];
  let used = 0;
  for (const hit of hits) {
    const cost = counter.count(hit.snippet) + counter.count(hit.document.title) + 8;
    if (used + cost > budgetTokens) continue;
    used += cost;
    kept.push(cost === hit.tokens ? hit : { ...hit, tokens: cost });
  }
  return kept;
}
