/**
 * What a lexical index holds: its entries, numbered in the order they were
 * added, and the postings of their terms; each entry also keeps the numbers of
 * its distinct terms, so removing it touches only those terms' postings.
 *
 * @module
 */

/** The postings of one term: ascending entry numbers and their term frequencies. */
export class Postings {
  /** Entries live or removed holding the term (at the start of `docs`, `length` of them). */
  length: number;
  /** Entries still live that contain the term. */
  df: number;
  /** Highest BM25 term-frequency factor over the postings, valid for `boundEpoch`. */
  bound = 0;
  boundEpoch = -1;
  /** Position in {@link LexicalPostings.numbered}; set when added there. */
  number = -1;

  /**
   * Postings of `term`: empty with room for 4 entries, or the first `length`
   * entries of `docs` and `tfs` (all of them live).
   */
  constructor(
    readonly term: string,
    public docs: Int32Array = new Int32Array(4),
    public tfs: Uint16Array = new Uint16Array(docs.length),
    length = 0,
  ) {
    this.length = length;
    this.df = length;
  }

  /** Appends an entry (above every entry held) with its term frequency, capped at 65,535. */
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
 * The term numbers of each entry, one run after the other in one array (4
 * bytes a term of an entry, where the postings take 6): entry `d`'s run ends
 * where entry `d + 1`'s begins.
 */
export class TermLists {
  #numbers = new Int32Array(64);
  #used = 0;
  #ends = new Uint32Array(16);
  #count = 0;

  /**
   * The term lists of `entries` entries found in their postings (by their
   * term numbers): for postings read back from an image, which holds none.
   */
  static inverted(numbered: readonly Postings[], entries: number): TermLists {
    const lists = new TermLists();
    const starts = new Uint32Array(entries + 1);
    for (const postings of numbered) {
      for (let i = 0; i < postings.length; i += 1) {
        const at = (postings.docs[i] as number) + 1;
        starts[at] = (starts[at] as number) + 1;
      }
    }
    for (let doc = 0; doc < entries; doc += 1)
      starts[doc + 1] = (starts[doc + 1] as number) + (starts[doc] as number);
    lists.#numbers = new Int32Array(Math.max(64, starts[entries] as number));
    lists.#used = starts[entries] as number;
    lists.#ends = new Uint32Array(Math.max(16, entries));
    lists.#ends.set(starts.subarray(1));
    lists.#count = entries;
    // Each entry's run fills from its start: `starts` moves to its end as it fills.
    for (const [number, postings] of numbered.entries()) {
      for (let i = 0; i < postings.length; i += 1) {
        const doc = postings.docs[i] as number;
        const at = starts[doc] as number;
        lists.#numbers[at] = number;
        starts[doc] = at + 1;
      }
    }
    return lists;
  }

  /** Number of runs held. */
  get count(): number {
    return this.#count;
  }

