/**
 * BM25 lexical index with MaxScore dynamic pruning, built for incremental
 * updates and fast full-sentence queries.
 *
 * @module
 */
import { turnOfEventLoop } from "../internal/turnOfEventLoop.js";
import { LexicalPostings, type Postings } from "./LexicalPostings.js";
import { LexicalCompaction } from "./lexicalCompaction.js";
import { readImage, writeImage } from "./lexicalImage.js";
import { TopK } from "./TopK.js";
import { uncheckedTokenize } from "./tokenize.js";
import type { IndexSearchOptions, ScoredId } from "./types.js";

/** BM25 parameters of a {@link LexicalIndex}. */
export interface LexicalIndexOptions {
  /** Term-frequency saturation (default 1.2, as Lucene and SQLite FTS5). */
  readonly k1?: number;
  /** Length normalization (default 0.75). */
  readonly b?: number;
  /** Turns text into terms; defaults to {@link tokenize}. Must be the same for indexing and querying. */
  readonly tokenizer?: (text: string) => string[];
}

/** The terms of a text and how often each occurs, as {@link LexicalIndex.terms} counts them. */
export interface TermCounts {
  /** Each term and its frequency in the text. */
  readonly counts: ReadonlyMap<string, number>;
  /** Number of terms in the text. */
  readonly length: number;
}

/** Share of removed entries above which the postings are compacted. */
const COMPACT_RATIO = 0.25;

/** A compaction under way and its steps. */
interface RunningCompaction {
  readonly job: LexicalCompaction;
  readonly steps: Generator<void, LexicalPostings>;
}

/** A cursor walking one term's postings during a query. */
interface Cursor {
  readonly postings: Postings;
  /** idf × query-term frequency. */
  readonly weight: number;
  /** Upper bound of this term's contribution to any document's score. */
  readonly maxScore: number;
  index: number;
}

/**
 * An in-memory BM25 index over string ids, queried with MaxScore: terms whose
 * best possible contribution cannot lift a document into the top `limit` are
 * only probed for documents the other terms already found, so long posting
 * lists of common words are mostly skipped. Results equal exhaustive BM25.
 *
 * Re-adding an id replaces it; removal leaves a tombstone until compaction.
 *
 * @example
 * ```ts
 * const index = new LexicalIndex();
 * index.add("doc-1", "Checkout times out on mobile");
 * index.search("mobile checkout", { limit: 10 }); // [{ id: "doc-1", score: 0.57 }]
 * ```
 */
export class LexicalIndex {
  readonly #k1: number;
  readonly #b: number;
  readonly #tokenize: (text: string) => string[];
  #postings = new LexicalPostings();
  /** Changes with every add, removal and compaction: bounds cached on postings hold for one epoch. */
  #epoch = 0;
  /** The compaction under way, if any, and its steps. */
  #compaction: RunningCompaction | undefined;
  /** The loop taking the compaction's steps with a turn of the event loop between. */
  #compacting: Promise<void> | undefined;

  /** An empty index. */
  constructor(options: LexicalIndexOptions = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.#tokenize = options.tokenizer ?? ((text) => uncheckedTokenize(text));
  }

  /** Number of live entries. */
  get size(): number {
    return this.#postings.liveCount;
  }

  /** Whether an id is indexed. */
  has(id: string): boolean {
    return this.#postings.numberOf(id) !== undefined;
  }

  /**
   * Indexes a text under an id, replacing what the id held. Terms of `title`
   * count twice (a title or heading says what the text is about).
   */
  add(id: string, text: string, title = ""): void {
    this.addTerms(id, this.terms(text, title));
  }

  /**
   * Indexes terms counted by {@link LexicalIndex.terms} under an id, replacing
   * what the id held: the same as {@link LexicalIndex.add} of the text they
   * were counted from, for a caller that counts the terms of many texts ahead
   * (with pauses between) and then indexes them all in one step.
   */
  addTerms(id: string, { counts, length }: TermCounts): void {
    this.removeAll([id]);
    const doc = this.#postings.add(id, counts, length);
    this.#compaction?.job.added(doc, counts);
    this.#epoch += 1;
  }

  /**
   * Removes an id; unknown ids are ignored. Its cost is that of its distinct
   * terms (each entry keeps their numbers), whatever the size of the index.
   */
  remove(id: string): void {
    this.removeAll([id]);
  }

  /** Removes many ids at once (unknown ones are ignored), as removing them one by one would. */
  removeAll(ids: Iterable<string>): void {
    let removed = false;
    for (const id of ids) removed = this.#remove(id) || removed;
    if (!removed) return;
    this.#epoch += 1;
    this.#compactIfDue();
  }

