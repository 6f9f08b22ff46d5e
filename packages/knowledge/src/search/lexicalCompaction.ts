/**
 * Compaction of a lexical index's postings in steps: a copy without the
 * removed entries, made while the index goes on answering from its own.
 *
 * @module
 */
import { LexicalPostings, Postings, TermLists } from "./LexicalPostings.js";

/** Postings entries (or term-list entries) a compaction copies between two pauses (a few milliseconds). */
const ENTRIES_PER_STEP = 16_384;

/** The term list of an entry removed before the compaction reached it. */
const EMPTY = new Int32Array(0);

/**
 * A compaction of a {@link LexicalPostings}: the entries live when it began,
 * renumbered densely, with the postings and term lists copied for them step
 * by step. The store keeps serving until the copy, made whole in the last
 * step, replaces it. Removals made meanwhile must be told with
 * {@link LexicalCompaction.removed}, adds with {@link LexicalCompaction.added}.
 */
export class LexicalCompaction {
  readonly #from: LexicalPostings;
  /** Entries numbered below this were in the store when the compaction began. */
  readonly #begun: number;
  /** New number of each entry below `begun`; -1 for one removed when the compaction began. */
  readonly #renumber: Int32Array;
  /** Old number of each new one. */
  readonly #olds: number[] = [];
  /** The copy of each term's postings by its old number, once copied (none when no entry was live). */
  readonly #copies: (Postings | undefined)[] = [];
  /** The copied postings by their new number. */
  readonly #numbered: Postings[] = [];
  readonly #termLists = new TermLists();
  /** Entries added since the compaction began, with their terms, appended when it ends. */
  readonly #added: { readonly doc: number; readonly counts: ReadonlyMap<string, number> }[] = [];

  /** A compaction of `from` as it is now. */
  constructor(from: LexicalPostings) {
    this.#from = from;
    this.#begun = from.ids.length;
    this.#renumber = new Int32Array(this.#begun).fill(-1);
    for (let doc = 0; doc < this.#begun; doc += 1) {
      if (from.live[doc] === 0) continue;
      this.#renumber[doc] = this.#olds.length;
      this.#olds.push(doc);
    }
  }

  /** Whether the store had removed entries when the compaction began (else it has nothing to do). */
  get due(): boolean {
    return this.#olds.length < this.#begun;
  }

  /**
   * Copies the postings, then the term lists, pausing (yielding) after about
   * {@link ENTRIES_PER_STEP} entries; returns the compacted store.
   */
  *steps(): Generator<void, LexicalPostings> {
    let budget = ENTRIES_PER_STEP;
    const spend = (entries: number): boolean => {
      budget -= entries + 8;
      if (budget > 0) return false;
      budget = ENTRIES_PER_STEP;
      return true;
    };
    // Terms created meanwhile come last in the map and hold only entries added since: nothing to copy.
    for (const postings of this.#from.terms.values()) {
      const copy = this.#copied(postings);
      if (copy.length > 0) {
        copy.number = this.#numbered.length;
        this.#numbered.push(copy);
        this.#copies[postings.number] = copy;
      }
      if (spend(postings.length)) yield;
    }
    for (const doc of this.#olds) {
      // An entry removed since has no list: it stays a tombstone, never removed again.
      const numbers = this.#from.live[doc] === 1 ? this.#from.termsOf(doc) : EMPTY;
      for (const number of numbers) this.#termLists.push((this.#copies[number] as Postings).number);
      this.#termLists.endRun();
      if (spend(numbers.length)) yield;
    }
    return this.#install();
  }

  /** Tells of entry `doc`, removed from the store since the compaction began. */
  removed(doc: number): void {
    if (doc >= this.#begun) return;
    // Postings copied before the removal hold the entry; those copied after skip it.
    for (const number of this.#from.termsOf(doc)) {
      const copy = this.#copies[number];
      if (copy !== undefined) copy.df -= 1;
    }
  }

  /** Tells of entry `doc`, added to the store since the compaction began with these terms. */
  added(doc: number, counts: ReadonlyMap<string, number>): void {
    this.#added.push({ doc, counts });
  }

  /** The entries of postings for entries in the store when the compaction began and live now, renumbered. */
  #copied(postings: Postings): Postings {
    const { live } = this.#from;
    const capacity = Math.max(4, postings.length);
    const copy = new Postings(postings.term, new Int32Array(capacity), new Uint16Array(capacity));
    for (let i = 0; i < postings.length; i += 1) {
      const doc = postings.docs[i] as number;
      if (doc >= this.#begun) break;
      if (live[doc] === 0) continue;
      copy.docs[copy.length] = this.#renumber[doc] as number;
      copy.tfs[copy.length] = postings.tfs[i] as number;
      copy.length += 1;
    }
    copy.df = copy.length;
    return copy;
  }

  /** The compacted store: the entries live when the compaction began, then those added since and still live. */
  #install(): LexicalPostings {
    const from = this.#from;
    const ids = this.#olds.map((doc) => from.ids[doc] as string);
    const capacity = Math.max(16, ids.length + this.#added.length);
    const lengths = new Uint32Array(capacity);
    const live = new Uint8Array(capacity);
    this.#olds.forEach((doc, renumbered) => {
      lengths[renumbered] = from.lengths[doc] as number;
      live[renumbered] = from.live[doc] as number;
    });
    const compacted = new LexicalPostings({
      numbered: this.#numbered,
      ids,
      lengths,
      live,
      termLists: this.#termLists,
    });
    for (const { doc, counts } of this.#added) {
      if (from.live[doc] === 1) compacted.add(from.ids[doc] as string, counts, from.lengths[doc] as number);
    }
    return compacted;
  }
}
