import { describe, expect, it } from "vitest";
import { DECISION_TEXT_MAX, openKnowledgeBase } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-");

const source = { system: "test", author: "ana" };

describe("capture and search", () => {
  it("finds a captured document by its words and by identifiers in its code", async () => {
    const note = await temp.kb.capture({
      kind: "research",
      title: "Payment retries",
      body: "# Retries\n\nThe checkout retries a failed payment three times.\n\n```ts\nretryPayment(order)\n```",
      source,
      lines: ["checkout"],
      tags: ["payments"],
    });
    await temp.kb.capture({ kind: "note", title: "Onboarding", body: "New users see a tour.", source });

    const byProse = await temp.kb.search("how often is a payment retried?");
    expect(byProse.hits[0]?.document.id).toBe(note.id);
    expect(byProse.hits[0]?.snippet).toContain("**payment**");
    expect(byProse.hits[0]?.chunk.headingPath).toEqual(["Retries"]);

    const byIdentifier = await temp.kb.search("retry_payment");
    expect(byIdentifier.hits[0]?.document.id).toBe(note.id);
  });

  it("filters by kind, line, tag and author", async () => {
    const a = await temp.kb.capture({
      kind: "insight",
      title: "Mobile checkout is slow",
      body: "slow",
      source,
      lines: ["checkout"],
    });
    await temp.kb.capture({
      kind: "note",
      title: "Search is slow",
      body: "slow",
      source: { system: "test", author: "bo" },
      lines: ["search"],
    });
    expect(
      (await temp.kb.search("slow", { lines: ["checkout"] })).hits.map((hit) => hit.document.id),
    ).toEqual([a.id]);
    expect((await temp.kb.search("slow", { kinds: ["insight"] })).hits.map((hit) => hit.document.id)).toEqual(
      [a.id],
    );
    expect((await temp.kb.search("slow", { authors: ["ana"] })).hits.map((hit) => hit.document.id)).toEqual([
      a.id,
    ]);
    expect((await temp.kb.search("slow", { tags: ["nothing"] })).hits).toEqual([]);
  });

  it("pages and keeps within a token budget", async () => {
    for (let index = 0; index < 12; index += 1) {
      await temp.kb.capture({
        kind: "note",
        title: `Latency note ${index}`,
        body: `latency ${"word ".repeat(index * 10)}`,
        source,
      });
    }
    const first = await temp.kb.search("latency", { limit: 5 });
    expect(first.hits).toHaveLength(5);
    expect(first.nextOffset).toBe(5);
    const second = await temp.kb.search("latency", { limit: 5, offset: 5 });
    expect(second.hits.map((hit) => hit.document.id)).not.toContain(first.hits[0]?.document.id);
    const budgeted = await temp.kb.search("latency", { limit: 12, budgetTokens: 60 });
    expect(budgeted.tokens).toBeLessThanOrEqual(60);
    expect(budgeted.hits.length).toBeGreaterThan(0);
  });

  it("rejects bad input with the field named and writes nothing", async () => {
    const head = await temp.log.head();
    await expect(temp.kb.capture({ kind: "gossip", title: "", body: "x", source } as never)).rejects.toThrow(
      /kind[\s\S]*title/,
    );
    await expect(temp.kb.search("x", { limit: 0 })).rejects.toThrow(/limit/);
    expect(await temp.log.head()).toBe(head);
  });
});

