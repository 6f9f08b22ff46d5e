/**
 * Routing accuracy on the routing set: runs each measured part in turn and
 * returns the routing sections of the report.
 */
import { loadavg } from "node:os";
import { autoRouting } from "./autoRouting.js";
import { newLineRecall } from "./newLine.js";
import { routingMarkdown } from "./routingReport.js";
import { loadRoutingSet, textOf, trainedRouterOf } from "./routingSet.js";
import { testSplit } from "./testSplit.js";
import { validationFolds } from "./validationFolds.js";

/** Measures routing on the set in `dataDir` (validation folds, a new line, the test split, automatic routing). */
export async function routing(dataDir: string): Promise<string[]> {
  const set = loadRoutingSet(dataDir);
  const { history, test } = set;
  const trainedRouter = trainedRouterOf(set.routable);
  const validationRows = validationFolds(history, trainedRouter);
  const newLineRows = newLineRecall(history, (learned) => trainedRouter(learned), textOf);
  const rows = await testSplit(set, trainedRouter);
  const autoRows = autoRouting(trainedRouter, history, test, textOf);
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(" / ");
  return routingMarkdown({ set, validationRows, newLineRows, rows, autoRows, load });
}