  /**
   * Resolves once no compaction runs. Once more than a quarter of the entries
   * are removed, the postings are compacted without them in steps of a few
   * milliseconds with a turn of the event loop between, so the call that
   * removed them returns at once and other work goes on; until the compacted
   * postings replace the old ones whole, searches read the old ones, and adds
   * and removals reach both. {@link LexicalIndex.serialize} meanwhile finishes
   * the compaction first.
   */
  async idle(): Promise<void> {
    while (this.#compacting !== undefined) await this.#compacting;
  }

  /**
   * Compacts every removed entry away now, whatever their share, in the
   * background steps {@link LexicalIndex.idle} waits for; resolves when no
   * compaction runs. Then {@link LexicalIndex.serialize} has none to finish
   * (unless entries are removed meanwhile), so it writes at once.
   */
  async compact(): Promise<void> {
    await this.idle();
    this.#compactInBackground();
    await this.idle();
  }

  /**
   * The best `limit` ids for a query, by BM25 over its terms (an OR query),
   * highest first; ties keep insertion order.
   */
  search(query: string, options: IndexSearchOptions): ScoredId[] {
    if (options.limit <= 0 || this.#postings.liveCount === 0) return [];
    const cursors = this.#cursors(this.#tokenize(query));
    if (cursors.length === 0) return [];
    const top = this.#maxScore(cursors, options.limit, options.filter);
    const { ids } = this.#postings;
    return top.sorted().map(({ key, score }) => ({ id: ids[key] as string, score }));
  }

  /** The terms of a text as {@link LexicalIndex.add} would count them (`title` twice), for {@link LexicalIndex.score}. */
  terms(text: string, title = ""): TermCounts {
    const titleTerms = title === "" ? [] : this.#tokenize(title);
    const terms = [...titleTerms, ...titleTerms, ...this.#tokenize(text)];
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    return { counts, length: terms.length };
  }

  /**
   * The BM25 scores texts that are not indexed would get for a query, each as
   * if it alone were added (idf and average length counted with it), on the
   * scale of {@link LexicalIndex.search}: for ranking texts kept outside the
   * index, such as earlier revisions of indexed documents, among its hits.
   */
  score(query: string, texts: readonly TermCounts[]): number[] {
    const frequencies = new Map<string, number>();
    for (const term of this.#tokenize(query)) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    const { liveCount, totalLength, terms } = this.#postings;
    const entries = liveCount + 1;
    const weights = [...frequencies].map(
      ([term, frequency]) => [term, frequency * this.#idf((terms.get(term)?.df ?? 0) + 1, entries)] as const,
    );
    const k1 = this.#k1;
    return texts.map(({ counts, length }) => {
      const avgdl = (totalLength + length) / entries;
      const denominatorBase = k1 * (1 - this.#b + (this.#b * length) / avgdl);
      let score = 0;
      for (const [term, weight] of weights) {
        const tf = counts.get(term);
        if (tf !== undefined) score += (weight * tf * (k1 + 1)) / (tf + denominatorBase);
      }
      return score;
    });
  }

  /** A compact binary image of the index, for a cache on disk. */
  serialize(): Uint8Array {
    this.#finishCompaction();
    // Entries removed while a compaction ran are left out too.
    this.#startCompaction();
    this.#finishCompaction();
    return writeImage(this.#postings, { k1: this.#k1, b: this.#b });
  }

  /**
   * Restores an index from {@link LexicalIndex.serialize}. The tokenizer must be
   * the one it was built with.
   */
  static deserialize(image: Uint8Array, options: Pick<LexicalIndexOptions, "tokenizer"> = {}): LexicalIndex {
    const { k1, b, postings } = readImage(image);
    const index = new LexicalIndex({ k1, b, ...options });
    index.#postings = postings;
    return index;
  }

  /** Removes an id from the postings (and the compaction under way); returns whether it was live. */
  #remove(id: string): boolean {
    const doc = this.#postings.remove(id);
    if (doc === undefined) return false;
    this.#compaction?.job.removed(doc);
    return true;
  }

  /** One cursor per distinct query term present in the index, ascending by upper bound. */
  #cursors(queryTerms: readonly string[]): Cursor[] {
    const frequencies = new Map<string, number>();
    for (const term of queryTerms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    const cursors: Cursor[] = [];
    for (const [term, frequency] of frequencies) {
      const postings = this.#postings.terms.get(term);
      if (postings === undefined || postings.df === 0) continue;
      const weight = frequency * this.#idf(postings.df);
      cursors.push({ postings, weight, maxScore: weight * this.#bound(postings), index: 0 });
    }
    return cursors.sort((a, b) => a.maxScore - b.maxScore);
  }

  /** Document-at-a-time MaxScore over cursors sorted by ascending upper bound. */
  #maxScore(cursors: Cursor[], limit: number, filter?: (id: string) => boolean): TopK {
    const top = new TopK(limit);
    const prefixBound: number[] = [];
    let sum = 0;
    for (const cursor of cursors) {
      sum += cursor.maxScore;
      prefixBound.push(sum);
    }
    // Cursors before `firstEssential` are non-essential: together they cannot beat the threshold.
    let firstEssential = 0;
    const { ids, lengths, live, liveCount, totalLength } = this.#postings;
    const avgdl = totalLength / liveCount;
    const k1 = this.#k1;
    const lengthFactor = this.#b / avgdl;
    const norm = 1 - this.#b;
    for (;;) {
      let doc = Number.MAX_SAFE_INTEGER;
      for (let i = firstEssential; i < cursors.length; i += 1) {
        const cursor = cursors[i] as Cursor;
        if (cursor.index < cursor.postings.length) {
          const candidate = cursor.postings.docs[cursor.index] as number;
          if (candidate < doc) doc = candidate;
        }
      }
      if (doc === Number.MAX_SAFE_INTEGER) break;
      const denominatorBase = k1 * (norm + lengthFactor * (lengths[doc] as number));
      let score = 0;
      for (let i = firstEssential; i < cursors.length; i += 1) {
        const cursor = cursors[i] as Cursor;
        const postings = cursor.postings;
        if (cursor.index < postings.length && postings.docs[cursor.index] === doc) {
          const tf = postings.tfs[cursor.index] as number;
          score += (cursor.weight * tf * (k1 + 1)) / (tf + denominatorBase);
          cursor.index += 1;
        }
      }
      if (live[doc] === 0 || (filter !== undefined && !filter(ids[doc] as string))) continue;
      const threshold = top.threshold;
      for (let i = firstEssential - 1; i >= 0; i -= 1) {
        if (score + (prefixBound[i] as number) <= threshold) break;
        const cursor = cursors[i] as Cursor;
        const postings = cursor.postings;
        cursor.index = seek(postings.docs, cursor.index, postings.length, doc);
        if (cursor.index < postings.length && postings.docs[cursor.index] === doc) {
          const tf = postings.tfs[cursor.index] as number;
          score += (cursor.weight * tf * (k1 + 1)) / (tf + denominatorBase);
        }
      }
      if (score <= threshold) continue;
      top.offer(doc, score);
      const raised = top.threshold;
      while (firstEssential < cursors.length && (prefixBound[firstEssential] as number) <= raised) {
        firstEssential += 1;
      }
    }
    return top;
  }

  /** Robertson–Spärck Jones idf as Lucene computes it (never negative). */
  #idf(df: number, entries = this.#postings.liveCount): number {
    return Math.log(1 + (entries - df + 0.5) / (df + 0.5));
  }

  /** The highest BM25 term-frequency factor over a term's postings under the current statistics. */
  #bound(postings: Postings): number {
    if (postings.boundEpoch === this.#epoch) return postings.bound;
    const k1 = this.#k1;
    const { lengths, live, liveCount, totalLength } = this.#postings;
    const avgdl = totalLength / liveCount;
    let best = 0;
    for (let i = 0; i < postings.length; i += 1) {
      const doc = postings.docs[i] as number;
      if (live[doc] === 0) continue;
      const tf = postings.tfs[i] as number;
      const factor =
        (tf * (k1 + 1)) / (tf + k1 * (1 - this.#b + (this.#b * (lengths[doc] as number)) / avgdl));
      if (factor > best) best = factor;
    }
    postings.bound = best;
    postings.boundEpoch = this.#epoch;
    return best;
  }

  /** Starts compacting in the background once more than a quarter of the entries are removed, unless a compaction runs. */
  #compactIfDue(): void {
    const entries = this.#postings.ids.length;
    if (entries - this.#postings.liveCount <= COMPACT_RATIO * entries || entries <= 64) return;
    this.#compactInBackground();
  }

  /** Compacts the removed entries away in steps with a turn of the event loop between, unless a compaction runs. */
  #compactInBackground(): void {
    if (this.#compaction !== undefined) return;
    this.#startCompaction();
    const compaction = this.#compaction;
    if (compaction === undefined) return;
    this.#compacting = (async () => {
      while (this.#compaction === compaction && !this.#step(compaction)) await turnOfEventLoop();
    })().then(
      () => {
        this.#compacting = undefined;
        this.#compactIfDue();
      },
      () => {
        // A compaction that failed (out of memory) left the old postings in use; a later removal tries again.
        this.#compaction = undefined;
        this.#compacting = undefined;
      },
    );
  }

  /** Begins a compaction of the postings as they are, when they hold removed entries. */
  #startCompaction(): void {
    const job = new LexicalCompaction(this.#postings);
    if (job.due) this.#compaction = { job, steps: job.steps() };
  }

  /** Takes one step of a compaction; at its last, the compacted postings replace the index's. Returns whether it ended. */
  #step(compaction: RunningCompaction): boolean {
    const step = compaction.steps.next();
    if (step.done !== true) return false;
    this.#postings = step.value;
    this.#compaction = undefined;
    this.#epoch += 1;
    return true;
  }

  /** Takes the remaining steps of the compaction under way, if any. */
  #finishCompaction(): void {
    const compaction = this.#compaction;
    if (compaction !== undefined) while (!this.#step(compaction));
  }
}

/** The first index at or after `from` whose document is ≥ `target` (galloping, then binary search). */
function seek(docs: Int32Array, from: number, length: number, target: number): number {
  let low = from;
  let step = 1;
  let high = from;
  while (high < length && (docs[high] as number) < target) {
    low = high + 1;
    high += step;
    step *= 2;
  }
  if (high > length) high = length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((docs[middle] as number) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}
