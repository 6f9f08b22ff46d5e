import { describe, expect, it } from "vitest";
import { LexicalIndex } from "../src/index.js";

/**
 * Reproducible texts of 20 to 59 words from a vocabulary of 1,500 words, so
 * most terms are shared, and a word of each text's own, which a compaction
 * drops with its text (so it numbers the terms that stay anew).
 */
function textsOf(seed: number): () => string {
  let state = seed;
  let texts = 0;
  const next = () => {
    state = (state * 48_271) % 2_147_483_647;
    return state;
  };
  return () => {
    texts += 1;
    return [`own${texts}`, ...Array.from({ length: 20 + (next() % 40) }, () => `w${next() % 1_500}`)].join(
      " ",
    );
  };
}

const queries = ["w1 w2 w3", "w17 w401 w250 w9", "w42", "w1000 w1001 w1002 w1003 w1004", "w7 w7 w70 w700"];

/** The answers of an index to the queries, ids and scores. */
function answers(index: LexicalIndex): unknown[] {
  return queries.map((query) => index.search(query, { limit: 15 }));
}

/** A fresh index of the entries live now, added in the order they were last added (as the index numbers them). */
function freshOf(live: ReadonlyMap<string, string>): LexicalIndex {
  const fresh = new LexicalIndex();
  for (const [id, text] of live) fresh.add(id, text);
  return fresh;
}

/** Resolves after a turn of the event loop. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("removals from a lexical index", () => {
  it("answer as a fresh index of what stays, after compactions and an image round trip, with nothing lost", async () => {
    const text = textsOf(3);
    let index = new LexicalIndex();
    const live = new Map<string, string>();
    const add = (id: string) => {
      const body = text();
      index.add(id, body);
      live.delete(id);
      live.set(id, body);
    };
    const remove = (ids: string[]) => {
      index.removeAll(ids);
      for (const id of ids) live.delete(id);
    };
    const expectAsFresh = () => {
      expect(index.size).toBe(live.size);
      expect(answers(index)).toEqual(answers(freshOf(live)));
    };
    for (let n = 0; n < 1_500; n += 1) add(`e${n}`);

    // The chunks of a revised document (a run of ids), some replaced, single removals: no compaction yet.
    remove(Array.from({ length: 150 }, (_, k) => `e${500 + k}`));
    for (let n = 0; n < 1_500; n += 7) add(`e${n}`);
    for (let n = 1; n < 300; n += 13) remove([`e${n}`]);
    expectAsFresh();

    // Past a quarter removed: a compaction runs in the background, with removals and adds each turn.
    remove(Array.from({ length: 300 }, (_, k) => `e${1_000 + k}`));
    let turns = 0;
    let compacting = true;
    const idle = index.idle().then(() => {
      compacting = false;
    });
    while (compacting) {
      remove([`e${3 * turns + 2}`]);
      add(`e${5 * turns + 4}`);
      add(`late${turns}`);
      expectAsFresh();
      turns += 1;
      await turn();
    }
    await idle;
    expect(turns).toBeGreaterThan(3);
    expectAsFresh();

    // Entries renumbered by the compaction, and entries added while it ran, are removed by their own terms.
    remove([...live.keys()].filter((_, k) => k % 4 === 1));
    await index.idle();
    expectAsFresh();

    // From an image: each entry's terms are found again, so its removal lowers exactly their document frequencies.
    index = LexicalIndex.deserialize(index.serialize());
    expectAsFresh();
    remove([...live.keys()].filter((_, k) => k % 3 === 0));
    for (let n = 0; n < 100; n += 1) add(`e${n * 11}`);
    await index.idle();
    expectAsFresh();
    for (const id of ["e1", "e2", "late0", "missing"]) expect(index.has(id)).toBe(live.has(id));
  });
});
