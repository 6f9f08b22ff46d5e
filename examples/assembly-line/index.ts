/**
 * The assembly line in one script: a customer signal becomes a feature that
 * goes through every stage to release; the requirement is revised midway, the
 * links downstream turn suspect, a reviewer clears them, and the line's
 * measures are printed at the end.
 *
 *   npm run start -w @software-factory/example-assembly-line
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EvidenceMissingError,
  type Gate,
  GateFailedError,
  manualClock,
  openAssemblyLine,
  openEventLog,
} from "@software-factory/core";

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), "factory-assembly-example-"));
const clock = manualClock("2026-03-02T09:00:00Z");
const log = await openEventLog({ path: join(dir, "factory.db"), clock, actor: "olivia" });

// A gate: nothing enters release while a link of the item is suspect.
const noSuspectLinks: Gate = {
  name: "no-suspect-links",
  stages: ["release"],
  check: (_item, ctx) =>
    ctx.suspectLinks.length === 0
      ? { pass: true }
      : {
          pass: false,
          findings: [{ message: `${ctx.suspectLinks.length} suspect links`, hint: "review them first" }],
        },
};

const line = await openAssemblyLine({
  log,
  // The floor plan would answer these; a plain object does too.
  lines: { ownerOf: (id) => (id === "checkout" ? "olivia" : undefined), wipLimitOf: () => 3 },
  gates: [noSuspectLinks],
});

// 1. A field operator captures a signal and routes it to the checkout line.
const signal = await line.captureSignal({
  text: "Customers abandon carts when the card is declined; they want to pay by link.",
  source: "support",
  customer: "acme",
  severity: "high",
  line: "checkout",
  actor: "fiona",
});
console.log(`signal ${signal.id} captured by ${signal.capturedBy}, routed to ${signal.line}`);

// 2. It becomes a feature on the full flow, owned by the line's owner.
const item = await line.createWorkItem({
  line: "checkout",
  title: "Pay by link",
  flow: "full",
  signals: [signal.id],
});
console.log(`work item ${item.id} in ${item.stage}, owner ${item.owner}`);
/** An artifact or signal as a person names it, rather than by its generated id. */
const nameOf = (id: string): string => {
  const artifact = line.artifact(id);
  if (artifact !== undefined) return `${artifact.kind} "${artifact.title}"`;
  return line.signal(id) === undefined ? id : "the signal";
};
const step = async (note: string) => {
  clock.advance(4 * HOUR);
  const moved = await line.advance(item.id);
  console.log(`  -> ${moved.stage.padEnd(14)} ${note}`);
};

// 3. Requirements, design, architecture: each stage leaves an artifact linked upstream.
await step("the signal is now work");
await line.recordArtifact({
  id: "REQ-4",
  kind: "requirement",
  title: "Pay by link",
  fields: { body: "A customer can pay by a link sent by email. The link expires after 24 hours." },
  workItem: item.id,
});
await line.link({ from: "REQ-4", to: signal.id, type: "addresses" });
await step("requirement REQ-4 written");
const design = await line.recordArtifact({
  kind: "design",
  title: "Signed link tokens",
  fields: { body: "HMAC token in the URL" },
  workItem: item.id,
});
await line.link({ from: design.artifact.id, to: "REQ-4", type: "derivesFrom" });
await step("design linked to REQ-4");
const adr = await line.recordArtifact({
  kind: "adr",
  title: "ADR-12: tokens, not sessions",
  fields: { body: "stateless" },
  workItem: item.id,
});
await line.link({ from: adr.artifact.id, to: design.artifact.id, type: "derivesFrom" });
await step("ADR linked to the design");