describe("revisions, supersession and time", () => {
  it("records a revision only when something changed, and keeps every revision", async () => {
    const doc = await temp.kb.capture({ kind: "strategy", title: "Pricing", body: "Flat price.", source });
    expect((await temp.kb.revise(doc.id, { body: "Flat price." })).changed).toBe(false);
    const { document, changed } = await temp.kb.revise(doc.id, {
      body: "Per-seat price.",
      reason: "board call",
    });
    expect(changed).toBe(true);
    expect(document.revisions.map((revision) => revision.body)).toEqual(["Flat price.", "Per-seat price."]);
    expect((await temp.kb.search("seat")).hits[0]?.document.id).toBe(doc.id);
    expect((await temp.kb.search("flat")).hits).toEqual([]);
  });

  it("answers what was in force at a date, and hides superseded facts from current search", async () => {
    const old = await temp.kb.capture({
      kind: "decision",
      title: "Use MySQL",
      body: "We store orders in MySQL.",
      source: { ...source, capturedAt: "2024-01-01T00:00:00Z" },
      decision: { status: "accepted", context: "orders", decision: "MySQL" },
    });
    const replacement = await temp.kb.supersede(old.id, {
      kind: "note",
      title: "Orders move to PostgreSQL",
      body: "We store orders in PostgreSQL.",
      source,
    });
    const stale = await temp.kb.get(old.id);
    expect(stale?.supersededBy?.id).toBe(replacement.id);
    expect(stale?.decision?.status).toBe("superseded");

    const now = await temp.kb.search("where do we store orders");
    expect(now.hits.map((hit) => hit.document.id)).toEqual([replacement.id]);
    const before = await temp.kb.search("where do we store orders", { asOf: "2025-06-01T00:00:00Z" });
    expect(before.hits.map((hit) => hit.document.id)).toEqual([old.id]);
  });

  it("returns the revision current at a date", async () => {
    const doc = await temp.kb.capture({ kind: "note", title: "Limit", body: "v1", source });
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await temp.kb.revise(doc.id, { body: "v2" });
    expect((await temp.kb.get(doc.id, { asOf: between }))?.body).toBe("v1");
    expect((await temp.kb.get(doc.id))?.body).toBe("v2");
  });

  it("links documents and retracts them out of search", async () => {
    const a = await temp.kb.capture({
      kind: "conversation",
      title: "Call with Acme",
      body: "Acme wants SSO.",
      source,
    });
    const b = await temp.kb.capture({ kind: "requirement", title: "SSO", body: "Support SAML SSO.", source });
    const linked = await temp.kb.link(b.id, { type: "derivesFrom", target: a.id });
    expect(linked.links).toEqual([{ type: "derivesFrom", target: a.id }]);
    await temp.kb.retract(a.id, "recorded by mistake");
    expect((await temp.kb.search("acme")).hits).toEqual([]);
    expect((await temp.kb.get(a.id))?.retracted?.reason).toBe("recorded by mistake");
  });

  it("writes nothing for a link the document already has, or an unlink of one it has not", async () => {
    const a = await temp.kb.capture({ kind: "conversation", title: "Call", body: "Acme wants SSO.", source });
    const b = await temp.kb.capture({ kind: "requirement", title: "SSO", body: "Support SAML SSO.", source });
    const link = { type: "derivesFrom", target: a.id };
    const linked = await temp.kb.link(b.id, link);
    const head = await temp.log.head();

    expect(await temp.kb.link(b.id, link)).toEqual(linked);
    expect(await temp.kb.link(b.id, link, { idempotencyKey: "link-again" })).toEqual(linked);
    expect(await temp.log.head()).toBe(head);

    const unlinked = await temp.kb.unlink(b.id, link);
    expect(unlinked.links).toEqual([]);
    const afterUnlink = await temp.log.head();
    expect(afterUnlink).toBe(head + 1);
    expect(await temp.kb.unlink(b.id, link)).toEqual(unlinked);
    expect(await temp.kb.unlink(b.id, { type: "informs", target: "art_none" })).toEqual(unlinked);
    expect(await temp.log.head()).toBe(afterUnlink);
  });

  it("names the write a reused key was given for", async () => {
    const a = await temp.kb.capture({ kind: "note", title: "A", body: "Alpha.", source });
    const b = await temp.kb.capture({ kind: "note", title: "B", body: "Beta.", source });
    await temp.kb.link(a.id, { type: "informs", target: b.id }, { idempotencyKey: "k" });
    const reasons = [
      [
        () => temp.kb.link(b.id, { type: "informs", target: a.id }, { idempotencyKey: "k" }),
        `link ${b.id} to ${a.id} (informs)`,
      ],
      [
        () => temp.kb.unlink(a.id, { type: "informs", target: b.id }, { idempotencyKey: "k" }),
        `unlink ${a.id} from ${b.id} (informs)`,
      ],
      [
        () => temp.kb.revise(b.id, { body: "Beta, revised.", reason: "typo" }, { idempotencyKey: "k" }),
        `revise ${b.id}`,
      ],
      [() => temp.kb.retract(b.id, "wrong", { idempotencyKey: "k" }), `retract ${b.id}`],
    ] as const;
    for (const [write, wanted] of reasons) {
      await expect(write()).rejects.toMatchObject({
        code: "E_IDEMPOTENCY_CONFLICT",
        message: `idempotency key "k" was already used for another write, not to ${wanted}; use a new key`,
      });
    }
  });

  it("records decisions with their structure", async () => {
    const decision = await temp.kb.recordDecision({
      title: "Event log as the source of truth",
      context: "Several processes share one factory.",
      options: [{ title: "CRUD tables", cons: ["lost history"] }, { title: "Event log" }],
      decision: "Every change is an event.",
      consequences: "Projections must be rebuilt on schema change.",
      status: "accepted",
      source,
      lines: ["core"],
    });
    expect(decision.kind).toBe("decision");
    expect(decision.decision?.status).toBe("accepted");
    expect(decision.body).toContain("## Consequences");
    expect((await temp.kb.search("source of truth", { kinds: ["decision"] })).hits[0]?.document.id).toBe(
      decision.id,
    );
  });
});

