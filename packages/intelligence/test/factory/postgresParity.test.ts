/**
 * One realistic week of a factory driven through the public API twice, once on
 * the embedded SQLite store and once on PostgreSQL, with every read compared:
 * a team pointing its factory at PostgreSQL must see what it saw on SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineEvent,
  GateFailedError,
  manualClock,
  SignalCaptured,
  type StoredEvent,
} from "@software-factory/core";
import { loadFactoryYaml } from "@software-factory/floorplan";
import {
  basicStandards,
  builtinAutomations,
  contextPackMarkdown,
  defaultGates,
  defineAutomation,
  defineScorecard,
  estimateTokenCounter,
  type Factory,
  type InboxItem,
  openFactory,
} from "@software-factory/intelligence";
import { importMarkdownFolder } from "@software-factory/knowledge";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
} from "../../../core/test/fixtures/postgresTestServer.js";

const SLOW = { timeout: 300_000 };
const ACME = join(import.meta.dirname, "..", "..", "..", "..", "examples", "acme");
const START = "2026-03-02T09:00:00.000Z";
const schemas = new TestSchemas();
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-parity-"));
  dirs.push(dir);
  return dir;
}

function postgresUrl(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("schema", schema);
  return url.toString();
}

const Noted = defineEvent("parity.noted", z.object({ text: z.string(), n: z.number().optional() }));

const readiness = defineScorecard({
  id: "readiness",
  description: "Lines ready for production.",
  severity: "warning",
  levels: [
    { name: "bronze", rules: ["line-has-owner"] },
    { name: "silver", rules: ["line-has-description", "line-has-paths"] },
    { name: "gold", rules: ["work-has-no-suspect-links"] },
  ],
});

async function open(dir: string, store: string | undefined, clock: ReturnType<typeof manualClock>) {
  return openFactory({
    dir,
    ...(store === undefined ? {} : { store }),
    actor: "parity",
    clock,
    gates: defaultGates,
    rules: [basicStandards],
    scorecards: [readiness],
    automations: builtinAutomations,
    tokenCounter: estimateTokenCounter,
    events: [Noted],
    maxEventBytes: 100_000,
  });
}

/** What a call gave: its result, or the error a caller sees (class, code, message). */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await call() };
  } catch (error) {
    const { code, _tag } = error as { code?: string; _tag?: string };
    return { error: { name: (error as Error).name, code, _tag, message: (error as Error).message } };
  }
}

/** Waits for the automations so their events land in one order on every store. */
async function settle(factory: Factory): Promise<void> {
  await factory.automations?.idle();
}