// 4. Implementation needs a change set before it may be left.
try {
  await line.advance(item.id);
} catch (error) {
  if (error instanceof EvidenceMissingError) console.log(`  refused: ${error.message}`);
}
const code = await line.recordArtifact({
  kind: "changeSet",
  title: "Pay-by-link endpoint",
  fields: { commit: "4f2a9c1e", paths: ["src/checkout/payByLink.ts"] },
  workItem: item.id,
});
await line.link({ from: code.artifact.id, to: adr.artifact.id, type: "implements" });
await line.link({ from: code.artifact.id, to: "REQ-4", type: "satisfies" });
const tests = await line.recordArtifact({
  kind: "testEvidence",
  title: "CI run 1042",
  fields: { runId: "ci-1042", passed: 212, failed: 0 },
  workItem: item.id,
});
await line.link({ from: tests.artifact.id, to: "REQ-4", type: "verifies" });
await step("change set 4f2a9c1e recorded");

// 5. Midway, the requirement is revised: a reflow changes nothing, a new expiry does.
const reflowed = await line.recordArtifact({
  id: "REQ-4",
  kind: "requirement",
  title: "Pay by link",
  fields: { body: "A customer can pay by a link sent by email.\nThe link expires after 24 hours." },
});
console.log(
  `reflowed REQ-4: version ${reflowed.artifact.version}, ${reflowed.suspected.length} links suspect`,
);
const revised = await line.recordArtifact({
  id: "REQ-4",
  kind: "requirement",
  title: "Pay by link",
  fields: { body: "A customer can pay by a link sent by email or SMS. The link expires after 48 hours." },
});
console.log(`revised REQ-4 (v${revised.artifact.version}): ${revised.suspected.length} links suspect`);
for (const link of line.suspectLinks({ item: item.id })) {
  console.log(
    `  suspect: ${nameOf(link.from)} ${link.type} ${nameOf(link.to)} (${link.causes[0]?.hops} hop(s) from REQ-4)`,
  );
}

// 6. The gate keeps the item out of release until the links are reviewed.
try {
  await step("");
} catch (error) {
  if (error instanceof GateFailedError)
    console.log(`  refused: ${error.findings.map((f) => f.message).join("; ")}`);
}
for (const link of line.suspectLinks({ item: item.id })) {
  await line.reviewLink(link.id, {
    verdict: link.type === "derivesFrom" ? "adapted" : "keep",
    actor: "olivia",
  });
}
console.log(`reviewed: ${line.suspectLinks().length} suspect links left`);
await step("released; the signal is resolved");
const feedback = await line.recordArtifact({
  kind: "feedback",
  title: "Cart abandonment -12%",
  fields: { metric: "-12%" },
});
await line.link({ from: feedback.artifact.id, to: code.artifact.id, type: "derivesFrom" });
await step("operating");
clock.advance(24 * HOUR);
await line.complete(item.id);

// 7. The chain, both ways, and the line's measures.
const trace = line.trace(item.id);
console.log(`trace: ${trace.signals.length} signal, ${trace.artifacts.map((a) => a.kind).join(" -> ")}`);
console.log(
  `upstream of the feedback: ${line.walk(feedback.artifact.id, "upstream").nodes.map(nameOf).join(", ")}`,
);
const measures = await line.measures({ from: "2026-03-01", to: "2026-03-09", line: "checkout" });
const { yield: first, throughput, signals } = measures;
console.log("measures of checkout, 2026-03-01 to 2026-03-09");
console.log(
  `  yield: ${first.firstPass} of ${first.delivered} delivered first pass (${first.rework.gateFailures} gate failure, ${first.rework.adaptedLinks} links adapted, ${first.rework.sendBacks} send-backs)`,
);
console.log(
  `  lead time ${throughput.leadTimeHours.p50} h; hours per stage: ${Object.entries(throughput.cycleTimeHours)
    .map(([stage, hours]) => `${stage} ${hours.p50}`)
    .join(", ")}`,
);
console.log(`  signals: ${signals.resolved} of ${signals.captured} resolved`);

await line.close();
await log.close();
rmSync(dir, { recursive: true, force: true });
