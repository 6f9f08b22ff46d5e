/**
 * The token budget of `search_knowledge`'s answer: the best hits in rank
 * order, as many as the whole answer can hold, and the cursor that pages on
 * from the first one left out.
 *
 * @module
 */
import { ValidationError } from "@software-factory/core";
import { countTokens } from "@software-factory/knowledge";

/** A page of hits cut to a budget: the hits kept, what they take, and where the next page starts. */
export interface BudgetedHits<Hit> {
  /** The first hits of the page that fit, in rank order. */
  readonly hits: Hit[];
  /** Tokens the kept hits take in the answer. */
  readonly tokens: number;
  /** Offset of the first hit left out, when the budget cut the page. */
  readonly nextOffset?: number;
}

/**
 * Keeps the first hits of a page (at `offset` of the ranking) whose JSON,
 * with the answer around them (`envelope`: the answer without its hits),
 * fits `budget` tokens as the knowledge base estimates them. It stops at the
 * first hit that does not fit rather than skipping it, so the next page
 * starts there and paging loses no hit. Each hit costs its JSON and a
 * separator; the estimate of a whole is at most the sum of its parts, so the
 * answer stays within the budget.
 *
 * @throws ValidationError naming `budgetTokens` and the budget the best hit needs, when not even it fits.
 */
export function hitsWithinBudget<Hit>(
  page: readonly Hit[],
  offset: number,
  budget: number,
  envelope: object,
): BudgetedHits<Hit> {
  const around = countTokens(JSON.stringify(envelope));
  const hits: Hit[] = [];
  let tokens = 0;
  for (const hit of page) {
    const cost = countTokens(JSON.stringify(hit)) + 1;
    if (around + tokens + cost > budget) {
      if (hits.length === 0) throw tooSmall(budget, around + cost);
      return { hits, tokens, nextOffset: offset + hits.length };
    }
    hits.push(hit);
    tokens += cost;
  }
  return { hits, tokens };
}

function tooSmall(budget: number, needed: number): ValidationError {
  const message = `budgetTokens: ${budget} is below the ${needed} tokens that the best hit takes in the answer; ask for at least ${needed}`;
  return new ValidationError({ message, issues: [{ path: "budgetTokens", message }] });
}