/** The week: every write through the public API, then every read, in one object. */
async function runWeek(store: string | undefined): Promise<Record<string, unknown>> {
  const dir = freshDir();
  const clock = manualClock(START);
  const tick = (minutes = 7) => clock.advance(minutes * 60_000);
  let factory = await open(dir, store, clock);
  try {
    const plan = await loadFactoryYaml(join(ACME, "factory.yaml"));
    await factory.floorplan.applyPlan(plan, { label: "acme/factory.yaml", actor: "olivia" });
    await settle(factory);
    tick();
    await factory.floorplan.addDependency(
      "checkout",
      { line: "identity", kind: "api", criticality: "medium" },
      { actor: "theo" },
    );
    await settle(factory);

    tick();
    const imported = await importMarkdownFolder(factory.knowledge, join(ACME, "knowledge", "insights"), {
      actor: "fiona",
    });
    await settle(factory);
    tick();
    const note = await factory.knowledge.capture(
      {
        kind: "conversation",
        title: "Call with Hofmann Outdoor about pay-later",
        body: "Pay-later vanished from checkout on mobile. Shoppers abandon the basket instead of paying by card.",
        source: { system: "gong", uri: "calls/4411", author: "fiona", capturedAt: START },
        tags: ["klarna", "mobile"],
        lines: ["checkout"],
      },
      { actor: "fiona" },
    );
    await settle(factory);
    tick();
    await factory.knowledge.revise(
      note.id,
      { body: `${note.body}\n\nSeen in DE and AT since Tuesday.`, reason: "follow-up call" },
      { actor: "fiona" },
    );
    await settle(factory);
    tick();
    const decision = await factory.knowledge.recordDecision(
      {
        title: "Payment methods are computed server-side",
        context: "The mobile web filtered methods by viewport and dropped pay-later.",
        options: [
          { title: "Filter in the client", cons: ["drifts per device"] },
          { title: "Server-side list" },
        ],
        decision: "The checkout API returns the eligible methods.",
        consequences: "The client shows what the API returns.",
        status: "accepted",
        source: { system: "adr", uri: "adr/009.md", author: "olivia" },
        lines: ["checkout"],
      },
      { actor: "olivia" },
    );
    await settle(factory);

    tick(60);
    const signal = await factory.work.captureSignal({
      text: "Several shops in Germany say the Klarna pay-later option disappeared from checkout on mobile since Tuesday.",
      source: "support",
      customer: "Hofmann Outdoor GmbH",
      severity: "high",
      actor: "fiona",
    });
    await settle(factory);
    tick();
    const quiet = await factory.work.captureSignal({
      text: "A merchant asks for a dark theme in the back office.",
      source: "sales",
      severity: "low",
      actor: "raj",
    });
    await settle(factory);
    tick(30);
    // The router may have routed it already; a person routes it (again) to checkout.
    await factory.work.routeSignal(signal.id, "checkout", { actor: "fiona" });
    await settle(factory);
    tick();
    const item = await factory.work.createWorkItem({
      line: "checkout",
      title: "Bring back pay-later at checkout on mobile",
      kind: "bug",
      flow: "full",
      signals: [signal.id],
    });
    await settle(factory);
    const other = await factory.work.createWorkItem({
      line: "catalog",
      title: "CSV import keeps variants",
      kind: "feature",
    });
    await settle(factory);
    await factory.work.block(other.id, { reason: "waiting for the Shopify API" });
    await settle(factory);

    tick(60);
    await factory.work.advance(item.id);
    await settle(factory);
    await factory.work.recordArtifact({
      id: "REQ-CHK-12",
      kind: "requirement",
      title: "Pay-later is offered on every device",
      fields: { body: "Checkout offers pay-later in DE, AT and NL between 35 and 1,500 EUR." },
      workItem: item.id,
    });
    await settle(factory);
    await factory.work.link({ from: "REQ-CHK-12", to: signal.id, type: "addresses" });
    await settle(factory);
    tick(60);
    await factory.work.advance(item.id);
    await settle(factory);
    const design = await factory.work.recordArtifact({
      kind: "design",
      title: "Payment method list is computed server-side",
      fields: { body: "The checkout API returns the eligible methods." },
      workItem: item.id,
    });
    await settle(factory);
    await factory.work.link({ from: design.artifact.id, to: "REQ-CHK-12", type: "derivesFrom" });
    await settle(factory);
    await factory.knowledge.link(
      decision.id,
      { type: "informs", target: design.artifact.id },
      { actor: "olivia" },
    );
    await settle(factory);
    tick(60);
    await factory.work.advance(item.id);
    await settle(factory);
    tick(60);
    await factory.work.advance(item.id);
    await settle(factory);
    const change = await factory.work.recordArtifact({
      kind: "changeSet",
      title: "Eligible payment methods from the API",
      fields: { commit: "9c4e1a7", paths: ["services/checkout/src/paymentMethods.ts"] },
      workItem: item.id,
    });
    await settle(factory);
    await factory.work.linkAll([
      { from: change.artifact.id, to: design.artifact.id, type: "implements" },
      { from: change.artifact.id, to: "REQ-CHK-12", type: "satisfies" },
    ]);
    tick(60);
    await factory.work.advance(item.id);
    await settle(factory);
    const tests = await factory.work.recordArtifact({
      kind: "testEvidence",
      title: "CI run 5120",
      fields: { runId: "ci-5120", passed: 842, failed: 0 },
      workItem: item.id,
    });
    await settle(factory);
    await factory.work.link({ from: tests.artifact.id, to: "REQ-CHK-12", type: "verifies" });
    await settle(factory);
    tick(60);
    const revised = await factory.work.recordArtifact({
      id: "REQ-CHK-12",
      kind: "requirement",
      title: "Pay-later is offered on every device",
      fields: { body: "Checkout offers pay-later in DE, AT, NL and CH between 35 and 2,500 EUR." },
    });
    await settle(factory);
    tick();
    let refused: unknown;
    try {
      await factory.work.advance(item.id);
      await settle(factory);
    } catch (error) {
      refused =
        error instanceof GateFailedError ? { target: error.target, findings: error.findings } : String(error);
    }
    const findings = await factory.standards.check({ kind: "workItem", id: item.id });
    await settle(factory);
    const scoresWhileSuspect = await factory.scorecards.evaluate("readiness");
    await settle(factory);
    tick(60);
    for (const link of factory.work.suspectLinks({ item: item.id })) {
      await factory.work.reviewLink(link.id, {
        verdict: link.type === "derivesFrom" ? "adapted" : "keep",
        note: "CH and the new limit are covered",
        actor: "olivia",
      });
      await settle(factory);
    }
    tick(60);
    await factory.work.advance(item.id);
    await settle(factory);
    tick();
    await factory.work.recordDeployment({ line: "checkout", version: "2026.3.2", workItems: [item.id] });
    await settle(factory);

    // Replays, refusals and odd text, as a caller sees them.
    tick();
    const capture = (body: string) =>
      factory.knowledge.capture(
        {
          kind: "note",
          title: "Ünïcödé 支付 🧾 note",
          body,
          source: { system: "notes", uri: "n/1" },
          lines: ["checkout"],
        },
        { idempotencyKey: "note-1" },
      );
    const head = await factory.log.head();
    const edges = {
      first: await outcome(() => capture("Zahlung später: 後払い 💳 e\u0301 \u2028 line")),
      replay: await outcome(() => capture("Zahlung später: 後払い 💳 e\u0301 \u2028 line")),
      conflict: await outcome(() => capture("another body")),
      stale: await outcome(() =>
        factory.log.append({ type: Noted.type, subject: "s", data: { text: "x" } }, { expectedHead: head }),
      ),
      tooBig: await outcome(() =>
        factory.log.append({ type: Noted.type, subject: "s", data: { text: "x".repeat(120_000) } }),
      ),
      numbers: await outcome(() =>
        factory.log.append([
          { type: Noted.type, subject: "n", data: { text: "big", n: 2 ** 53 + 2 } },
          { type: Noted.type, subject: "n", data: { text: "small", n: 1e-7 } },
          { type: Noted.type, subject: "n", data: { text: "float", n: 0.1 + 0.2 } },
          { type: Noted.type, subject: "n", data: { text: '\u0007 bell, \\ slash, "quote"', n: -1.5e300 } },
        ]),
      ),
      unknownItem: await outcome(() => factory.work.advance("wi_01JD3X0S1Q8Z4Y9K2M5N7P0R3T")),
      badLine: await outcome(() =>
        factory.work.createWorkItem({ line: "no-such-line", title: "x", kind: "bug" }),
      ),
      search: await outcome(() => factory.knowledge.search("後払い 💳", { limit: 3 })),
      subjects: await outcome(() =>
        factory.log.read({
          subjects: ["n", "s", "checkout"],
          types: [Noted.type, "work.created"],
          limit: 3,
        }),
      ),
      page: await outcome(() => factory.log.read({ after: 10, until: 14 })),
      eventAt: await outcome(async () => [
        await factory.log.eventIdAt(0),
        await factory.log.eventIdAt(7),
        await factory.log.eventIdAt(1e9),
      ]),
    };
    await settle(factory);

    // Reopened, every part folds the log again (from its caches and the store).
    await factory.close();
    factory = await open(dir, store, clock);
    await settle(factory);

    const operators = ["olivia", "bruno", "sana", "kai", "maya", "theo", "fiona", "raj"];
    const searches = ["why do shoppers abandon checkout on mobile", "pay-later", "delivery times"];
    const itemPack = await factory.context({ workItem: item.id, budgetTokens: 1500 });
    const questionPack = await factory.context({
      question: "what do we know about pay-later?",
      budgetTokens: 1200,
    });
    return {
      edges,
      imported,
      refused,
      findings,
      scoresWhileSuspect,
      revisedSuspected: revised.suspected,
      head: await factory.log.head(),
      lines: factory.floorplan.lines(),
      dependencies: factory.floorplan.dependencyList(),
      impact: factory.floorplan.impact({ paths: ["services/checkout/src/paymentMethods.ts"] }),
      health: factory.floorplan.health(),
      plan: factory.floorplan.toPlan(),
      documents: await factory.knowledge.list(),
      note: await factory.knowledge.get(note.id),
      noteAsOf: await factory.knowledge.get(note.id, {
        asOf: new Date(Date.parse(START) + 20 * 60_000).toISOString(),
      }),
      decision: await factory.knowledge.get(decision.id),
      searches: await Promise.all(searches.map((query) => factory.knowledge.search(query, { limit: 6 }))),
      workItems: factory.work.list(),
      item: factory.work.get(item.id),
      artifacts: factory.work.artifacts(),
      links: factory.work.linksOf("REQ-CHK-12"),
      suspect: factory.work.suspectLinks(),
      trace: factory.work.trace(item.id),
      signals: factory.work.signals(),
      quiet: factory.work.signal(quiet.id),
      deployments: factory.work.deployments(),
      measures: await factory.work.measures({ from: START, to: clock.now().toISOString() }),
      inboxes: await Promise.all(
        operators.map(async (operator) => inboxRead(await factory.inbox.list(operator))),
      ),
      scores: await factory.scorecards.evaluate("readiness"),
      levels: await Promise.all(
        factory.floorplan.lines().map((line) => factory.scorecards.levelOf("readiness", line.id)),
      ),
      route: await factory.route("refunds for a cancelled parcel never arrive", { limit: 3 }),
      itemPack: { ...itemPack, markdown: contextPackMarkdown(itemPack) },
      questionPack: { ...questionPack, markdown: contextPackMarkdown(questionPack) },
      automationFailures: await factory.automations?.failures(),
      ...(await logReads(factory)),
    };
  } finally {
    await factory.close();
  }
}

