/**
 * The scripted week of a factory that postgresParity.test.ts runs on each
 * store: the acme plan and knowledge, a signal carried through every stage
 * of a work item (a suspect link and a refused gate on the way), replays,
 * refusals and odd text as a caller sees them, then every read after the
 * factory is reopened, all through the public API on a manual clock.
 */
import { join } from "node:path";
import { defineEvent, GateFailedError, manualClock } from "@software-factory/core";
import { loadFactoryYaml } from "@software-factory/floorplan";
import {
  basicStandards,
  builtinAutomations,
  contextPackMarkdown,
  defaultGates,
  defineScorecard,
  estimateTokenCounter,
  type Factory,
  openFactory,
  type TokenCounter,
} from "@software-factory/intelligence";
import { importMarkdownFolder } from "@software-factory/knowledge";
import { z } from "zod";
import { inboxRead, logReads } from "./postgresParityReads.js";

/** The acme example, whose plan and knowledge the week starts from. */
export const ACME = join(import.meta.dirname, "..", "..", "..", "..", "examples", "acme");

/** When the week starts, on the manual clock. */
const START = "2026-03-02T09:00:00.000Z";

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

/**
 * The estimate, counting each generated id as the same id of zeros: ids differ
 * between runs and the estimate counts their characters, so without this the
 * packs of two stores would differ by a token here and there.
 */
const idBlindCounter: TokenCounter = {
  name: estimateTokenCounter.name,
  count: (text) =>
    estimateTokenCounter.count(text.replace(/\b([a-z]+)_[0-9A-HJKMNP-TV-Z]{26}\b/g, `$1_${"0".repeat(26)}`)),
};

/** Moves the week's clock on by some minutes (7 unless told). */
type Tick = (minutes?: number) => void;

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
    tokenCounter: idBlindCounter,
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

/**
 * The week in a factory folder `dir` on `store` (the embedded SQLite store
 * when undefined): every write through the public API, then every read, in
 * one object.
 */
export async function runWeek(dir: string, store: string | undefined): Promise<Record<string, unknown>> {
  const clock = manualClock(START);
  const tick: Tick = (minutes = 7) => {
    clock.advance(minutes * 60_000);
  };
  let factory = await open(dir, store, clock);
  try {
    const { imported, note, decision } = await planAndKnowledge(factory, tick);
    const { signal, quiet, item } = await signalsAndWork(factory, tick);
    const carried = await carryThrough(factory, tick, { item, signal, decision });
    const edges = await edgeCases(factory, tick);

    // Reopened, every part folds the log again (from its caches and the store).
    await factory.close();
    factory = await open(dir, store, clock);
    await settle(factory);
    return {
      edges,
      imported,
      ...carried,
      ...(await readEverything(factory, clock, { note, decision, item, quiet })),
    };
  } finally {
    await factory.close();
  }
}

/** The acme plan, a dependency, and the knowledge: imported insights, a captured and revised note, a decision. */
async function planAndKnowledge(factory: Factory, tick: Tick) {
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
  return { imported, note: note.id, decision: decision.id };
}

/** Two signals, one routed to checkout, a work item for it and a blocked one on catalog. */
async function signalsAndWork(factory: Factory, tick: Tick) {
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
  return { signal: signal.id, quiet: quiet.id, item: item.id };
}

/**
 * The work item through every stage with its trace; a revised requirement
 * makes links suspect, so a gate refuses the item until they are reviewed;
 * then it ships.
 */
