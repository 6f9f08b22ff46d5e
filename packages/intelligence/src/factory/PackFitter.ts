/**
 * Fitting a context pack to its token budget: parts are added candidate by
 * candidate while the whole pack, rendered as markdown, still fits.
 *
 * @module
 */
import { type ContextPackContent, contextPackMarkdown } from "./contextPack.js";
import type { TokenCounter } from "./contextPackTokens.js";

/** A pack with nothing in it: what a candidate alone is measured against. */
const EMPTY_PACK: ContextPackContent = {
  lines: [],
  standards: { rules: [], instructions: [] },
  activeWork: [],
  knowledge: [],
  relatedKnowledge: [],
  suspectLinks: [],
};

/** Tokens by which a candidate's cost, measured alone, may fall short of what it adds to a pack. */
const SLACK = 8;

/**
 * Grows a pack part by part, keeping each candidate only when the whole pack,
 * rendered as markdown and counted, still fits the budget (a candidate that
 * does not fit is skipped; a smaller one after it may still fit).
 *
 * Counting the whole pack for every candidate would count it some 40 times.
 * Instead each candidate is measured alone (a pack holding only it and the
 * pack's work item, less that pack without it, less its part's heading
 * unless it is the part's first); while the running sum
 * stays `SLACK` tokens under the budget it is kept on that measure, and near
 * the budget the whole pack is counted, unless a candidate measured as much
 * or more was refused on that count since the last one kept (on a line of
 * like documents each of them was counted in the whole pack, 27 whole counts
 * of 10,000 characters for none kept). The pack is counted exactly once more
 * at the end, dropping the last kept candidates if it went over.
 */
export class PackFitter {
  /** Exact tokens of the pack as markdown. */
  tokens: number;
  /** What a candidate alone is measured in: an empty pack with the pack's work item, which decides how its rules are rendered. */
  readonly #emptyPack: ContextPackContent;
  readonly #empty: number;

  constructor(
    public pack: ContextPackContent,
    private readonly budget: number,
    private readonly counter: TokenCounter,
  ) {
    this.tokens = this.count(pack);
    this.#emptyPack = pack.workItem === undefined ? EMPTY_PACK : { ...EMPTY_PACK, workItem: pack.workItem };
    this.#empty = this.count(this.#emptyPack);
  }

  private count(pack: ContextPackContent): number {
    return this.counter.count(contextPackMarkdown(pack));
  }

  /**
   * Adds candidates in order to one part of the pack (`place` puts the kept
   * list in); `mark` may record what each kept one cost; `limit` (never
   * above the budget) is what the pack may reach with the next candidate,
   * given how many are kept already. Returns how many were kept.
   */
  fill<T>(
    candidates: readonly T[],
    place: (pack: ContextPackContent, kept: T[]) => ContextPackContent,
    mark: (candidate: T, cost: number) => T = (candidate) => candidate,
    limit: (kept: number) => number = () => this.budget,
  ): number {
    const kept: T[] = [];
    const start = this.pack;
    let estimate = this.tokens;
    let exact = true;
    /** Tokens of the part's heading, which only its first kept candidate adds. */
    let heading: number | undefined;
    /** The least measure of a candidate the whole pack was counted for and refused since the last one kept: as much again is refused uncounted. */
    let refused = Number.POSITIVE_INFINITY;
    for (const candidate of candidates) {
      const budget = Math.min(limit(kept.length), this.budget);
      const single = this.count(place(this.#emptyPack, [candidate])) - this.#empty;
      heading ??= 2 * single - (this.count(place(this.#emptyPack, [candidate, candidate])) - this.#empty);
      const alone = kept.length === 0 ? single : single - heading;
      if (estimate + alone + SLACK <= budget) {
        kept.push(mark(candidate, alone));
        estimate += alone;
        exact = false;
        continue;
      }
      // Clearly over even allowing for the measure's error: skip it without counting the whole pack.
      if (estimate + alone > budget + SLACK || alone >= refused) continue;
      const tokens = this.count(place(start, [...kept, candidate]));
      if (tokens > budget) {
        refused = alone;
        continue;
      }
      kept.push(mark(candidate, tokens - estimate));
      estimate = tokens;
      exact = true;
      refused = Number.POSITIVE_INFINITY;
    }
    this.pack = place(start, kept);
    this.tokens = exact ? estimate : this.count(this.pack);
    while (this.tokens > this.budget && kept.length > 0) {
      kept.pop();
      this.pack = place(start, kept);
      this.tokens = this.count(this.pack);
    }
    return kept.length;
  }
}
