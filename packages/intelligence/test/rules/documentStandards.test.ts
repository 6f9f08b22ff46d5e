import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineRule,
  defineScorecard,
  type Factory,
  installBasicStandards,
  installBuiltinStandards,
  openFactory,
  Scorecards,
  startAutomations,
} from "@software-factory/intelligence";
import { type KnowledgeDocument, MISSING_CONTEXT } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "document-standards-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [
      { id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] },
      { id: "payments", description: "Card processing", owner: "ana", paths: ["/src/payments/"] },
      { id: "search", description: "Product search", owner: "ana", paths: ["/src/search/"] },
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

const source = { system: "adr", author: "ana" };

const decide = (title: string, lines: string[], consequences = "Retries are safe.") =>
  factory.knowledge.recordDecision({
    title,
    context: "Payments time out under load.",
    decision: "Use idempotency keys on every payment call.",
    consequences,
    source,
    lines,
  });

async function findings(scope: { line?: string; id?: string } = {}) {
  return (
    await factory.standards.check({ kind: "document", rules: ["recorded-decision-is-complete"], ...scope })
  ).map((finding) => ({
    id: finding.target.id,
    message: finding.message,
    hint: finding.hint,
    fix: finding.fix,
  }));
}

describe("rules over knowledge documents", () => {
  beforeEach(() => installBuiltinStandards(factory));

  it("finds recorded decisions that lack a part, with a hint naming the field", async () => {
    const complete = await decide("Idempotent payments", ["checkout"]);
    const noConsequences = await decide("Retry payments", ["checkout"], "");
    const blankContext = await factory.knowledge.recordDecision({
      title: "Cache search results",
      context: "   ",
      decision: "Cache for a minute.",
      consequences: "Results may be a minute old.",
      source,
      lines: ["search"],
    });
    await factory.knowledge.capture({ kind: "research", title: "Timeouts", body: "notes", source });

    const found = await findings();
    expect(found.map((finding) => finding.id).sort()).toEqual([blankContext.id, noConsequences.id].sort());
    expect(found.find((finding) => finding.id === noConsequences.id)).toMatchObject({
      message: `recorded decision ${noConsequences.id} (Retry payments) does not state its consequences`,
      // The hint names the CLI command and the SDK call; the fix has each surface's form, the MCP tool call too.
      hint: `fill decision.consequences: \`factory knowledge revise ${noConsequences.id} --reason "..." --consequences "..."\` (SDK: \`knowledge.revise("${noConsequences.id}", { decision: { consequences: "..." } })\`)`,
      fix: {
        action: "fill decision.consequences",
        cli: `factory knowledge revise ${noConsequences.id} --reason "..." --consequences "..."`,
        sdk: `knowledge.revise("${noConsequences.id}", { decision: { consequences: "..." } })`,
        mcp: `revise_knowledge {"id":"${noConsequences.id}","reason":"...","decision":{"consequences":"..."}}`,
      },
    });
    expect(found.find((finding) => finding.id === blankContext.id)?.hint).toMatch(/^fill decision\.context:/);
    expect(await findings({ id: complete.id })).toEqual([]);
  });

  it("counts the importer's placeholder for a missing section as missing", async () => {
    const imported = await factory.knowledge.capture({
      kind: "decision",
      title: "ADR-7 Use PostgreSQL",
      body: "## Decision\n\nPostgreSQL.",
      source: { system: "adr", uri: "docs/adr/0007.md" },
      decision: {
        status: "accepted",
        context: MISSING_CONTEXT,
        options: [],
        decision: "PostgreSQL.",
        consequences: "One more service to run.",
      },
    });
    expect(await findings()).toEqual([
      expect.objectContaining({
        id: imported.id,
        message: expect.stringMatching(/does not state its context$/),
      }),
    ]);
  });

  it("checks only decisions in force: a superseded or retracted one no longer counts", async () => {
    const old = await decide("Retry payments", ["checkout"], "");
    const retracted = await decide("Retry refunds", ["checkout"], "");
    expect((await findings()).map((finding) => finding.id).sort()).toEqual([old.id, retracted.id].sort());

    await factory.knowledge.supersede(old.id, {
      kind: "decision",
      title: "Retry payments with backoff",
      body: "",
      source,
      lines: ["checkout"],
      decision: {
        status: "accepted",
        context: "Payments time out.",
        options: [],
        decision: "Retry with backoff.",
        consequences: "Slower failures.",
      },
    });
    await factory.knowledge.retract(retracted.id, "recorded by mistake");
    expect(await findings()).toEqual([]);
  });

  it("scopes by line: a document belongs to every line it names", async () => {
    const shared = await decide("Shared payment client", ["checkout", "payments"], "");
    expect((await findings({ line: "payments" })).map((finding) => finding.id)).toEqual([shared.id]);
    expect((await findings({ line: "checkout" })).map((finding) => finding.id)).toEqual([shared.id]);
    expect(await findings({ line: "search" })).toEqual([]);
  });

  it("runs custom rules over every kind of document", async () => {
    const runbookNamesLine = defineRule<KnowledgeDocument, Factory>({
      id: "runbook-names-line",
      description: "A runbook names the line it is for.",
      severity: "warning",
      appliesTo: "document",
      check: (document) =>
        document.kind === "runbook" && document.lines.length === 0
          ? [{ message: `runbook ${document.id} names no line`, hint: "add lines: [...]" }]
          : [],
    });
    factory.standards.add(runbookNamesLine);
    const orphan = await factory.knowledge.capture({ kind: "runbook", title: "Restart", body: "x", source });
    await factory.knowledge.capture({
      kind: "runbook",
      title: "Drain",
      body: "y",
      source,
      lines: ["search"],
    });
    const found = await factory.standards.check({ kind: "document", rules: ["runbook-names-line"] });
    expect(found).toEqual([
      {
        rule: "runbook-names-line",
        severity: "warning",
        message: `runbook ${orphan.id} names no line`,
        hint: "add lines: [...]",
        target: { kind: "document", id: orphan.id },
      },
    ]);
  });
});