describe("limits", () => {
  it("refuses decision text over its limit, naming the field, and writes nothing", async () => {
    const head = await temp.log.head();
    const long = "x".repeat(DECISION_TEXT_MAX + 1);
    const decision = { title: "Too long", context: "c", decision: "d", source };
    await expect(temp.kb.recordDecision({ ...decision, context: long })).rejects.toThrow(
      /context: context is at most 200000 characters/,
    );
    await expect(
      temp.kb.recordDecision({ ...decision, options: [{ title: "a", pros: ["p".repeat(2001)] }] }),
    ).rejects.toThrow(/options\[0\]\.pros\[0\]: at most 2000 characters/);
    const third = "y".repeat(DECISION_TEXT_MAX / 2);
    await expect(
      temp.kb.recordDecision({ ...decision, context: third, consequences: third }),
    ).rejects.toThrow(
      /context: context, options, decision and consequences together are at most 200000 characters; these have 200001, 100000 of them in context/,
    );
    expect(await temp.log.head()).toBe(head);
  });

  it("says a source address is too long rather than missing", async () => {
    const input = {
      kind: "note" as const,
      title: "T",
      body: "b",
      source: { ...source, uri: "u".repeat(2001) },
    };
    await expect(temp.kb.captureOrRevise(input)).rejects.toThrow(
      /source\.uri: is 2,001 characters; at most 2,000/,
    );
    const withoutUri = { ...input, source } as unknown as typeof input;
    await expect(temp.kb.captureOrRevise(withoutUri)).rejects.toThrow(/source\.uri: is required/);
  });
});

describe("caches and other processes", () => {
  it("reopens from its caches and folds what other writers appended meanwhile", async () => {
    const first = await temp.kb.capture({ kind: "note", title: "Alpha", body: "alpha text", source });
    await temp.kb.close();
    const other = await openKnowledgeBase({ log: temp.log });
    await other.capture({ kind: "note", title: "Beta", body: "beta text", source });
    await other.close();
    await temp.reopen();
    expect((await temp.kb.search("alpha")).hits[0]?.document.id).toBe(first.id);
    expect((await temp.kb.search("beta")).hits).toHaveLength(1);
  });

  it("sees a capture of another knowledge base on the same log without reopening", async () => {
    const other = await openKnowledgeBase({ log: temp.log });
    const doc = await other.capture({ kind: "note", title: "Gamma", body: "gamma", source });
    expect((await temp.kb.search("gamma")).hits[0]?.document.id).toBe(doc.id);
    await other.close();
  });
});

describe("fuzzy matching from the local embedder", () => {
  it("finds a document through a misspelled word that BM25 alone misses", async () => {
    const doc = await temp.kb.capture({
      kind: "runbook",
      title: "Authentication",
      body: "Rotate authentication tokens weekly.",
      source,
    });
    expect((await temp.kb.search("authentcation", { mode: "lexical" })).hits).toEqual([]);
    const fuzzy = await temp.kb.search("authentcation");
    expect(fuzzy.hits[0]?.document.id).toBe(doc.id);
    expect(fuzzy.hits[0]?.vectorRank).toBe(1);
  });

  it("finds it too when a filter keeps only a few documents (exact vector search among them)", async () => {
    const doc = await temp.kb.capture({
      kind: "runbook",
      title: "Authentication",
      body: "Rotate authentication tokens weekly.",
      source,
      lines: ["accounts"],
    });
    await temp.kb.capture({
      kind: "runbook",
      title: "Authorization",
      body: "Roles are checked per request.",
      source,
      lines: ["billing"],
    });
    const fuzzy = await temp.kb.search("authentcation", { lines: ["accounts"] });
    expect(fuzzy.hits.map((hit) => hit.document.id)).toEqual([doc.id]);
  });
});

describe("idempotent captures", () => {
  it("returns the first document for a retried capture with the same key, and refuses the key for other content", async () => {
    const input = { kind: "note" as const, title: "Once", body: "only once", source };
    const first = await temp.kb.capture(input, { idempotencyKey: "capture-1" });
    const head = await temp.log.head();
    const again = await temp.kb.capture(input, { idempotencyKey: "capture-1" });
    expect(again.id).toBe(first.id);
    expect(await temp.log.head()).toBe(head);
    await expect(
      temp.kb.capture({ ...input, body: "different" }, { idempotencyKey: "capture-1" }),
    ).rejects.toThrow(/already used/);
  });
});

describe("an empty knowledge base reopened", () => {
  it("takes documents after its empty caches were saved and loaded", async () => {
    await temp.kb.close();
    await temp.reopen();
    await temp.kb.close();
    await temp.reopen();
    const doc = await temp.kb.capture({ kind: "note", title: "First", body: "first words", source });
    expect((await temp.kb.search("first words")).hits[0]?.document.id).toBe(doc.id);
  });
});
