import { describe, expect, it } from "vitest";
import type { SearchResult } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-filters-");

const source = { system: "test", author: "ana" };
const ids = (result: SearchResult): string[] => result.hits.map((hit) => hit.document.id);
const sorted = (values: readonly string[]): string[] => [...values].sort();

describe("tag filter", () => {
  it("keeps the documents carrying any of the tags, in every search mode", async () => {
    const payments = await temp.kb.capture({
      kind: "note",
      title: "Refund flow",
      body: "Refunds go back to the card within five days.",
      source,
      tags: ["payments", "refunds"],
    });
    const ops = await temp.kb.capture({
      kind: "note",
      title: "Refund alerts",
      body: "Page the on-call when refunds fail twice.",
      source,
      tags: ["ops"],
    });
    await temp.kb.capture({
      kind: "note",
      title: "Refund wording",
      body: "Say refund, not reversal.",
      source,
    });

    for (const mode of ["hybrid", "lexical", "vector"] as const) {
      expect(ids(await temp.kb.search("refunds", { tags: ["payments"], mode })), mode).toEqual([payments.id]);
      expect(sorted(ids(await temp.kb.search("refunds", { tags: ["payments", "ops"], mode }))), mode).toEqual(
        sorted([payments.id, ops.id]),
      );
    }
    expect(await temp.kb.search("refunds")).toMatchObject({ hits: { length: 3 } });
  });
});

describe("current: false", () => {
  it("includes superseded and expired documents but never retracted ones, as its TSDoc promises", async () => {
    const old = await temp.kb.capture({
      kind: "note",
      title: "Deploys on Fridays",
      body: "Deploys are allowed on Fridays.",
      source: { ...source, capturedAt: "2024-01-01T00:00:00Z" },
    });
    const replacement = await temp.kb.supersede(old.id, {
      kind: "note",
      title: "No deploys on Fridays",
      body: "Deploys are frozen on Fridays.",
      source,
    });
    const expired = await temp.kb.capture({
      kind: "note",
      title: "Deploy freeze for the launch",
      body: "Deploys paused during the launch week.",
      source,
      validFrom: "2024-03-01T00:00:00Z",
      validTo: "2024-03-08T00:00:00Z",
    });
    const retracted = await temp.kb.capture({
      kind: "note",
      title: "Deploys by hand",
      body: "Deploys are done by hand from a laptop.",
      source,
    });
    await temp.kb.retract(retracted.id, "never true");

    expect(ids(await temp.kb.search("deploys"))).toEqual([replacement.id]);
    const all = await temp.kb.search("deploys", { current: false });
    expect(sorted(ids(all))).toEqual(sorted([old.id, replacement.id, expired.id]));
    expect(all.hits.find((hit) => hit.document.id === old.id)?.document.supersededBy?.id).toBe(
      replacement.id,
    );
    // asOf overrides current: at a date inside the freeze, the freeze and the old rule were in force.
    const then = await temp.kb.search("deploys", { current: false, asOf: "2024-03-05T00:00:00Z" });
    expect(sorted(ids(then))).toEqual(sorted([old.id, expired.id]));
  });
});

describe("author filter", () => {
  it("keeps documents by any of the authors and drops those with no author", async () => {
    const byAna = await temp.kb.capture({ kind: "note", title: "Cache", body: "cache warmup", source });
    const byBo = await temp.kb.capture({
      kind: "note",
      title: "Cache size",
      body: "cache limit",
      source: { system: "test", author: "bo" },
    });
    await temp.kb.capture({
      kind: "note",
      title: "Cache keys",
      body: "cache keys",
      source: { system: "test" },
    });
    await temp.kb.capture({
      kind: "note",
      title: "Cache misses",
      body: "cache misses",
      source: { system: "test", author: "cy" },
    });
    expect(ids(await temp.kb.search("cache", { authors: ["bo"] }))).toEqual([byBo.id]);
    expect(sorted(ids(await temp.kb.search("cache", { authors: ["ana", "bo"] })))).toEqual(
      sorted([byAna.id, byBo.id]),
    );
    expect(ids(await temp.kb.search("cache", { authors: ["nobody"] }))).toEqual([]);
  });
});