describe("scorecards over recorded decisions", () => {
  it("changes each named line's level when a decision is recorded, then when it is revised", async () => {
    installBasicStandards(factory);
    installBuiltinStandards(factory);
    const decisions = defineScorecard({
      id: "decisions",
      description: "Lines whose decisions can be understood later.",
      levels: [
        { name: "bronze", rules: ["line-has-owner"] },
        { name: "silver", rules: ["recorded-decision-is-complete"] },
      ],
    });
    const scorecards = await Scorecards.open({
      log: factory.log,
      standards: factory.standards,
      scorecards: [decisions],
      lines: () => factory.floorplan.lines().map((line) => line.id),
    });
    const runner = await startAutomations({
      log: factory.log,
      automations: [scorecards.automation()],
      services: factory,
    });
    const levels = async () =>
      Promise.all(["checkout", "payments", "search"].map((line) => scorecards.levelOf("decisions", line)));

    await decide("Idempotent payments", ["checkout"]);
    await runner.idle();
    expect(await levels()).toEqual(["silver", "silver", "silver"]);

    const shared = await decide("Shared payment client", ["checkout", "payments"], "");
    await runner.idle();
    expect(await levels()).toEqual(["bronze", "bronze", "silver"]);
    const [score] = await scorecards.evaluate("decisions", ["payments"]);
    expect(score?.next?.failing.map((finding) => finding.target)).toEqual([
      { kind: "document", id: shared.id },
    ]);

    await factory.knowledge.revise(shared.id, {
      decision: {
        ...(shared.decision as NonNullable<KnowledgeDocument["decision"]>),
        consequences: "One client.",
      },
    });
    await runner.idle();
    expect(await levels()).toEqual(["silver", "silver", "silver"]);

    const changes = (await factory.log.read({ types: ["scorecard.level.changed"] })).map(
      (event) => event.data,
    );
    expect(changes).toContainEqual({
      scorecard: "decisions",
      line: "payments",
      from: "silver",
      to: "bronze",
      failing: ["recorded-decision-is-complete"],
    });
    await runner.close();
    await scorecards.close();
  });
});
