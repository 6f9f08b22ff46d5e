/**
 * The binary image of a lexical index, for a cache on disk: its BM25
 * parameters, its entries and the postings of their terms, laid end to end
 * in a few typed arrays (copied whole by the serializer, where one array per
 * term cost a call each).
 *
 * @module
 */
import { deserialize, serialize } from "node:v8";
import { LexicalPostings, Postings, TermLists } from "./LexicalPostings.js";

/** What an image holds besides the postings. */
export interface LexicalParameters {
  readonly k1: number;
  readonly b: number;
}

/** An image of version 2, as v8 serializes it. */
interface ImageData extends LexicalParameters {
  readonly version: 2;
  readonly ids: string[];
  readonly lengths: Uint32Array;
  /** The terms one after the other, each `termLengths` long. */
  readonly terms: string;
  readonly termLengths: Uint32Array;
  /** Where each term's postings end in `docs` and `tfs`. */
  readonly ends: Uint32Array;
  readonly docs: Int32Array;
  readonly tfs: Uint16Array;
}

/** An image of version 1 (one pair of arrays a term), still read. */
interface ImageDataV1 extends LexicalParameters {
  readonly version: 1;
  readonly ids: string[];
  readonly lengths: Uint32Array;
  readonly terms: [string, Int32Array, Uint16Array][];
}

/**
 * The image of a store without removed entries (a compacted one).
 *
 * @throws RangeError when the store holds removed entries.
 */
export function writeImage(postings: LexicalPostings, parameters: LexicalParameters): Uint8Array {
  if (postings.liveCount !== postings.ids.length) {
    throw new RangeError(
      `a lexical image holds no removed entries: compact the ${postings.ids.length} first`,
    );
  }
  let entries = 0;
  for (const { length } of postings.terms.values()) entries += length;
  const termLengths = new Uint32Array(postings.terms.size);
  const ends = new Uint32Array(postings.terms.size);
  const docs = new Int32Array(entries);
  const tfs = new Uint16Array(entries);
  let end = 0;
  let number = 0;
  for (const { term, docs: termDocs, tfs: termTfs, length } of postings.terms.values()) {
    // Most postings are short: a loop copies them faster than a view and a set.
    for (let i = 0; i < length; i += 1) {
      docs[end + i] = termDocs[i] as number;
      tfs[end + i] = termTfs[i] as number;
    }
    end += length;
    termLengths[number] = term.length;
    ends[number] = end;
    number += 1;
  }
  const data: ImageData = {
    version: 2,
    k1: parameters.k1,
    b: parameters.b,
    ids: [...postings.ids],
    lengths: postings.lengths.subarray(0, postings.ids.length),
    terms: [...postings.terms.keys()].join(""),
    termLengths,
    ends,
    docs,
    tfs,
  };
  return serialize(data);
}

/**
 * The store and parameters of an image from {@link writeImage} (or of version
 * 1, written before).
 *
 * @throws RangeError when the image is of a version this one does not read.
 */
export function readImage(image: Uint8Array): LexicalParameters & { readonly postings: LexicalPostings } {
  const data = deserialize(image) as ImageData | ImageDataV1;
  if (data.version !== 1 && data.version !== 2) {
    const { version } = data as { version: unknown };
    throw new RangeError(`lexical index image version ${String(version)} is not supported`);
  }
  const numbered = data.version === 1 ? postingsOfV1(data) : postingsOf(data);
  const entries = data.ids.length;
  const lengths = new Uint32Array(Math.max(16, entries));
  lengths.set(data.lengths);
  const live = new Uint8Array(lengths.length);
  live.fill(1, 0, entries);
  const termLists = TermLists.inverted(numbered, entries);
  return {
    k1: data.k1,
    b: data.b,
    postings: new LexicalPostings({ numbered, ids: data.ids, lengths, live, termLists }),
  };
}

/** The postings of a version 2 image, as views of its arrays (a term that grows gets arrays of its own). */
function postingsOf(data: ImageData): Postings[] {
  const numbered: Postings[] = [];
  let at = 0;
  let start = 0;
  for (const [number, end] of data.ends.entries()) {
    const term = data.terms.slice(at, at + (data.termLengths[number] as number));
    at += term.length;
    numbered.push(
      new Postings(term, data.docs.subarray(start, end), data.tfs.subarray(start, end), end - start),
    );
    start = end;
  }
  return numbered;
}

function postingsOfV1(data: ImageDataV1): Postings[] {
  return data.terms.map(([term, docs, tfs]) => new Postings(term, docs, tfs, docs.length));
}