describe("kinds and lines together", () => {
  it("keeps only documents matching both, any value within each", async () => {
    const make = (kind: "insight" | "note" | "runbook", line: string) =>
      temp.kb.capture({
        kind,
        title: `Timeout ${kind} ${line}`,
        body: "timeout handling",
        source,
        lines: [line],
      });
    const insightCheckout = await make("insight", "checkout");
    const runbookCheckout = await make("runbook", "checkout");
    const insightSearch = await make("insight", "search");
    await make("note", "checkout");
    await make("runbook", "billing");

    expect(ids(await temp.kb.search("timeout", { kinds: ["insight"], lines: ["checkout"] }))).toEqual([
      insightCheckout.id,
    ]);
    expect(
      sorted(ids(await temp.kb.search("timeout", { kinds: ["insight", "runbook"], lines: ["checkout"] }))),
    ).toEqual(sorted([insightCheckout.id, runbookCheckout.id]));
    expect(
      sorted(ids(await temp.kb.search("timeout", { kinds: ["insight"], lines: ["checkout", "search"] }))),
    ).toEqual(sorted([insightCheckout.id, insightSearch.id]));
    expect(ids(await temp.kb.search("timeout", { kinds: ["note"], lines: ["billing"] }))).toEqual([]);
  });
});

describe("paging with a filter", () => {
  it("pages through the filtered hits only, each once, and stops offering a next page at the end", async () => {
    const onLine: string[] = [];
    for (let index = 0; index < 14; index += 1) {
      const doc = await temp.kb.capture({
        kind: "note",
        title: `Queue note ${index}`,
        body: `queue backlog ${"detail ".repeat(index)}`,
        source,
        lines: [index % 2 === 0 ? "jobs" : "mail"],
      });
      if (index % 2 === 0) onLine.push(doc.id);
    }
    const first = await temp.kb.search("queue backlog", { lines: ["jobs"], limit: 4 });
    expect(first.hits).toHaveLength(4);
    expect(first.nextOffset).toBe(4);
    const second = await temp.kb.search("queue backlog", {
      lines: ["jobs"],
      limit: 4,
      offset: first.nextOffset,
    });
    expect(second.hits).toHaveLength(3);
    expect(second.nextOffset).toBeUndefined();
    const seen = [...ids(first), ...ids(second)];
    expect(new Set(seen).size).toBe(7);
    expect(sorted(seen)).toEqual(sorted(onLine));
    const whole = await temp.kb.search("queue backlog", { lines: ["jobs"], limit: 7 });
    expect(ids(whole)).toEqual(seen);
    expect(whole.nextOffset).toBeUndefined();
    expect((await temp.kb.search("queue backlog", { lines: ["jobs"], offset: 7 })).hits).toEqual([]);
  });
});

describe("budgetTokens", () => {
  it("returns, in rank order, the hits that fit the budget, skipping ones too large for what is left", async () => {
    // Long documents matching both words rank first; short ones matching one word come after.
    for (let index = 0; index < 4; index += 1) {
      await temp.kb.capture({
        kind: "note",
        title: `Latency spike ${index}`,
        body: `latency spike ${"while the budget words pile up ".repeat(12)}`,
        source,
      });
      await temp.kb.capture({ kind: "note", title: `Short ${index}`, body: "latency", source });
    }
    const unbounded = await temp.kb.search("latency spike", { limit: 8 });
    expect(unbounded.hits).toHaveLength(8);
    expect(unbounded.tokens).toBe(unbounded.hits.reduce((sum, hit) => sum + hit.tokens, 0));
    const costs = unbounded.hits.map((hit) => hit.tokens);
    const budget = (costs[0] as number) + (costs[7] as number) * 2;
    // What the budget promises: walking the ranking, each hit that still fits is kept.
    const expected: string[] = [];
    let used = 0;
    for (const [index, hit] of unbounded.hits.entries()) {
      const cost = costs[index] as number;
      if (used + cost > budget) continue;
      used += cost;
      expected.push(hit.document.id);
    }
    // The case under test: a hit too large for what is left is skipped and a later, smaller one kept.
    expect(expected[1]).not.toBe(unbounded.hits[1]?.document.id);
    expect(expected.length).toBeGreaterThan(2);

    const budgeted = await temp.kb.search("latency spike", { limit: 8, budgetTokens: budget });
    expect(ids(budgeted)).toEqual(expected);
    expect(budgeted.tokens).toBe(used);
    expect(budgeted.tokens).toBeLessThanOrEqual(budget);

    const tiny = await temp.kb.search("latency spike", { limit: 8, budgetTokens: Math.min(...costs) - 1 });
    expect(tiny).toMatchObject({ hits: [], tokens: 0 });
  });
});
