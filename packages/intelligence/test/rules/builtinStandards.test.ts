import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock } from "@software-factory/core";
import {
  builtinStandards,
  type Factory,
  installBuiltinStandards,
  makeBuiltinStandards,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;
let item: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "builtin-standards-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
  });
  item = (await factory.work.createWorkItem({ line: "checkout", title: "Pay by link", kind: "feature" })).id;
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

const record = (id: string, kind: string, fields: Record<string, unknown>, workItem?: string) =>
  factory.work.recordArtifact({
    id,
    kind,
    title: id,
    fields,
    ...(workItem === undefined ? {} : { workItem }),
  });

async function findings(rule: string) {
  return (await factory.standards.check({ rules: [rule] })).map((finding) => [
    finding.target.id,
    finding.severity,
    finding.message,
  ]);
}

describe("builtin standards", () => {
  beforeEach(() => installBuiltinStandards(factory));

  it("is a pack of rules the factory's standards run", () => {
    expect(builtinStandards.rules.map((rule) => rule.id)).toEqual([
      "requirement-has-acceptance-criteria",
      "requirement-follows-ears",
      "design-links-requirement",
      "decision-record-is-complete",
      "recorded-decision-is-complete",
      "change-set-links-work-item",
      "signal-routed-within-sla",
    ]);
    expect(factory.standards.packs().map((pack) => pack.id)).toEqual(["builtin-standards"]);
  });

  it("wants acceptance criteria on a requirement, without placeholders", async () => {
    await record("REQ-1", "requirement", { body: "The checkout shall accept payment links." }, item);
    await record(
      "REQ-2",
      "requirement",
      { body: "## Acceptance criteria\n\n- Given <context>, when <action>, then <outcome>." },
      item,
    );
    await record(
      "REQ-3",
      "requirement",
      {
        body: "# Pay by link\n\n## Acceptance criteria\n\n- Given a sent link, when it is 25 h old, then it is refused.",
      },
      item,
    );
    await record("REQ-4", "requirement", { acceptanceCriteria: ["a link expires after 24 hours"] }, item);
    // Inferred from a test by import codebase: the test is its criterion.
    await record(
      "REQ-5",
      "requirement",
      { statement: "refuses expired links", inferred: true, verifiedBy: "TEST-5" },
      item,
    );
    await record("REQ-6", "requirement", { statement: "inferred, no test named", inferred: true }, item);
    await record("DES-1", "design", { body: "no criteria needed" }, item);
    expect(await findings("requirement-has-acceptance-criteria")).toEqual([
      ["REQ-1", "error", "requirement REQ-1 (REQ-1) has no acceptance criteria"],
      [
        "REQ-2",
        "error",
        "requirement REQ-2 (REQ-2) has acceptance criteria still holding placeholders: - Given <context>, when <action>, then <outcome>.",
      ],
      ["REQ-6", "error", "requirement REQ-6 (REQ-6) has no acceptance criteria"],
    ]);
  });

  it("warns on requirement statements that follow no EARS pattern", async () => {
    await record(
      "REQ-1",
      "requirement",
      {
        body: [
          "## Statements",
          "- Ubiquitous: The checkout shall accept payment links.",
          "- When a link is older than 24 hours, the checkout shall refuse it.",
          "- While the provider is down, the checkout shall queue payments.",
          "- If the card is declined, then the checkout shall offer a link.",
          "- Where invoices are enabled, the checkout shall attach one.",
          "- Payment links shall be signed.",
        ].join("\n"),
      },
      item,
    );
    await record("REQ-2", "requirement", { body: "A customer can pay by a link." }, item);
    await record(
      "REQ-3",
      "requirement",
      { statement: "refuses expired links", inferred: true, verifiedBy: "TEST-3" },
      item,
    );
    expect(await findings("requirement-follows-ears")).toEqual([
      ["REQ-1", "warning", 'requirement REQ-1: "Payment links shall be signed." follows no EARS pattern'],
      ["REQ-2", "warning", 'requirement REQ-2 (REQ-2) has no "shall" statement'],
    ]);
  });

  it("quotes a long statement cut to 120 characters, never inside a surrogate pair", async () => {
    await record(
      "REQ-LONG",
      "requirement",
      { body: `${"x".repeat(119)}\u{1F512} links shall be signed.` },
      item,
    );
    expect(await findings("requirement-follows-ears")).toEqual([
      ["REQ-LONG", "warning", `requirement REQ-LONG: "${"x".repeat(119)}" follows no EARS pattern`],
    ]);
  });

  it("reads an EARS statement hard-wrapped over lines, or after a sentence of context, as one statement", async () => {
    const bodies = {
      "REQ-WRAPPED": [
        "When a refund is requested for an order older than 30 days, the payment",
        "service shall refuse it.",
      ],
      "REQ-ITEMS": [
        "- When a link is older than 24 hours, the checkout",
        "  shall refuse it.",
        "- the checkout shall log every refusal.",
      ],
      "REQ-CONTEXT": [
        "Refunds matter to customers. When a refund is requested, the checkout shall record it.",
      ],
      "REQ-LOWER": ["when a link expires, the checkout shall refuse it. the checkout shall say why."],
      "REQ-SECOND": ["The checkout shall accept links. Links shall be signed."],
    };
    for (const [id, lines] of Object.entries(bodies))
      await record(id, "requirement", { body: lines.join("\n") }, item);

    expect(await findings("requirement-follows-ears")).toEqual([
      ["REQ-SECOND", "warning", 'requirement REQ-SECOND: "Links shall be signed." follows no EARS pattern'],
    ]);
  });

  it("wants a design linked to a requirement", async () => {
    await record("REQ-1", "requirement", { body: "The checkout shall accept links." }, item);
    await record("DES-1", "design", { body: "signed tokens" }, item);
    await record("DES-2", "design", { body: "an unlinked idea" }, item);
    await factory.work.link({ from: "DES-1", to: "REQ-1", type: "derivesFrom" });
    expect(await findings("design-links-requirement")).toEqual([
      ["DES-2", "error", "design DES-2 (DES-2) links to no requirement"],
    ]);
  });

  it("wants context, decision and consequences in a decision record", async () => {
    await record(
      "ADR-1",
      "adr",
      {
        body: "## Context\n\nSessions do not scale.\n\n## Decision\n\nSigned tokens.\n\n## Consequences\n\nKey rotation.",
      },
      item,
    );
    await record(
      "ADR-2",
      "adr",
      { context: "sessions", body: "## Decision\n\nTokens.\n\n## Consequences\n" },
      item,
    );
    expect(await findings("decision-record-is-complete")).toEqual([
      ["ADR-2", "error", "decision record ADR-2 (ADR-2) does not state its consequences"],
    ]);
  });

  it("reads a MADR decision record's headings as the decision-record importer does", async () => {
    const madr = (outcome: string) =>
      [
        "## Context and Problem Statement",
        "",
        "Sessions do not scale.",
        "",
        "## Decision Drivers",
        "",
        "* horizontal scaling",
        "",
        "## Decision Outcome",
        "",
        outcome,
        "",
        "### Positive Consequences",
        "",
        "* no session store",
        "",
        "### Negative Consequences",
        "",
        "* key rotation",
      ].join("\n");
    await record("ADR-MADR", "adr", { body: madr('Chosen option: "signed tokens".') }, item);
    await record("ADR-UNDECIDED", "adr", { body: madr("") }, item);

    expect(await findings("decision-record-is-complete")).toEqual([
      ["ADR-UNDECIDED", "error", "decision record ADR-UNDECIDED (ADR-UNDECIDED) does not state its decision"],
    ]);
  });

  it("wants every change set to belong to a work item, and finds those recorded without one", async () => {
    await record("CS-1", "changeSet", { commit: "4f2a9c1e", paths: ["src/checkout/pay.ts"] }, item);
    await record("CS-2", "changeSet", { commit: "5e3b0d2f", paths: ["src/checkout/pay.ts"] });
    await factory.work.recordArtifact({
      id: "CS-3",
      kind: "changeSet",
      title: "CS-3",
      line: "checkout",
      fields: { commit: "6a7c1e3b", paths: ["src/checkout/cart.ts"] },
    });

    // A full check lists every recorded artifact, not only those of work items.
    expect(await findings("change-set-links-work-item")).toEqual([
      ["CS-2", "error", "change set CS-2 (CS-2) belongs to no work item"],
      ["CS-3", "error", "change set CS-3 (CS-3) belongs to no work item"],
    ]);
    const ofCheckout = await factory.standards.check({
      line: "checkout",
      rules: ["change-set-links-work-item"],
    });
    expect(ofCheckout.map((finding) => finding.target.id)).toEqual(["CS-3"]);
  });

  it("warns when a signal waits longer than its severity's SLA to be routed", async () => {
    const late = await factory.work.captureSignal({
      text: "cannot pay",
      source: "support",
      severity: "critical",
    });
    const routed = await factory.work.captureSignal({
      text: "slow page",
      source: "support",
      severity: "low",
    });
    await factory.work.routeSignal(routed.id, "checkout");
    const inTwoDays = () => new Date(Date.parse(late.capturedAt) + 48 * 3_600_000);
    const other = await openFactory({ dir, durability: "normal" });
    installBuiltinStandards(other, makeBuiltinStandards({ now: inTwoDays }));
    await other.work.refresh();
    const found = await other.standards.check({ rules: ["signal-routed-within-sla"] });
    await other.close();
    expect(found.map((finding) => [finding.target.id, finding.message])).toEqual([
      [late.id, `critical signal ${late.id} is unrouted after 48.0 h (SLA 4.0 h)`],
    ]);
    expect(await findings("signal-routed-within-sla")).toEqual([]);
  });

  it("judges a signal by when it was first routed, not by a later re-routing", async () => {
    const clock = manualClock("2030-01-01T09:00:00Z");
    const timedDir = mkdtempSync(join(tmpdir(), "builtin-standards-sla-"));
    const timed = await openFactory({ dir: timedDir, clock, durability: "normal" });
    installBuiltinStandards(timed);
    try {
      await timed.floorplan.applyPlan({
        product: { id: "shop" },
        operators: [{ id: "ana" }],
        lines: [
          { id: "checkout", owner: "ana" },
          { id: "payments", owner: "ana" },
        ],
      });
      const signal = await timed.work.captureSignal({
        text: "cannot pay",
        source: "support",
        severity: "critical",
      });
      const late = await timed.work.captureSignal({
        text: "no receipt",
        source: "support",
        severity: "critical",
      });
      clock.advance(3_600_000);
      await timed.work.routeSignal(signal.id, "checkout");
      clock.advance(4 * 3_600_000);
      await timed.work.routeSignal(late.id, "checkout");
      // Two days on, triage moves the first signal to the line that owns it.
      clock.advance(48 * 3_600_000);
      await timed.work.routeSignal(signal.id, "payments");

      const found = await timed.standards.check({ rules: ["signal-routed-within-sla"] });
      expect(found.map((finding) => finding.message)).toEqual([
        `critical signal ${late.id} was routed after 5.0 h (SLA 4.0 h)`,
      ]);
    } finally {
      await timed.close();
      rmSync(timedDir, { recursive: true, force: true });
    }
  });

  it("passes a signal unrouted for exactly its SLA, and reports one a millisecond past it as over the SLA, not at it", async () => {
    const signal = await factory.work.captureSignal({
      text: "cannot pay",
      source: "support",
      severity: "critical",
    });
    const at = (ms: number) => () => new Date(Date.parse(signal.capturedAt) + ms);
    const check = async (now: () => Date) => {
      const other = await openFactory({ dir, durability: "normal" });
      installBuiltinStandards(other, makeBuiltinStandards({ now }));
      await other.work.refresh();
      const found = await other.standards.check({ rules: ["signal-routed-within-sla"] });
      await other.close();
      return found.map((finding) => finding.message);
    };

    expect(await check(at(4 * 3_600_000))).toEqual([]);
    expect(await check(at(4 * 3_600_000 + 1))).toEqual([
      `critical signal ${signal.id} is unrouted after 4.1 h (SLA 4.0 h)`,
    ]);
  });
});
