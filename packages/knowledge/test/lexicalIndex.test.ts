import { describe, expect, it } from "vitest";
import { LexicalIndex, tokenize } from "../src/index.js";

/** Exhaustive BM25 with the same tokenizer and Lucene idf, the reference MaxScore must match. */
function exhaustive(docs: Map<string, string>, query: string, limit: number) {
  const terms = docs.size === 0 ? [] : tokenize(query);
  const tokenized = new Map([...docs].map(([id, text]) => [id, tokenize(text)]));
  const avgdl = [...tokenized.values()].reduce((sum, words) => sum + words.length, 0) / tokenized.size;
  const frequencies = new Map<string, number>();
  for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  const scores: { id: string; score: number }[] = [];
  for (const [id, words] of tokenized) {
    let score = 0;
    for (const [term, qtf] of frequencies) {
      const df = [...tokenized.values()].filter((other) => other.includes(term)).length;
      const tf = words.filter((word) => word === term).length;
      if (tf === 0) continue;
      const idf = Math.log(1 + (tokenized.size - df + 0.5) / (df + 0.5));
      score += (qtf * idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * words.length) / avgdl));
    }
    if (score > 0) scores.push({ id, score });
  }
  return scores.sort((a, b) => b.score - a.score).slice(0, limit);
}

describe("LexicalIndex", () => {
  const vocabulary =
    "order payment retry checkout mobile timeout user session token cache search index".split(" ");
  let seed = 7;
  const random = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const text = (length: number) =>
    Array.from({ length }, () => vocabulary[Math.floor(random() ** 2 * vocabulary.length)]).join(" ");

  it("returns exactly the exhaustive BM25 top k, with pruning, after adds, replacements, removals and compaction", () => {
    const docs = new Map<string, string>();
    const index = new LexicalIndex();
    for (let i = 0; i < 600; i += 1) {
      const body = text(5 + Math.floor(random() * 40));
      docs.set(`d${i}`, body);
      index.add(`d${i}`, body);
    }
    for (let i = 0; i < 400; i += 2) {
      docs.delete(`d${i}`);
      index.remove(`d${i}`);
    }
    for (let i = 1; i < 200; i += 5) {
      const body = text(10);
      docs.set(`d${i}`, body);
      index.add(`d${i}`, body);
    }
    for (const query of [
      "payment retry",
      "mobile checkout timeout order",
      "token",
      "search index cache user session order",
    ]) {
      const expected = exhaustive(docs, query, 10);
      const actual = index.search(query, { limit: 10 });
      expect(actual.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
      actual.forEach((hit, rank) => {
        expect(hit.score).toBeCloseTo(expected[rank]?.score ?? 0, 6);
      });
    }
  });

  it("survives a round trip through its binary image", () => {
    const index = new LexicalIndex();
    index.add("a", "retry the payment");
    index.add("b", "mobile checkout");
    index.remove("b");
    const copy = LexicalIndex.deserialize(index.serialize());
    expect(copy.search("payment", { limit: 5 })).toEqual(index.search("payment", { limit: 5 }));
    expect(copy.size).toBe(1);
  });

  it("indexes terms counted ahead exactly as it indexes their text", () => {
    const texts: [string, string, string][] = [
      ["a", "checkout retries a failed payment", "Payments"],
      ["b", "the mobile session token expires", "Sessions"],
      ["a", "payment retried, then refunded", "Payments Refunds"],
      ["c", "search the order cache first", ""],
    ];
    const added = new LexicalIndex();
    const counted = new LexicalIndex();
    for (const [id, text, title] of texts) {
      added.add(id, text, title);
      counted.addTerms(id, counted.terms(text, title));
    }
    expect(counted.serialize()).toEqual(added.serialize());
  });

  it("removes many ids at once as it removes them one by one, compaction included", () => {
    const one = new LexicalIndex();
    const many = new LexicalIndex();
    const docs = new Map<string, string>();
    for (let i = 0; i < 400; i += 1) {
      const body = text(5 + Math.floor(random() * 30));
      docs.set(`d${i}`, body);
      one.add(`d${i}`, body);
      many.add(`d${i}`, body);
    }
    // The chunks of a long document (a run of ids) and a scatter of others, some unknown: past the compaction threshold.
    const gone = [...Array.from({ length: 150 }, (_, i) => `d${100 + i}`), "d3", "d399", "d7", "nothing"];
    for (const id of gone) {
      one.remove(id);
      docs.delete(id);
    }
    many.removeAll(gone);
    expect(many.size).toBe(one.size);
    for (const query of ["payment retry", "order", "cache search index", "mobile session token timeout"]) {
      const hits = many.search(query, { limit: 20 });
      expect(hits).toEqual(one.search(query, { limit: 20 }));
      expect(hits.map((hit) => hit.id)).toEqual(exhaustive(docs, query, 20).map((hit) => hit.id));
    }
  });

  it("applies a filter and splits identifiers", () => {
    const index = new LexicalIndex();
    index.add("a", "function retryPayment(order) {}");
    index.add("b", "retry payment later");
    expect(
      index.search("retry payment", { limit: 5, filter: (id) => id === "a" }).map((hit) => hit.id),
    ).toEqual(["a"]);
    expect(index.search("retryPayment", { limit: 5 })[0]?.id).toBe("a");
  });

  it("scores a text outside the index as search would score it once added", () => {
    const index = new LexicalIndex();
    index.add("a", "checkout retries a failed payment", "Payments");
    index.add("b", "the mobile session token expires", "Sessions");
    index.add("c", "search the order cache first");
    const outside = ["we retry payments twice, then give up", "Payment retries"] as const;

    const [predicted = 0] = index.score("retry payment twice", [index.terms(...outside)]);
    index.add("d", ...outside);
    const found = index.search("retry payment twice", { limit: 10 }).find((hit) => hit.id === "d");

    expect(found?.score).toBeCloseTo(predicted, 10);
    expect(predicted).toBeGreaterThan(0);
  });
});
