/**
 * BM25 lexical index with MaxScore dynamic pruning, built for incremental
 * updates and fast full-sentence queries.
 *
 * @module
 */
import { deserialize, serialize } from "node:v8";
import { turnOfEventLoop } from "../internal/turnOfEventLoop.js";
import { TopK } from "./TopK.js";
import { tokenize } from "./tokenize.js";
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

/** Share of deleted entries above which the postings are compacted. */
const COMPACT_RATIO = 0.25;

/** Postings entries a compaction copies between two turns of the event loop (a few milliseconds). */
const ENTRIES_PER_STEP = 16_384;

/** The postings of one term: ascending document numbers and their term frequencies. */
class Postings {
  docs: Int32Array = new Int32Array(4);
  tfs: Uint16Array = new Uint16Array(4);
  length = 0;
  /** Documents still live that contain the term. */
  df = 0;
  /** Highest BM25 term-frequency factor over the postings, valid for `boundEpoch`. */
  bound = 0;
  boundEpoch = -1;

  push(doc: number, tf: number): void {
    if (this.length === this.docs.length) {
      const docs = new Int32Array(this.length * 2);
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Uint16Array(this.length * 2);
      tfs.set(this.tfs);
      this.tfs = tfs;
    }
    this.docs[this.length] = doc;
    this.tfs[this.length] = Math.min(tf, 65_535);
    this.length += 1;
  }
}

/**
 * A compaction under way: the documents live when it began, renumbered
 * densely, and the postings copied for them so far. The index keeps its own
 * postings until the copy replaces them whole.
 */
interface Compaction {
  /** Documents numbered below this were indexed when the compaction began. */
  readonly begun: number;
  /** New number of each document below `begun`; -1 for one deleted when it began. */
  readonly renumber: Int32Array;
  /** Old number of each new one. */
  readonly olds: number[];
  /** Postings copied so far, with the documents still live when copied. */
  readonly terms: Map<string, Postings>;
  /** Documents added since the compaction began, with their terms, appended when it ends. */
  readonly added: { readonly doc: number; readonly counts: ReadonlyMap<string, number> }[];
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
  #terms = new Map<string, Postings>();
  #ids: string[] = [];
  #lengths = new Uint32Array(16);
  #live = new Uint8Array(16);
  #numberOf = new Map<string, number>();
  #liveCount = 0;
  #totalLength = 0;
  #epoch = 0;
  /** The compaction under way, if any. */
  #compaction: Compaction | undefined;
  /** Its steps, and the loop taking them with a turn of the event loop between. */
  #steps: Generator<void> | undefined;
  #compacting: Promise<void> | undefined;

  /** An empty index. */
  constructor(options: LexicalIndexOptions = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.#tokenize = options.tokenizer ?? ((text) => tokenize(text));
  }

  /** Number of live entries. */
  get size(): number {
    return this.#liveCount;
  }

  /** Whether an id is indexed. */
  has(id: string): boolean {
    return this.#numberOf.has(id);
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
    this.remove(id);
    const doc = this.#ids.length;
    this.#ensureCapacity(doc + 1);
    this.#ids.push(id);
    this.#numberOf.set(id, doc);
    this.#lengths[doc] = length;
    this.#live[doc] = 1;
    this.#liveCount += 1;
    this.#totalLength += length;
    for (const [term, tf] of counts) {
      let postings = this.#terms.get(term);
      if (postings === undefined) {
        postings = new Postings();
        this.#terms.set(term, postings);
      }
      postings.push(doc, tf);
      postings.df += 1;
    }
    this.#compaction?.added.push({ doc, counts });
    this.#epoch += 1;
  }