/**
 * The log as the team reads it: each event a person (or the test) wrote, in
 * order, followed by what the automations wrote in reaction to it, by
 * automation. Automations run side by side, so which of two reacting to one
 * event appends first (and the log positions after) is up to the scheduler on
 * any store; their bookkeeping marks are listed per automation.
 */
async function logReads(factory: Factory): Promise<Record<string, unknown>> {
  const events = await factory.log.read({});
  const handled = new Map<string, string[]>();
  for (const event of events.filter((next) => next.type === "automation.handled")) {
    const data = event.data as { automation: string; event: string; outcome: string; emitted: number };
    handled.set(data.automation, [
      ...(handled.get(data.automation) ?? []),
      `${data.event} ${data.outcome} ${data.emitted}`,
    ]);
  }
  const reactions = new Map<string, StoredEvent[]>();
  for (const event of events) {
    if (event.type === "automation.handled" || !event.actor.startsWith("automation:")) continue;
    const cause = event.causedBy ?? "";
    reactions.set(cause, [...(reactions.get(cause) ?? []), event]);
  }
  const ordered: StoredEvent[] = [];
  const visit = (event: StoredEvent) => {
    ordered.push(event);
    const children = reactions.get(event.id) ?? [];
    for (const child of [...children].sort((a, b) => a.actor.localeCompare(b.actor))) visit(child);
  };
  for (const event of events) if (!event.actor.startsWith("automation:")) visit(event);
  return {
    log: ordered.map(({ id, type, at, actor, subject, data, causedBy }) => ({
      id,
      type,
      at,
      actor,
      subject,
      data,
      causedBy,
    })),
    handled: [...handled].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => [name, list.sort()]),
  };
}

