import { describe, expect, it } from "vitest";
import { LexicalIndex } from "../src/index.js";

/** Reproducible texts of 40 words from a vocabulary of 5,000. */
function texts(count: number, seed: number): string[] {
  let state = seed;
  const word = () => {
    state = (state * 48_271) % 2_147_483_647;
    return `w${state % 5_000}`;
  };
  return Array.from({ length: count }, () => Array.from({ length: 40 }, word).join(" "));
}

const queries = ["w1 w2 w3", "w17 w4001 w250 w9", "w42", "w3000 w3001 w3002 w3003 w3004"];

/** The answers of an index to the queries, scores included. */
function answers(index: LexicalIndex): unknown[] {
  return queries.map((query) => index.search(query, { limit: 10 }));
}

/** Resolves after a turn of the event loop. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("lexical compaction in the background", () => {
  it("lets the event loop turn, answers as a fresh index at each turn, and keeps adds and removals made meanwhile", async () => {
    const originals = texts(6_000, 7);
    const index = new LexicalIndex();
    originals.forEach((text, n) => {
      index.add(`doc-${n}`, text);
    });
    // The fresh index holds what stays, in the same order, and never compacts (its removals stay under a quarter).
    const fresh = new LexicalIndex();
    originals.forEach((text, n) => {
      if (n % 3 !== 0) fresh.add(`doc-${n}`, text);
    });
    index.removeAll(originals.map((_, n) => `doc-${n}`).filter((_, n) => n % 3 === 0));
    expect(answers(index)).toEqual(answers(fresh));

    let compacting = true;
    let turns = 0;
    const idle = index.idle().then(() => {
      compacting = false;
    });
    const added = texts(200, 11);
    while (compacting) {
      // One add and one removal a turn, each checked against the fresh index.
      const text = added[turns % added.length] as string;
      index.add(`new-${turns}`, text);
      fresh.add(`new-${turns}`, text);
      const gone = `doc-${3 * turns + 1}`;
      index.remove(gone);
      fresh.remove(gone);
      expect(index.size).toBe(fresh.size);
      expect(answers(index)).toEqual(answers(fresh));
      turns += 1;
      await turn();
    }
    await idle;

    expect(turns).toBeGreaterThan(5);
    expect(index.has("doc-1")).toBe(false);
    expect(index.has(`new-${turns - 1}`)).toBe(true);
    expect(index.size).toBe(fresh.size);
    expect(answers(index)).toEqual(answers(fresh));
    // An image written now holds the same entries, compacted.
    expect(answers(LexicalIndex.deserialize(index.serialize()))).toEqual(answers(fresh));
  });

  it("finishes a compaction under way before writing its image", () => {
    const originals = texts(3_000, 5);
    const index = new LexicalIndex();
    originals.forEach((text, n) => {
      index.add(`doc-${n}`, text);
    });
    index.removeAll(originals.map((_, n) => `doc-${n}`).slice(0, 1_000));
    index.add("late", "w1 w2 w3 late");
    index.remove("doc-2000");
    const fresh = new LexicalIndex();
    originals.forEach((text, n) => {
      if (n >= 1_000 && n !== 2_000) fresh.add(`doc-${n}`, text);
    });
    fresh.add("late", "w1 w2 w3 late");
    const restored = LexicalIndex.deserialize(index.serialize());
    expect(restored.size).toBe(fresh.size);
    expect(answers(restored)).toEqual(answers(fresh));
    expect(answers(index)).toEqual(answers(fresh));
  });
});
