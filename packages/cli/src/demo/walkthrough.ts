/**
 * The Acme walkthrough behind `factory demo` and `npm run demo`: a factory in
 * a temporary folder on the embedded store, the Acme example imported, and
 * every component at work.
 *
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GateFailedError } from "@software-factory/core";
import { loadFactoryYaml } from "@software-factory/floorplan";
import { defaultGates, openFactory, suspectCause } from "@software-factory/intelligence";
import { printImpact } from "../commands/impact.js";
import { printMeasures } from "../commands/metrics.js";
import { UsageError } from "../exitCodes.js";
import { importDocs } from "../importDocs.js";
import type { Output } from "../Output.js";
import { counted } from "../plural.js";
import { installFactoryStandards, openStore } from "../Session.js";
import { readJsonLines, SignalRecordSchema, WorkRecordSchema } from "./acmeData.js";
import { acmeWeek } from "./acmeWeek.js";

/** `text` on one line, cut at the last word that fits in `max` characters and marked `…` when cut. */
function shortened(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(" ", max - 1);
  return `${flat.slice(0, cut > 0 ? cut : max - 1).trimEnd()}…`;
}

/** Options of {@link runAcmeWalkthrough}. */
export interface AcmeWalkthroughOptions {
  /** Folder of the Acme example (its `factory.yaml`, `knowledge/`, `signals.jsonl`, `work.jsonl`). */
  readonly example: string;
  /** Where to write. */
  readonly output: Output;
  /**
   * Folder of the factory, kept at the end (default: a new temporary folder,
   * removed at the end). It must not hold a factory already: the walkthrough
   * builds its own, and run twice into one folder it would record all its data twice.
   */
  readonly dir?: string;
}

/**
 * Finds the Acme example: `examples/acme` in the first folder above `from`
 * (default: this module's folder, then the current folder) that has one.
 */