/** An operator's inbox without the log positions, by cause and automation (see {@link logReads}). */
function inboxRead(items: readonly InboxItem[]): unknown[] {
  return [...items]
    .sort((a, b) => (a.causedBy ?? "").localeCompare(b.causedBy ?? "") || a.from.localeCompare(b.from))
    .map(({ seq: _seq, ...item }) => item);
}

/** The reads as JSON with each generated id replaced by its order of first appearance. */
function normalized(reads: Record<string, unknown>): Record<string, unknown> {
  const ids = new Map<string, string>();
  const text = JSON.stringify(reads).replace(/\b([a-z]+)_[0-9A-HJKMNP-TV-Z]{26}\b/g, (id, prefix: string) => {
    let name = ids.get(id);
    if (name === undefined) {
      name = `${prefix}_#${ids.size}`;
      ids.set(id, name);
    }
    return name;
  });
  return JSON.parse(text);
}

describe.skipIf(skipPostgres)("a factory on PostgreSQL", () => {
  it("reads as the same factory on SQLite after the same week of work", SLOW, async () => {
    const onSqlite = normalized(await runWeek(undefined));
    const onPostgres = normalized(await runWeek(postgresUrl(schemas.next("parity"))));
    expect(Object.keys(onPostgres)).toEqual(Object.keys(onSqlite));
    // As text: the order of keys is compared too (a --json output or a rendered field list shows it).
    for (const [key, value] of Object.entries(onSqlite)) {
      expect.soft(JSON.stringify(onPostgres[key], null, 1), key).toBe(JSON.stringify(value, null, 1));
    }
  });
});

