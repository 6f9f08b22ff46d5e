/**
 * The floor plan in one script: load a product's factory.yaml (30 lines, 6
 * domains, 10 operators), record it in the factory's event log, and answer
 * the questions people ask: who owns this file, what breaks if this changes,
 * whom do I tell. Works in a temporary folder, and leaves there a Mermaid
 * diagram of the plan (the path is printed; the log beside it is removed).
 *
 *   npm run start -w examples/floorplan      (from the repository root)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openEventLog } from "@software-factory/core";
import { floorPlanEvents, loadFactoryYaml, openFloorPlan, toMermaid } from "@software-factory/floorplan";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-example-"));
const factoryDir = join(dir, ".factory");
const log = await openEventLog({
  path: join(factoryDir, "factory.db"),
  events: floorPlanEvents,
  actor: "amara",
});
const floorplan = await openFloorPlan({ log });

// 1. factory.yaml is the reviewed source; applying it records only what changed.
const plan = await loadFactoryYaml(join(here, "factory.yaml"), {
  onWarning: (problem) =>
    console.log(`warning ${problem.file}:${problem.line}:${problem.column} ${problem.message}`),
});
const applied = await floorplan.applyPlan(plan);
console.log(`applied factory.yaml: ${applied.changes} changes in one batch (log head ${await log.head()})`);
const again = await floorplan.applyPlan(plan);
console.log(`applied it again: ${again.changes} changes`);

// 2. Ownership.
console.log("\nownership");
for (const path of [
  "services/payments/src/charge.ts",
  "apps/web/pages/index.tsx",
  "db/migrations/ledger/0042_postings.sql",
  "services/cart/schema.sql",
  "README.md",
]) {
  const owner = floorplan.explainPath(path);
  console.log(
    `  ${path.padEnd(42)} ${owner === undefined ? "unclaimed" : `${owner.line} (@${owner.owner}) via ${owner.pattern}`}`,
  );
}
console.log(
  "  (the last matching pattern wins, as in CODEOWNERS: data-platform's **/*.sql comes after ledger's /db/migrations/ledger/)",
);
for (const operator of ["ben", "fatima"])
  console.log(`  ${operator} owns ${floorplan.linesOf(operator).join(", ")}`);

// 3. Impact of a change to the payments service.
const report = floorplan.impact({ paths: ["services/payments/src/charge.ts"] }, { depth: 4 });
console.log(`\nimpact of services/payments/src/charge.ts: ${report.affected.length} lines affected`);
for (const line of report.affected.slice(0, 6))
  console.log(`  [${line.distance}] ${line.line} (${line.criticality}): ${line.reason}`);
console.log("notify");
for (const owner of report.notify) {
  console.log(
    `  @${owner.operator ?? "nobody"} (${owner.criticality}): changed ${owner.changed.join(", ") || "-"}; affected ${owner.affected.join(", ") || "-"}`,
  );
}
if (report.cutoff !== undefined) console.log(`  ${report.cutoff.message}`);

// 4. A change through the API is an event too, and health shows what needs care.
const added = await floorplan.addDependency("ledger", { line: "orders", kind: "event", criticality: "low" });
console.log(
  `\nadded ledger -> orders (event, low) through the API: ${added.changes} change, now in the log too`,
);
const health = floorplan.health({ files: ["services/payments/a.ts", "LICENSE"], central: 3 });
console.log(
  `health: ${health.cycles.length} cycle(s): ${health.cycles.map((cycle) => cycle.join(" -> ")).join("; ")}`,
);
console.log(`  unowned paths: ${health.unownedPaths.join(", ")}`);
console.log(
  `  most central: ${health.centralLines.map((line) => `${line.line} (${line.betweenness.toFixed(3)})`).join(", ")}`,
);
console.log(
  `  overloaded: ${health.overloadedOperators.map((operator) => `${operator.operator} (${operator.over.join(", ")})`).join(", ") || "none"}`,
);
await floorplan.removeDependency("ledger", "orders");

// 5. A diagram for the README, left in the temporary folder.
const diagram = join(dir, "floorplan.mmd");
writeFileSync(diagram, toMermaid(floorplan.graph));
console.log(`\nwrote ${diagram}`);

await floorplan.close();
await log.close();
rmSync(factoryDir, { recursive: true, force: true });
