/**
 * Assembly line costs: moving 10,000 work items through the pipeline on the
 * embedded SQLite log (transitions per second, fold time when a process opens
 * the line), the cost of one transition behind 10 gates, suspect-link
 * propagation when a requirement with 100,000 links downstream changes, and
 * all measures (the DORA ones alone too) over a 90-day window of a history of
 * about 1,000,000 events, 100,000 work items and their lines' deployments and
 * incidents.
 *
 * Times are given as wall clock / CPU time of this process: on a shared,
 * loaded machine the CPU time says what the work costs, the wall clock what a
 * user waited.
 *
 *   npm run bench -- assembly
 *   ASSEMBLY_BENCH_SCALE=0.1 npm run bench -- assembly   # a quick run at a tenth of the sizes
 *
 * The parts are in `bench/assembly/`: the pipeline (`pipeline.ts`), gated moves
 * (`gatedMoves.ts`), suspect propagation (`propagation.ts`), the measures
 * (`measures.ts`, over `syntheticHistory.ts`) and the report (`report.ts`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryEventStore, openEventLog } from "@software-factory/core";
import { gatedMoves } from "./assembly/gatedMoves.js";
import { measuresRun } from "./assembly/measures.js";
import { pipelineRun } from "./assembly/pipeline.js";
import { propagation } from "./assembly/propagation.js";
import { assemblySections } from "./assembly/report.js";
import { ITEMS, ITEMS_FULL } from "./assembly/setup.js";
import { peakRssMiB, writeReport } from "./lib/report.js";

const root = mkdtempSync(join(tmpdir(), "factory-bench-assembly-"));
const runs = [await pipelineRun(root, "normal", ITEMS), await pipelineRun(root, "full", ITEMS_FULL)];
const gated = [
  await gatedMoves("memory store", await openEventLog({ store: createMemoryEventStore() })),
  await gatedMoves(
    "SQLite, durability normal",
    await openEventLog({ path: join(root, "gated-normal.db"), durability: "normal" }),
  ),
  await gatedMoves("SQLite, durability full", await openEventLog({ path: join(root, "gated-full.db") })),
];
const links = await propagation(root);
const measures = await measuresRun();
const peak = peakRssMiB();
rmSync(root, { recursive: true, force: true });

writeReport("assembly", "Assembly line", assemblySections({ runs, gated, links, measures, peak }));
