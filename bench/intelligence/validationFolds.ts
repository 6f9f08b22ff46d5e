/**
 * Validation on the history split alone (what the Router's defaults were
 * chosen on): learn the history before a cut-off, route the history items
 * after it, and count top-1 and top-3.
 */
import { DEFAULT_AUTO_ROUTE_THRESHOLD } from "@software-factory/intelligence";
import { confidentChoice } from "./autoRouting.js";
import { type RoutingItem, type TrainedRouter, textOf } from "./routingSet.js";

/**
 * One row per kind of fold and regime: folds, regime, items routed, top-1, top-3.
 * Rolling: cut-offs at 50..90 %, the next 10 % routed; wide: cut-offs at 40 % and
 * 70 %, the next 30 % routed (as far as the test split reaches). In both regimes of
 * the test split: learning nothing more, or the router's own confident routings.
 */
export function validationFolds(
  history: readonly RoutingItem[],
  trainedRouter: TrainedRouter,
): (string | number)[][] {
  const validationRows: (string | number)[][] = [];
  for (const learnOwn of [false, true]) {
    for (const [name, starts, width] of [
      ["rolling, 5 folds of 10 %", [0.5, 0.6, 0.7, 0.8, 0.9], 0.1],
      ["wide, 2 folds of 30 %", [0.4, 0.7], 0.3],
    ] as const) {
      let top1 = 0;
      let top3 = 0;
      let routed = 0;
      for (const start of starts) {
        const from = Math.round(start * history.length);
        const to = Math.min(history.length, Math.round((start + width) * history.length));
        const instance = trainedRouter(history.slice(0, from));
        for (const [index, item] of history.slice(from, to).entries()) {
          const candidates = instance.route(textOf(item), { limit: 3 });
          const ranked = candidates.map((candidate) => candidate.line);
          routed += 1;
          if (ranked[0] === item.line) top1 += 1;
          if (ranked.includes(item.line)) top3 += 1;
          const own = learnOwn ? confidentChoice(candidates, DEFAULT_AUTO_ROUTE_THRESHOLD) : undefined;
          if (own !== undefined) instance.learn({ id: `own${index}`, text: textOf(item), line: own });
        }
      }
      const regime = learnOwn ? "learning its own confident routings" : "learning nothing more";
      validationRows.push([name, regime, routed, (top1 / routed).toFixed(3), (top3 / routed).toFixed(3)]);
      console.log(validationRows.at(-1)?.join(" | "));
    }
  }
  return validationRows;
}
