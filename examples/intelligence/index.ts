/**
 * The Intelligence Layer in one script: a factory operator encodes a custom
 * skill, a custom rule climbed through a scorecard, a custom automation that
 * fills an owner's inbox, and an instruction skill kept as a SKILL.md folder.
 *
 *   npm run start -w @software-factory/example-intelligence
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "@software-factory/core";
import type { LineInfo } from "@software-factory/floorplan";
import {
  defineAutomation,
  defineRule,
  defineScorecard,
  defineSkill,
  exportSkill,
  type Factory,
  FactoryService,
  IntelligenceService,
  loadSkillFolder,
  openFactory,
} from "@software-factory/intelligence";
import { Effect } from "effect";
import { z } from "zod";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "factory-intelligence-example-"));

// 1. A custom skill: typed input and output, a handler that uses the factory's services.
const triageSignal = defineSkill({
  name: "triage-signal",
  description: "Says which line a customer signal belongs to, who owns it and why.",
  author: "ana",
  input: z.object({ text: z.string().trim().min(1, "text must say what the customer reported") }),
  output: z.object({
    line: z.string(),
    owner: z.string().nullable(),
    reasons: z.array(z.string()),
  }),
  run: async ({ text }, { services }: { services: Factory }) => {
    const [best] = await services.route(text, { limit: 1 });
    if (best === undefined) return { line: "unrouted", owner: null, reasons: ["no line matched"] };
    return {
      line: best.line,
      owner: services.floorplan.ownerOf(best.line) ?? null,
      reasons: [...best.reasons],
    };
  },
});

// 2. A custom rule in a scorecard: bronze needs a description, silver also a runbook in the knowledge base.
const hasDescription = defineRule<LineInfo, Factory>({
  id: "line-has-description",
  description: "Every line says what it is for in at least three words.",
  severity: "error",
  appliesTo: "line",
  triggers: ["floorplan.plan.applied"],
  check: (line) =>
    (line.description ?? "").split(/\s+/).filter(Boolean).length >= 3
      ? []
      : [{ message: `line ${line.id} does not say what it is for`, hint: "describe it in factory.yaml" }],
});
const hasRunbook = defineRule<LineInfo, Factory>({
  id: "line-has-runbook",
  description: "Every line has a runbook in the knowledge base, for whoever is on call.",
  severity: "error",
  appliesTo: "line",
  author: "ana",
  triggers: ["knowledge.document.captured", "knowledge.document.retracted"],
  check: async (line, factory) =>
    (await factory.knowledge.list({ kinds: ["runbook"], lines: [line.id], limit: 1 })).length > 0
      ? []
      : [
          {
            message: `line ${line.id} has no runbook`,
            hint: "capture a document of kind runbook linked to it",
          },
        ],
});
const readiness = defineScorecard({
  id: "on-call-readiness",
  description: "A line someone can be paged for.",
  levels: [
    { name: "bronze", rules: ["line-has-description"] },
    { name: "silver", rules: ["line-has-runbook"] },
  ],
});

// 3. A custom automation: an urgent signal is routed and its line's owner is told at once. Its handler
// is an Effect (a Promise would do as well): a failure is retried as a throw is, and closing the
// factory interrupts it.
const escalateUrgentSignals = defineAutomation<Factory>({
  name: "escalate-urgent-signals",
  description: "Tells the owner of the most likely line about every high or critical signal.",
  on: ["signal.captured"],
  run: (event, { services, notify }) =>
    Effect.gen(function* () {
      const { text, severity } = event.data as { text: string; severity: string };
      if (severity !== "high" && severity !== "critical") return;
      const intelligence = yield* IntelligenceService;
      const [best] = yield* intelligence.route(text, { limit: 1 });
      const owner = best === undefined ? undefined : services.floorplan.ownerOf(best.line);
      if (best === undefined || owner === undefined) return;
      notify({
        to: owner,
        title: `${severity} signal for ${best.line}: ${text.slice(0, 60).trimEnd()}`,
        body: `Routed because: ${best.reasons.join("; ")}`,
        ref: { kind: "signal", id: event.subject ?? event.id },
        reason: `owner of ${best.line}`,
      });
    }).pipe(Effect.provide(FactoryService.fromFactory(services))),
});
// The factory: SQLite in a temp folder, the custom skill, rules, scorecard and automation, and the
// SKILL.md folders next to this script. The factory runs the automation and keeps the scorecard current.
const factory = await openFactory({
  dir,
  actor: "ana",
  skills: [triageSignal],
  rules: [hasDescription, hasRunbook],
  scorecards: [readiness],
  automations: [escalateUrgentSignals],
  skillsDir: join(here, "skills"),
});
await factory.floorplan.applyPlan({
  product: { id: "shop" },
  operators: [{ id: "ana" }, { id: "bo" }],
  lines: [
    {
      id: "checkout",
      description: "Cart, payment by card or link, order confirmation",
      owner: "ana",
      paths: ["/src/checkout/"],
    },
    { id: "search", description: "Product search and autocomplete", owner: "bo", paths: ["/src/search/"] },
  ],
});
console.log(
  `factory opened in a temp folder with lines: ${factory.floorplan
    .lines()
    .map((line) => line.id)
    .join(", ")}`,
);

console.log("\n== custom skill: triage-signal ==");
const { output } = await factory.skills.run(
  "triage-signal",
  { text: "Paying by link fails with a timeout in src/checkout/pay.ts" },
  { actor: "fiona" },
);
console.log(`triage-signal -> ${JSON.stringify(output)}`);
try {
  await factory.skills.run("triage-signal", { text: " " }, { actor: "fiona" });
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.log(`refused bad input: ${error.issues.map((issue) => issue.message).join("; ")}`);
}
const runs = await factory.log.read({ types: ["skill.ran"] });
console.log(
  `recorded runs: ${runs
    .filter((run) => run.subject === "triage-signal")
    .map((run) => `${run.actor} ${(run.data as { outcome: string }).outcome}`)
    .join(", ")}`,
);

console.log("\n== custom rule in a scorecard: on-call-readiness ==");
await factory.automations?.idle();
const levels = async () =>
  (
    await Promise.all(
      ["checkout", "search"].map(
        async (line) => `${line} ${(await factory.scorecards.levelOf(readiness.id, line)) ?? "none"}`,
      ),
    )
  ).join(", ");
console.log(`after the floor plan: ${await levels()}`);
for (const score of await factory.scorecards.evaluate(readiness.id)) {
  for (const finding of score.next?.failing ?? []) console.log(`  ${finding.message} (${finding.hint})`);
}
await factory.knowledge.capture({
  kind: "runbook",
  title: "Checkout on call",
  body: "When payments by link time out, check the provider status page, then fail over.",
  source: { system: "example", author: "ana" },
  lines: ["checkout"],
});
await factory.automations?.idle();
console.log(`after a runbook for checkout landed: ${await levels()}`);
const changes = await factory.log.read({ types: ["scorecard.level.changed"] });
console.log(
  `level changes recorded: ${changes
    .map((change) => {
      const data = change.data as { line: string; from: string | null; to: string | null };
      return `${data.line} ${data.from ?? "none"} -> ${data.to ?? "none"}`;
    })
    .join(", ")}`,
);

console.log("\n== custom automation: escalate-urgent-signals ==");
await factory.work.captureSignal({
  text: "Autocomplete shows products that are sold out",
  source: "support",
  severity: "low",
  actor: "fiona",
});
await factory.work.captureSignal({
  text: "Customers cannot pay: the payment link page shows a timeout at checkout",
  source: "support",
  customer: "acme",
  severity: "critical",
  actor: "fiona",
});
await factory.automations?.idle();
for (const operator of ["ana", "bo"]) {
  const inbox = await factory.inbox.list(operator);
  console.log(`inbox of ${operator}: ${inbox.length} notification(s)`);
  for (const item of inbox) console.log(`  [${item.from}] ${item.title} (${item.reason})`);
}

console.log("\n== instruction skill from skills/write-release-notes/SKILL.md ==");
for (const skill of factory.skills.list()) {
  console.log(`  ${skill.name}: ${skill.runnable ? "runnable" : "instructions only"}`);
}
const notes = factory.skills.instructions("write-release-notes");
if (notes === undefined) throw new Error("the SKILL.md folder did not load");
console.log(`write-release-notes: ${notes.description}`);
console.log(`  first step: ${notes.instructions.split("\n").find((line) => line.startsWith("1."))}`);
const exported = loadSkillFolder(exportSkill(notes, join(dir, "exported")));
console.log(
  `exported and reloaded: ${exported.name === notes.name && exported.instructions.trim() === notes.instructions.trim() ? "identical" : "different"}`,
);

await factory.close();
rmSync(dir, { recursive: true, force: true });