const SignalCounted = defineEvent("signal.counted", z.object({ signal: z.string() }));

/** Counts each captured signal once, whichever factory handles it. */
const countSignals = defineAutomation({
  name: "count-signals",
  description: "Counts every captured signal once.",
  on: [SignalCaptured.type],
  run: (event, { emit }) =>
    emit({ type: SignalCounted.type, subject: event.subject, data: { signal: event.subject } }),
});

describe.skipIf(skipPostgres)("two factories on one PostgreSQL database", () => {
  it("lose no write and handle each event once when they write at once", SLOW, async () => {
    // Each factory queues 20 writers at once for the append lock, and those that keep
    // losing the race take write turns: on a busy machine the last waits longer than
    // the default 10 s a call (and 30 s a statement) may take.
    const url = `${postgresUrl(schemas.next("parity_two"))}&call_timeout_ms=120000&query_timeout_ms=120000`;
    const openOne = (actor: string) =>
      openFactory({
        dir: freshDir(),
        store: url,
        actor,
        events: [SignalCounted],
        automations: [...builtinAutomations, countSignals],
        tokenCounter: estimateTokenCounter,
      });
    const first = await openOne("ada");
    await first.floorplan.applyPlan(await loadFactoryYaml(join(ACME, "factory.yaml")), { actor: "olivia" });
    const second = await openOne("bo");
    try {
      const write = (factory: Factory, who: string) =>
        Promise.all(
          Array.from({ length: 10 }, async (_, n) => {
            const signal = await factory.work.captureSignal({
              text: `${who} hears that checkout fails on mobile, report ${n}`,
              source: "support",
              severity: "medium",
              actor: who === "ada" ? "fiona" : "raj",
            });
            await factory.work.routeSignal(signal.id, n % 2 === 0 ? "checkout" : "payments", {
              actor: "fiona",
            });
            await factory.knowledge.capture({
              kind: "note",
              title: `${who}'s note ${n}`,
              body: `Checkout on mobile, report ${n} from ${who}.`,
              source: { system: "notes", uri: `${who}/${n}` },
              lines: ["checkout"],
            });
            await factory.work.createWorkItem({
              line: "checkout",
              title: `${who}: fix report ${n}`,
              kind: "bug",
            });
          }),
        );
      await Promise.all([write(first, "ada"), write(second, "bo")]);
      await Promise.all([first.automations?.idle(), second.automations?.idle()]);
      await Promise.all([first.automations?.idle(), second.automations?.idle()]);

      const events = await first.log.read({ limit: 100_000 });
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      const ofType = (type: string) => events.filter((event) => event.type === type);
      const captured = ofType(SignalCaptured.type);
      expect(captured).toHaveLength(20);
      expect(ofType("signal.routed")).toHaveLength(20);
      expect(ofType("work.created")).toHaveLength(20);
      expect(ofType("knowledge.document.captured")).toHaveLength(20);
      expect((await first.knowledge.list()).length).toBe(20);
      expect((await second.knowledge.list()).length).toBe(20);

      // Each automation handled each of its events once, by one factory or the other.
      const marks = ofType("automation.handled").map((event) => {
        const data = event.data as { automation: string; event: string; outcome: string };
        return `${data.automation} ${data.event} ${data.outcome}`;
      });
      expect(new Set(marks).size).toBe(marks.length);
      expect(marks.filter((mark) => mark.startsWith("count-signals ")).sort()).toEqual(
        captured.map((event) => `count-signals ${event.id} ok`).sort(),
      );
      expect(
        ofType(SignalCounted.type)
          .map((event) => event.subject)
          .sort(),
      ).toEqual(captured.map((event) => event.subject).sort());
      const notified = ofType("inbox.notified").map((event) => `${event.causedBy} ${event.subject}`);
      expect(new Set(notified).size).toBe(notified.length);
      expect(notified).toHaveLength(20);

      // Both see every write.
      await Promise.all([first.work.refresh(), second.work.refresh()]);
      expect(second.work.signals().map((signal) => signal.id)).toEqual(
        first.work.signals().map((signal) => signal.id),
      );
      expect(second.work.list().map((item) => item.id)).toEqual(first.work.list().map((item) => item.id));
      expect(first.work.list()).toHaveLength(20);
      expect(await second.inbox.list("olivia")).toEqual(await first.inbox.list("olivia"));
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
