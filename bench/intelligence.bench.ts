/**
 * Routing accuracy on real change descriptions labelled with their product line
 * (`../shared/data/routing`, TanStack Query history; read in place). Measured on
 * the test split only; the history split is what a factory has already routed.
 *
 * Then context-pack quality on the public retrieval sets (`../shared/data/ir`):
 * the share of each query's relevant documents that a context pack includes at
 * a 2,000-token budget, beside plain top-k search cut to the same budget.
 *
 * The parts are in `bench/intelligence/`: `routing.ts` (validation folds, a new
 * line, the test split, routing without a person) and `contextPacks.ts`.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { contextPacks } from "./intelligence/contextPacks.js";
import { routing } from "./intelligence/routing.js";
import { writeReport } from "./lib/report.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = process.env.SF_ROUTING_DATA ?? join(repoRoot, "..", "shared", "data", "routing");

const sections = existsSync(join(dataDir, "items.jsonl"))
  ? await routing(dataDir)
  : [`No routing set in ${dataDir}; set SF_ROUTING_DATA.`];
sections.push(...(await contextPacks(repoRoot)));
writeReport("intelligence", "Intelligence: routing signals to lines, and context packs", sections);