  /** Removes an id; unknown ids are ignored. */
  remove(id: string): void {
    const doc = this.#numberOf.get(id);
    if (doc === undefined) return;
    this.#numberOf.delete(id);
    this.#live[doc] = 0;
    this.#liveCount -= 1;
    this.#totalLength -= this.#lengths[doc] as number;
    for (const term of new Set(this.#tokenizeStored(doc))) {
      const postings = this.#terms.get(term);
      if (postings !== undefined) postings.df -= 1;
      this.#uncount(term, doc);
    }
    this.#epoch += 1;
    this.#compactIfDue();
  }

  /**
   * Removes many ids at once (unknown ones are ignored), as removing them one
   * by one would, in one pass over the postings instead of one per id: for
   * the chunks of a long document that is revised or retracted.
   */
  removeAll(ids: Iterable<string>): void {
    const docs: number[] = [];
    for (const id of ids) {
      const doc = this.#numberOf.get(id);
      if (doc === undefined) continue;
      this.#numberOf.delete(id);
      this.#live[doc] = 0;
      this.#liveCount -= 1;
      this.#totalLength -= this.#lengths[doc] as number;
      docs.push(doc);
    }
    if (docs.length === 0) return;
    docs.sort((a, b) => a - b);
    for (const [term, postings] of this.#terms) {
      // Both lists are sorted: walk them together, skipping ahead in the postings.
      let at = 0;
      let next = 0;
      while (next < docs.length) {
        at = seek(postings.docs, at, postings.length, docs[next] as number);
        if (at >= postings.length) break;
        const found = postings.docs[at] as number;
        while (next < docs.length && (docs[next] as number) < found) next += 1;
        if (next < docs.length && docs[next] === found) {
          postings.df -= 1;
          this.#uncount(term, found);
          at += 1;
          next += 1;
        }
      }
    }
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
   * The best `limit` ids for a query, by BM25 over its terms (an OR query),
   * highest first; ties keep insertion order.
   */
  search(query: string, options: IndexSearchOptions): ScoredId[] {
    if (options.limit <= 0 || this.#liveCount === 0) return [];
    const cursors = this.#cursors(this.#tokenize(query));
    if (cursors.length === 0) return [];
    const top = this.#maxScore(cursors, options.limit, options.filter);
    return top.sorted().map(({ key, score }) => ({ id: this.#ids[key] as string, score }));
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
    const entries = this.#liveCount + 1;
    const weights = [...frequencies].map(
      ([term, frequency]) =>
        [term, frequency * this.#idf((this.#terms.get(term)?.df ?? 0) + 1, entries)] as const,
    );
    const k1 = this.#k1;
    return texts.map(({ counts, length }) => {
      const avgdl = (this.#totalLength + length) / entries;
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
    if (this.#steps !== undefined) for (const _ of this.#steps);
    for (const _ of this.#compactionSteps());
    const terms: [string, Int32Array, Uint16Array][] = [];
    for (const [term, postings] of this.#terms) {
      terms.push([
        term,
        postings.docs.subarray(0, postings.length),
        postings.tfs.subarray(0, postings.length),
      ]);
    }
    return serialize({
      version: 1,
      k1: this.#k1,
      b: this.#b,
      ids: this.#ids,
      lengths: this.#lengths.subarray(0, this.#ids.length),
      terms,
    });
  }

  /**
   * Restores an index from {@link LexicalIndex.serialize}. The tokenizer must be
   * the one it was built with.
   */
  static deserialize(image: Uint8Array, options: Pick<LexicalIndexOptions, "tokenizer"> = {}): LexicalIndex {
    const data = deserialize(image) as {
      version: number;
      k1: number;
      b: number;
      ids: string[];
      lengths: Uint32Array;
      terms: [string, Int32Array, Uint16Array][];
    };
    if (data.version !== 1)
      throw new RangeError(`lexical index image version ${data.version} is not supported`);
    const index = new LexicalIndex({ k1: data.k1, b: data.b, ...options });
    index.#ids = data.ids;
    index.#ensureCapacity(data.ids.length);
    index.#lengths.set(data.lengths);
    index.#live.fill(1, 0, data.ids.length);
    data.ids.forEach((id, doc) => {
      index.#numberOf.set(id, doc);
    });
    index.#liveCount = data.ids.length;
    index.#totalLength = data.lengths.reduce((sum, length) => sum + length, 0);
    for (const [term, docs, tfs] of data.terms) {
      const postings = new Postings();
      postings.docs = docs;
      postings.tfs = tfs;
      postings.length = docs.length;
      postings.df = docs.length;
      index.#terms.set(term, postings);
    }
    return index;
  }

  /** One cursor per distinct query term present in the index, ascending by upper bound. */
  #cursors(queryTerms: readonly string[]): Cursor[] {
    const frequencies = new Map<string, number>();
    for (const term of queryTerms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    const cursors: Cursor[] = [];
    for (const [term, frequency] of frequencies) {
      const postings = this.#terms.get(term);
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
    const avgdl = this.#totalLength / this.#liveCount;
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
      const denominatorBase = k1 * (norm + lengthFactor * (this.#lengths[doc] as number));
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
      if (this.#live[doc] === 0 || (filter !== undefined && !filter(this.#ids[doc] as string))) continue;
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
  #idf(df: number, entries = this.#liveCount): number {
    return Math.log(1 + (entries - df + 0.5) / (df + 0.5));
  }

  /** The highest BM25 term-frequency factor over a term's postings under the current statistics. */
  #bound(postings: Postings): number {
    if (postings.boundEpoch === this.#epoch) return postings.bound;
    const k1 = this.#k1;
    const avgdl = this.#totalLength / this.#liveCount;
    let best = 0;
    for (let i = 0; i < postings.length; i += 1) {
      const doc = postings.docs[i] as number;
      if (this.#live[doc] === 0) continue;
      const tf = postings.tfs[i] as number;
      const factor =
        (tf * (k1 + 1)) / (tf + k1 * (1 - this.#b + (this.#b * (this.#lengths[doc] as number)) / avgdl));
      if (factor > best) best = factor;
    }
    postings.bound = best;
    postings.boundEpoch = this.#epoch;
    return best;
  }

  /** Terms of a stored document, found by scanning the postings (removal is rare). */
  #tokenizeStored(doc: number): string[] {
    const terms: string[] = [];
    for (const [term, postings] of this.#terms) {
      const at = seek(postings.docs, 0, postings.length, doc);
      if (at < postings.length && postings.docs[at] === doc) terms.push(term);
    }
    return terms;
  }

  /** Starts compacting in the background once more than a quarter of the entries are removed, unless a compaction runs. */
  #compactIfDue(): void {
    if (this.#steps !== undefined) return;
    const entries = this.#ids.length;
    if (entries - this.#liveCount <= COMPACT_RATIO * entries || entries <= 64) return;
    const steps = this.#compactionSteps();
    this.#steps = steps;
    this.#compacting = (async () => {
      while (steps.next().done !== true) await turnOfEventLoop();
    })().then(
      () => {
        this.#compacting = undefined;
        this.#compactIfDue();
      },
      () => {
        // A compaction that failed (out of memory) left the old postings in use; a later removal tries again.
        this.#compacting = undefined;
      },
    );
  }

  /**
   * Renumbers live documents densely and drops the postings of deleted ones,
   * yielding after every {@link ENTRIES_PER_STEP} postings entries copied;
   * the copy replaces the index's postings in the last step.
   */
  *#compactionSteps(): Generator<void> {
    if (this.#liveCount === this.#ids.length) return;
    const begun = this.#ids.length;
    const renumber = new Int32Array(begun).fill(-1);
    const olds: number[] = [];
    for (let doc = 0; doc < begun; doc += 1) {
      if (this.#live[doc] === 0) continue;
      renumber[doc] = olds.length;
      olds.push(doc);
    }
    const compaction: Compaction = { begun, renumber, olds, terms: new Map(), added: [] };
    this.#compaction = compaction;
    try {
      let budget = ENTRIES_PER_STEP;
      // Terms created meanwhile come last in the map and hold only documents added since.
      for (const [term, postings] of this.#terms) {
        const copied = this.#copied(compaction, postings);
        if (copied.length > 0) compaction.terms.set(term, copied);
        budget -= postings.length + 8;
        if (budget <= 0) {
          yield;
          budget = ENTRIES_PER_STEP;
        }
      }
      this.#install(compaction);
    } finally {
      this.#compaction = undefined;
      this.#steps = undefined;
    }
  }

  /** The entries of postings for documents indexed when a compaction began and live now, renumbered. */
  #copied({ begun, renumber }: Compaction, postings: Postings): Postings {
    const copied = new Postings();
    copied.docs = new Int32Array(Math.max(4, postings.length));
    copied.tfs = new Uint16Array(copied.docs.length);
    for (let i = 0; i < postings.length; i += 1) {
      const doc = postings.docs[i] as number;
      if (doc >= begun) break;
      if (this.#live[doc] === 0) continue;
      copied.docs[copied.length] = renumber[doc] as number;
      copied.tfs[copied.length] = postings.tfs[i] as number;
      copied.length += 1;
    }
    copied.df = copied.length;
    return copied;
  }

  /** A removed document leaves the postings a compaction copied with it live. */
  #uncount(term: string, doc: number): void {
    const compaction = this.#compaction;
    if (compaction === undefined || doc >= compaction.begun) return;
    const copied = compaction.terms.get(term);
    if (copied !== undefined) copied.df -= 1;
  }

  /** Replaces the postings with a compaction's copy, appending the documents added since it began. */
  #install({ olds, terms, added }: Compaction): void {
    const ids = olds.map((doc) => this.#ids[doc] as string);
    const capacity = Math.max(16, ids.length + added.length);
    const lengths = new Uint32Array(capacity);
    const live = new Uint8Array(capacity);
    olds.forEach((doc, renumbered) => {
      lengths[renumbered] = this.#lengths[doc] as number;
      live[renumbered] = this.#live[doc] as number;
    });
    for (const { doc, counts } of added) {
      if (this.#live[doc] === 0) continue;
      const renumbered = ids.length;
      ids.push(this.#ids[doc] as string);
      lengths[renumbered] = this.#lengths[doc] as number;
      live[renumbered] = 1;
      for (const [term, tf] of counts) {
        let postings = terms.get(term);
        if (postings === undefined) {
          postings = new Postings();
          terms.set(term, postings);
        }
        postings.push(renumbered, tf);
        postings.df += 1;
      }
    }
    const numberOf = new Map<string, number>();
    ids.forEach((id, doc) => {
      if (live[doc] === 1) numberOf.set(id, doc);
    });
    this.#terms = terms;
    this.#ids = ids;
    this.#lengths = lengths;
    this.#live = live;
    this.#numberOf = numberOf;
    this.#epoch += 1;
  }

  #ensureCapacity(size: number): void {
    if (size <= this.#lengths.length) return;
    const capacity = Math.max(size, this.#lengths.length * 2);
    const lengths = new Uint32Array(capacity);
    lengths.set(this.#lengths);
    this.#lengths = lengths;
    const live = new Uint8Array(capacity);
    live.set(this.#live);
    this.#live = live;
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