async function carryThrough(
  factory: Factory,
  tick: Tick,
  { item, signal, decision }: { item: string; signal: string; decision: string },
) {
  tick(60);
  await factory.work.advance(item);
  await settle(factory);
  await factory.work.recordArtifact({
    id: "REQ-CHK-12",
    kind: "requirement",
    title: "Pay-later is offered on every device",
    fields: { body: "Checkout offers pay-later in DE, AT and NL between 35 and 1,500 EUR." },
    workItem: item,
  });
  await settle(factory);
  await factory.work.link({ from: "REQ-CHK-12", to: signal, type: "addresses" });
  await settle(factory);
  tick(60);
  await factory.work.advance(item);
  await settle(factory);
  const design = await factory.work.recordArtifact({
    kind: "design",
    title: "Payment method list is computed server-side",
    fields: { body: "The checkout API returns the eligible methods." },
    workItem: item,
  });
  await settle(factory);
  await factory.work.link({ from: design.artifact.id, to: "REQ-CHK-12", type: "derivesFrom" });
  await settle(factory);
  await factory.knowledge.link(
    decision,
    { type: "informs", target: design.artifact.id },
    { actor: "olivia" },
  );
  await settle(factory);
  tick(60);
  await factory.work.advance(item);
  await settle(factory);
  tick(60);
  await factory.work.advance(item);
  await settle(factory);
  const change = await factory.work.recordArtifact({
    kind: "changeSet",
    title: "Eligible payment methods from the API",
    fields: { commit: "9c4e1a7", paths: ["services/checkout/src/paymentMethods.ts"] },
    workItem: item,
  });
  await settle(factory);
  await factory.work.linkAll([
    { from: change.artifact.id, to: design.artifact.id, type: "implements" },
    { from: change.artifact.id, to: "REQ-CHK-12", type: "satisfies" },
  ]);
  tick(60);
  await factory.work.advance(item);
  await settle(factory);
  const tests = await factory.work.recordArtifact({
    kind: "testEvidence",
    title: "CI run 5120",
    fields: { runId: "ci-5120", passed: 842, failed: 0 },
    workItem: item,
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
    await factory.work.advance(item);
    await settle(factory);
  } catch (error) {
    refused =
      error instanceof GateFailedError ? { target: error.target, findings: error.findings } : String(error);
  }
  const findings = await factory.standards.check({ kind: "workItem", id: item });
  await settle(factory);
  const scoresWhileSuspect = await factory.scorecards.evaluate("readiness");
  await settle(factory);
  tick(60);
  for (const link of factory.work.suspectLinks({ item })) {
    await factory.work.reviewLink(link.id, {
      verdict: link.type === "derivesFrom" ? "adapted" : "keep",
      note: "CH and the new limit are covered",
      actor: "olivia",
    });
    await settle(factory);
  }
  tick(60);
  await factory.work.advance(item);
  await settle(factory);
  tick();
  await factory.work.recordDeployment({ line: "checkout", version: "2026.3.2", workItems: [item] });
  await settle(factory);
  return { refused, findings, scoresWhileSuspect, revisedSuspected: revised.suspected };
}

/** Replays, refusals and odd text, as a caller sees them. */
async function edgeCases(factory: Factory, tick: Tick): Promise<Record<string, unknown>> {
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
  return edges;
}

/** Every read of every part, after the week. */
async function readEverything(
  factory: Factory,
  clock: ReturnType<typeof manualClock>,
  { note, decision, item, quiet }: { note: string; decision: string; item: string; quiet: string },
): Promise<Record<string, unknown>> {
  const operators = ["olivia", "bruno", "sana", "kai", "maya", "theo", "fiona", "raj"];
  const searches = ["why do shoppers abandon checkout on mobile", "pay-later", "delivery times"];
  const itemPack = await factory.context({ workItem: item, budgetTokens: 1500 });
  const questionPack = await factory.context({
    question: "what do we know about pay-later?",
    budgetTokens: 1200,
  });
  return {
    head: await factory.log.head(),
    lines: factory.floorplan.lines(),
    dependencies: factory.floorplan.dependencyList(),
    impact: factory.floorplan.impact({ paths: ["services/checkout/src/paymentMethods.ts"] }),
    health: factory.floorplan.health(),
    plan: factory.floorplan.toPlan(),
    documents: await factory.knowledge.list(),
    note: await factory.knowledge.get(note),
    noteAsOf: await factory.knowledge.get(note, {
      asOf: new Date(Date.parse(START) + 20 * 60_000).toISOString(),
    }),
    decision: await factory.knowledge.get(decision),
    searches: await Promise.all(searches.map((query) => factory.knowledge.search(query, { limit: 6 }))),
    workItems: factory.work.list(),
    item: factory.work.get(item),
    artifacts: factory.work.artifacts(),
    links: factory.work.linksOf("REQ-CHK-12"),
    suspect: factory.work.suspectLinks(),
    trace: factory.work.trace(item),
    signals: factory.work.signals(),
    quiet: factory.work.signal(quiet),
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
}