export function findAcmeExample(from?: string): string | undefined {
  const starts = from === undefined ? [dirname(fileURLToPath(import.meta.url)), process.cwd()] : [from];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, "examples", "acme");
      if (existsSync(join(candidate, "factory.yaml"))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/**
 * Runs the walkthrough: floor plan, knowledge import, a search with
 * provenance, an impact report with owners, a signal routed and turned into
 * work, a requirement revised with its suspect links, a gate blocking then
 * passing, and the measures.
 *
 * The factory's clock plays a week, the seven days before today (UTC): each
 * event is stamped when a team would have done it, so the measures show a
 * week's durations rather than the seconds the run takes.
 *
 * The factory is on the embedded store, `factory.db` in its folder, whatever
 * `FACTORY_DATABASE_URL` says.
 *
 * @throws UsageError when {@link AcmeWalkthroughOptions.dir} already holds a
 *   factory (its `factory.db`), before anything is written.
 * @throws Error when a file of the example is missing or invalid.
 */
export async function runAcmeWalkthrough(options: AcmeWalkthroughOptions): Promise<void> {
  const { output, example } = options;
  const temporary = options.dir === undefined;
  if (options.dir !== undefined && existsSync(join(options.dir, "factory.db")))
    throw new UsageError(
      `cannot build the demo factory in ${resolve(options.dir)}: it already holds a factory (factory.db), and the demo would add all its data again; give a new or empty folder`,
    );
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "factory-acme-"));
  const section = (title: string) => {
    output.line();
    output.line(output.style("bold", output.style("cyan", `== ${title} ==`)));
  };
  const started = Date.now();
  // The factory's clock plays Acme's week: each step is stamped when a team would take it.
  const week = acmeWeek();
  const day = (at: Date) => at.toISOString().slice(0, 10);
  const factory = await openFactory({
    dir,
    // The file itself, not FACTORY_DATABASE_URL: the demo never writes into a team's factory.
    store: await openStore(join(dir, "factory.db")),
    actor: "demo",
    gates: defaultGates,
    clock: week.clock,
  });
  try {
    installFactoryStandards(factory);

    section("1. The floor plan: Acme as lines, owners and dependencies");
    const plan = await loadFactoryYaml(join(example, "factory.yaml"));
    const applied = await factory.floorplan.applyPlan(plan, {
      label: "examples/acme/factory.yaml",
      actor: "olivia",
    });
    output.line(`factory in ${dir} (SQLite, WAL)`);
    output.line(
      `clock: the factory plays Acme's week, ${day(week.start)} to ${day(week.end)}: each event is stamped when the team would have done it (signals routed within hours, work taking days), not when this run writes it`,
    );
    output.line(
      `applied factory.yaml: ${counted(plan.domains.length, "domain")}, ${counted(plan.lines.length, "line")}, ${counted(plan.operators.length, "operator")}, ${counted(factory.floorplan.dependencyList().length, "dependency", "dependencies")} (${counted(applied.changes, "event")})`,
    );
    for (const operator of plan.operators) {
      const lines = factory.floorplan.linesOf(operator.id);
      output.line(
        `  ${operator.id.padEnd(8)} ${operator.roles.join("+").padEnd(13)} ${lines.length > 0 ? lines.join(", ") : "-"}`,
      );
    }

    section("2. The knowledge base: 60 documents imported");
    week.at(0, 8, 30);
    const report = await importDocs(factory.knowledge, join(example, "knowledge"), {
      actor: "fiona",
      onProgress: ({ done, total, item }) => output.progress(done, total, item),
    });
    output.endProgress();
    output.line(
      `imported: ${counted(report.captured, "document")}, ${counted(report.decisions, "decision")}, ${counted(report.problems.length, "problem")}`,
    );
    for (const problem of report.problems)
      output.line(output.style("red", `  ${problem.item}: ${problem.message}`));
    const signals = readJsonLines(join(example, "signals.jsonl"), SignalRecordSchema);
    // Five signals a working day from 09:00, every two hours; a routed one is routed 30, 60 or 90 minutes later.
    for (const [index, signal] of signals.entries()) {
      week.at(Math.floor(index / 5), 9 + 2 * (index % 5));
      const captured = await factory.work.captureSignal({
        text: signal.text,
        source: signal.source,
        severity: signal.severity,
        actor: signal.capturedBy,
        ...(signal.customer === undefined ? {} : { customer: signal.customer }),
      });
      if (signal.line === undefined) continue;
      week.at(Math.floor(index / 5), 9 + 2 * (index % 5), 30 * ((index % 3) + 1));
      await factory.work.routeSignal(captured.id, signal.line, { actor: signal.capturedBy });
    }
    const work = readJsonLines(join(example, "work.jsonl"), WorkRecordSchema);
    // The work in flight starts on the fourth day, an item an hour from 10:00, each step 20 minutes apart.
    for (const [index, record] of work.entries()) {
      week.at(3, 10 + index);
      const item = await factory.work.createWorkItem({
        line: record.line,
        title: record.title,
        kind: record.kind,
        ...(record.flow === undefined ? {} : { flow: record.flow }),
      });
      for (let step = 0; step < record.advance; step++) {
        week.at(3, 10 + index, 20 * (step + 1));
        await factory.work.advance(item.id);
      }
      if (record.blocked !== undefined) await factory.work.block(item.id, { reason: record.blocked });
    }
    output.line(
      `captured ${counted(signals.length, "signal")} (${signals.filter((s) => s.line !== undefined).length} already routed); ${counted(work.length, "work item")} in flight`,
    );

    section("3. Search with provenance: why do shoppers abandon checkout?");
    const query = "why do shoppers abandon checkout on mobile";
    output.line(`query: "${query}"`);
    const { hits } = await factory.knowledge.search(query, { limit: 4 });
    for (const [rank, hit] of hits.entries()) {
      const source = hit.document.source;
      output.line(`${rank + 1}. ${output.style("bold", hit.document.title)} [${hit.document.kind}]`);
      output.line(
        output.style(
          "dim",
          `   from ${source.system} ${source.uri ?? ""}${source.author === undefined ? "" : ` by ${source.author}`}, ${(source.capturedAt ?? hit.document.createdAt).slice(0, 10)}; lines ${hit.document.lines.join(", ") || "-"}`,
        ),
      );
      output.line(`   ${shortened(hit.snippet, 220)}`);
    }

    section("4. Impact: a change to the payments service");
    const paths = ["services/payments/src/providers/stripe.ts", "services/payments/src/refunds.ts"];
    output.line(`changed: ${paths.join(", ")}`);
    printImpact(output, factory.floorplan.impact({ paths }));

    section("5. A signal from the field, routed and turned into work");
    week.at(4, 9, 10);
    const signal = await factory.work.captureSignal({
      text: "Several shops in Germany say the Klarna pay-later option disappeared from checkout on mobile since Tuesday; shoppers leave instead of paying by card.",
      source: "support",
      customer: "Hofmann Outdoor GmbH",
      severity: "high",
      actor: "fiona",
    });
    output.line(`fiona captured ${signal.id}: "${signal.text.slice(0, 80)}..."`);
    const candidates = await factory.route(signal.text, { limit: 3 });
    for (const [rank, candidate] of candidates.entries()) {
      output.line(`  ${rank + 1}. ${candidate.line.padEnd(16)} ${candidate.reasons.slice(0, 2).join("; ")}`);
    }
    const target = candidates[0]?.line ?? "checkout";
    week.at(4, 9, 55);
    const routed = await factory.work.routeSignal(signal.id, target, { actor: "fiona" });
    const minutesToRoute =
      (Date.parse(routed.firstRoutedAt ?? routed.capturedAt) - Date.parse(routed.capturedAt)) / 60_000;
    week.at(4, 10, 5);
    const item = await factory.work.createWorkItem({
      line: target,
      title: "Bring back pay-later at checkout on mobile",
      kind: "bug",
      flow: "full",
      signals: [signal.id],
    });
    output.line(
      `routed to ${target} ${counted(minutesToRoute, "minute")} after capture; work item ${item.id} created for ${item.owner} in ${item.stage}`,
    );
    const pack = await factory.context({ workItem: item.id, budgetTokens: 1200 });
    output.line(
      `context pack for the owner (${pack.tokens} of ${pack.budgetTokens} ${pack.tokenizer} tokens): ${pack.lines.map((l) => l.line.id).join(", ")}; depends on ${pack.lines.flatMap((l) => l.dependsOn.map((next) => `${next.line} (${next.kind}, ${next.criticality})`)).join(", ")}; ${counted(pack.knowledge.length, "document")}: ${pack.knowledge
        .map((hit) => hit.document.title)
        .slice(0, 3)
        .join(" | ")}`,
    );

    section("6. A requirement revised: the links downstream turn suspect");
    const advance = async (note: string) => {
      const moved = await factory.work.advance(item.id);
      output.line(`  -> ${moved.stage.padEnd(14)} ${note}`);
    };
    week.at(4, 11);
    await advance("the signal is now work");
    await factory.work.recordArtifact({
      id: "REQ-CHK-12",
      kind: "requirement",
      title: "Pay-later is offered on every device",
      fields: {
        body: "Checkout offers Klarna pay-later to shoppers in DE, AT and NL on desktop and mobile when the basket is between 35 and 1,500 EUR.",
      },
      workItem: item.id,
    });
    await factory.work.link({ from: "REQ-CHK-12", to: signal.id, type: "addresses" });
    week.at(4, 15, 30);
    await advance("requirement REQ-CHK-12 written, linked to the signal");
    const design = await factory.work.recordArtifact({
      kind: "design",
      title: "Payment method list is computed server-side",
      fields: {
        body: "The checkout API returns the eligible methods; the mobile web no longer filters them by viewport.",
      },
      workItem: item.id,
    });
    await factory.work.link({ from: design.artifact.id, to: "REQ-CHK-12", type: "derivesFrom" });
    week.at(5, 10);
    await advance("design derived from the requirement");
    week.at(5, 14);
    await advance("architecture: ADR-009 applies, no new service");
    const change = await factory.work.recordArtifact({
      kind: "changeSet",
      title: "Eligible payment methods from the API",
      fields: { commit: "9c4e1a7", paths: ["services/checkout/src/paymentMethods.ts"] },
      workItem: item.id,
    });
    await factory.work.link({ from: change.artifact.id, to: design.artifact.id, type: "implements" });
    await factory.work.link({ from: change.artifact.id, to: "REQ-CHK-12", type: "satisfies" });
    week.at(5, 17, 30);
    await advance("change set 9c4e1a7 implements the design");
    week.at(6, 9, 30);
    const tests = await factory.work.recordArtifact({
      kind: "testEvidence",
      title: "CI run 5120",
      fields: { runId: "ci-5120", passed: 842, failed: 0 },
      workItem: item.id,
    });
    await factory.work.link({ from: tests.artifact.id, to: "REQ-CHK-12", type: "verifies" });
    output.line("  test evidence: CI run 5120, 842 passed, verifies REQ-CHK-12");
    week.at(6, 11);
    const revised = await factory.work.recordArtifact({
      id: "REQ-CHK-12",
      kind: "requirement",
      title: "Pay-later is offered on every device",
      fields: {
        body: "Checkout offers Klarna pay-later to shoppers in DE, AT, NL and CH on desktop and mobile when the basket is between 35 and 2,500 EUR.",
      },
    });
    output.line(
      `bruno revised REQ-CHK-12 (v${revised.artifact.version}: CH added, limit 2,500 EUR): ${counted(revised.suspected.length, "link")} suspect`,
    );
    for (const link of factory.work.suspectLinks({ item: item.id })) {
      output.line(
        output.style("yellow", `  suspect: ${link.from} ${link.type} ${link.to} (${suspectCause(link)})`),
      );
    }

    section("7. A gate blocks the release, then lets it pass");
    week.at(6, 11, 15);
    try {
      await factory.work.advance(item.id);
      output.line(output.style("red", "unexpected: the gate let the item through"));
    } catch (error) {
      if (!(error instanceof GateFailedError)) throw error;
      output.line(output.style("red", `refused entry to ${error.target}:`));
      for (const finding of error.findings) output.line(`  [${finding.gate}] ${finding.message}`);
    }
    const findings = await factory.standards.check({ kind: "workItem", id: item.id });
    output.line(
      `factory check on the item: ${counted(findings.filter((f) => f.severity === "error").length, "error")} (exit code 1 in CI)`,
    );
    week.at(6, 14);
    for (const link of factory.work.suspectLinks({ item: item.id })) {
      await factory.work.reviewLink(link.id, {
        verdict: link.type === "derivesFrom" ? "adapted" : "keep",
        note: "CH and the new limit are covered by the server-side list",
        actor: "olivia",
      });
    }
    output.line(
      `olivia reviewed the links: ${factory.work.suspectLinks({ item: item.id }).length} suspect left`,
    );
    week.at(6, 15, 30);
    await advance(output.style("green", "released: the gate passes, and the signal is resolved"));

    section("8. Measures, from the event history");
    // The week's window: everything above happened inside it, on the week's clock.
    printMeasures(output, await factory.work.measures({ from: week.start, to: week.end }));
    output.line(
      `log: ${counted(await factory.log.head(), "event")}, stamped over the week, written in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    // The MCP step (the factory's MCP server answering a real MCP client over stdio)
    // belongs here; it is added with packages/mcp.
  } finally {
    await factory.close();
    if (temporary) rmSync(dir, { recursive: true, force: true });
  }
}