  /** Appends a term number to the run being written (the next entry's). */
  push(number: number): void {
    if (this.#used === this.#numbers.length) {
      const grown = new Int32Array(this.#used * 2);
      grown.set(this.#numbers);
      this.#numbers = grown;
    }
    this.#numbers[this.#used] = number;
    this.#used += 1;
  }

  /** Ends the run being written: it is the next entry's. */
  endRun(): void {
    if (this.#count === this.#ends.length) {
      const grown = new Uint32Array(this.#count * 2);
      grown.set(this.#ends);
      this.#ends = grown;
    }
    this.#ends[this.#count] = this.#used;
    this.#count += 1;
  }

  /** The term numbers of entry `doc` (a view, valid until the next run is written). */
  of(doc: number): Int32Array {
    const start = doc === 0 ? 0 : (this.#ends[doc - 1] as number);
    return this.#numbers.subarray(start, this.#ends[doc] as number);
  }
}

/** The parts a {@link LexicalPostings} is made of, read from an image or copied by a compaction. */
export interface LexicalPostingsParts {
  /** Postings by term number. */
  readonly numbered: Postings[];
  /** Id of each entry by number. */
  readonly ids: string[];
  /** Length (terms) of each entry; at least as long as `ids`. */
  readonly lengths: Uint32Array;
  /** 1 for a live entry, 0 for a removed one; at least as long as `ids`. */
  readonly live: Uint8Array;
  /** The term numbers of each entry, as many runs as `ids`. */
  readonly termLists: TermLists;
}

/** The entries of a lexical index and the postings of their terms. */
export class LexicalPostings {
  readonly #terms = new Map<string, Postings>();
  readonly #numbered: Postings[];
  readonly #ids: string[];
  #lengths: Uint32Array;
  #live: Uint8Array;
  readonly #termLists: TermLists;
  readonly #numberOf = new Map<string, number>();
  #liveCount = 0;
  #totalLength = 0;

  /** An empty store, or one made of `parts` (which it then owns). */
  constructor(
    parts: LexicalPostingsParts = {
      numbered: [],
      ids: [],
      lengths: new Uint32Array(16),
      live: new Uint8Array(16),
      termLists: new TermLists(),
    },
  ) {
    this.#numbered = parts.numbered;
    for (const [number, postings] of parts.numbered.entries()) {
      postings.number = number;
      this.#terms.set(postings.term, postings);
    }
    this.#ids = parts.ids;
    this.#lengths = parts.lengths;
    this.#live = parts.live;
    this.#termLists = parts.termLists;
    for (const [doc, id] of parts.ids.entries()) {
      if (parts.live[doc] === 0) continue;
      this.#numberOf.set(id, doc);
      this.#liveCount += 1;
      this.#totalLength += parts.lengths[doc] as number;
    }
  }

  /** Postings of each term, in the order the terms came. */
  get terms(): ReadonlyMap<string, Postings> {
    return this.#terms;
  }

  /** Id of each entry by number, removed ones included. */
  get ids(): readonly string[] {
    return this.#ids;
  }

  /** Length of each entry by number (beyond `ids.length`: zeros). */
  get lengths(): Uint32Array {
    return this.#lengths;
  }

  /** 1 for each live entry by number, 0 for a removed one. */
  get live(): Uint8Array {
    return this.#live;
  }

  /** Number of live entries. */
  get liveCount(): number {
    return this.#liveCount;
  }

  /** Sum of the live entries' lengths. */
  get totalLength(): number {
    return this.#totalLength;
  }

  /** The number of the live entry with this id. */
  numberOf(id: string): number | undefined {
    return this.#numberOf.get(id);
  }

  /** The postings of the term numbered `number`. */
  postings(number: number): Postings {
    return this.#numbered[number] as Postings;
  }

  /** The numbers of the distinct terms of entry `doc` (a view: valid until the next add). */
  termsOf(doc: number): Int32Array {
    return this.#termLists.of(doc);
  }

  /** Adds an entry (its id not live) with its terms; returns its number. */
  add(id: string, counts: ReadonlyMap<string, number>, length: number): number {
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
        postings = new Postings(term);
        postings.number = this.#numbered.length;
        this.#numbered.push(postings);
        this.#terms.set(term, postings);
      }
      postings.push(doc, tf);
      postings.df += 1;
      this.#termLists.push(postings.number);
    }
    this.#termLists.endRun();
    return doc;
  }

  /**
   * Removes the live entry with this id, leaving its postings entries as
   * tombstones (the document frequency of its terms lowered); returns its
   * number, or `undefined` for an id not live.
   */
  remove(id: string): number | undefined {
    const doc = this.#numberOf.get(id);
    if (doc === undefined) return undefined;
    this.#numberOf.delete(id);
    this.#live[doc] = 0;
    this.#liveCount -= 1;
    this.#totalLength -= this.#lengths[doc] as number;
    for (const number of this.#termLists.of(doc)) (this.#numbered[number] as Postings).df -= 1;
    return doc;
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
