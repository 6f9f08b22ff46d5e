/**
 * The routing part of the intelligence report as markdown, from the measured
 * tables: validation folds, a new line, the test split, routing without a person.
 */
import { DEFAULT_AUTO_ROUTE_THRESHOLD } from "@software-factory/intelligence";
import { table } from "../lib/report.js";
import { NEW_LINE_NOTE } from "./newLine.js";
import { ROUTER_CHOICES } from "./routerChoices.js";
import type { RoutingSet } from "./routingSet.js";

/** What the routing part measured, one table's rows each. */
export interface RoutingResults {
  readonly set: RoutingSet;
  /** From `validationFolds`. */
  readonly validationRows: readonly (string | number)[][];
  /** From `newLineRecall`. */
  readonly newLineRows: readonly (string | number)[][];
  /** From `testSplit`. */
  readonly rows: readonly (string | number)[][];
  /** From `autoRouting`. */
  readonly autoRows: readonly string[][];
  /** Load averages over 1 / 5 / 15 min at the end of the part, formatted. */
  readonly load: string;
}

/** The routing sections of the report, in order. */
export function routingMarkdown({
  set,
  validationRows,
  newLineRows,
  rows,
  autoRows,
  load,
}: RoutingResults): string[] {
  const { lines, history, test } = set;
  const top3Of = (name: string) => rows.find((row) => row[0] === name)?.[2];
  const historyOnly = rows.find((row) => row[0] === "Router (history only)");
  const ownRouting = rows.find((row) => String(row[0]).startsWith("Router (history only), learning its own"));
  return [
    "## Routing",
    `Produced by \`npm run bench -- intelligence\`. ${lines.length} lines with their description, README (\`knowledge\`) and source file list (\`files\`), ${history.length} history items (learned), ${test.length} test items (measured).`,
    "### Validation on the history split (what the defaults were chosen on)",
    "The test split is never used to choose anything. The Router's evidence and weights were chosen on the history split alone: learn the history before a cut-off, route the history items after it. The test numbers below were computed only for the chosen defaults, after they were chosen.",
    table(["folds", "regime", "items routed", "top-1", "top-3"], validationRows),
    ROUTER_CHOICES,
    "### A line with no routed signal yet",
    "A line added to the floor plan has no routed signal to learn from: only its name, description, README and files speak for it. Measured on the history split alone, one line at a time: the router learns the oldest 40 % of the history without that line's signals (as if the line were new), then routes that line's signals among the rest. Share of them with the line first, and in the top 3; lines with at least 8 signals after the cut-off.",
    table(["line", "its signals routed", "top-1", "top-3"], newLineRows),
    NEW_LINE_NOTE,
    "### Test split",
    `Wall time per routed item beside CPU time (the machine is shared: load average ${load} over 1 / 5 / 15 min at the end of this part).`,
    table(["method", "top-1", "top-3", "p50 ms", "p99 ms", "CPU p50 ms", "CPU p99 ms"], rows),
    "The README of the set reports, for simple untuned BM25: descriptions only top-1 0.23 / top-3 0.44; nearest neighbours top-1 0.35 / top-3 0.60; plain fusion top-3 0.52.",
    `Two regimes use no test label. **History only**: the router learns the history split and nothing more (the issue's protocol read strictly). **Learning its own confident routings**: what a factory running the built-in automations does: each arriving signal that \`route-new-signals\` routes (the router confident at the default threshold) is learned under the router's own choice, so the router follows a shift in the mix of work that nobody confirms; the factory row runs it through \`openFactory\` with the automations. The last three rows learn test labels as operators confirm each item (right after it is routed, a day after it arrived, a week after): top-3 ${top3Of("Router, learning each test item after routing it (operator confirms)")}, ${top3Of("Router, each test item confirmed a day after it arrived")}, ${top3Of("Router, each test item confirmed a week after it arrived")}; they are not the issue's measure.`,
    "### Routing without a person",
    `The \`route-new-signals\` automation routes a new signal itself when the router's top line scores at least \`minScore\` and \`minLead\` times the second line (default ${DEFAULT_AUTO_ROUTE_THRESHOLD.minScore} / ${DEFAULT_AUTO_ROUTE_THRESHOLD.minLead}, chosen on the history split). Share of signals routed that way, and share of those routed right, in two regimes: people confirm each signal's line after it is routed (the router learns the true line), or nobody does (the router learns its own routings, as a factory learns the routings of \`route-new-signals\`). History: learn the oldest half of the history split, route the other half. Test: learn the history split, route the test split.`,
    table(
      [
        "minScore / minLead",
        "history, confirmed: routed · right",
        "history, unconfirmed: routed · right",
        "test, confirmed: routed · right",
        "test, unconfirmed: routed · right",
      ],
      autoRows,
    ),
    "A threshold lower than the default feeds the router's mistakes back when nobody confirms: it learns every routing it makes. Before the factory learned its confident routings, it learned nothing unconfirmed (the history half at the default: 23 % routed, 90 % right).",
    `History only, the Router scores top-1 ${historyOnly?.[1]} / top-3 ${historyOnly?.[2]}; learning its own confident routings, top-1 ${ownRouting?.[1]} / top-3 ${ownRouting?.[2]} (the first Router scored 0.446 / 0.687 history only). **The target of 0.75 top-3 is not reached.** (The recency window went from 100 to 70 with the second regime, chosen on the history folds; history only, the window of 100 scored 0.503 / 0.679 on the test split.) The validation folds overstate the test split (wide folds top-3 ${validationRows
      .filter((row) => String(row[0]).startsWith("wide"))
      .map((row) => row[4])
      .join(
        " and ",
      )}): the test's lines are not the history's mix. lit-query has no history item, and query-devtools has 81 of the 390 test items against 35 of the 907 history items. Those label counts were seen when the set was first read, and nothing was chosen with them.`,
  ];
}
