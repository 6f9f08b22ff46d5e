/**
 * Automatic routing (the `route-new-signals` automation) at several thresholds:
 * how many signals it routes and how many of those right, with and without
 * people confirming each signal's line.
 */
import {
  type AutoRouteThreshold,
  DEFAULT_AUTO_ROUTE_THRESHOLD,
  type Router,
} from "@software-factory/intelligence";

/** Thresholds of automatic routing measured beside the default. */
const AUTO_ROUTE_THRESHOLDS: readonly AutoRouteThreshold[] = [
  { minScore: 0, minLead: 1 },
  { minScore: 1.5, minLead: 1.5 },
  { minScore: 3.5, minLead: 1.5 },
  { minScore: 4, minLead: 1.5 },
  { minScore: 4, minLead: 2 },
];

/** The top line when it clears the threshold (what \`route-new-signals\` routes to), else undefined. */
export function confidentChoice(
  candidates: readonly { line: string; score: number }[],
  threshold: AutoRouteThreshold,
): string | undefined {
  const [top, second] = candidates;
  if (top === undefined || top.score < threshold.minScore) return undefined;
  return top.score >= (second?.score ?? 0) * threshold.minLead ? top.line : undefined;
}

/**
 * Automatic routing at each threshold: of the items routed in order, the share
 * the threshold routes and the share of those routed right, when people
 * confirm each item's line after it is routed (the router learns the true
 * line) or nobody does (the router learns its own routings, as the factory does).
 */
export function autoRouting<Item extends { line: string }>(
  trainedRouter: (learned: readonly Item[]) => Router,
  history: readonly Item[],
  test: readonly Item[],
  textOf: (item: Item) => string,
): string[][] {
  const measure = (learned: readonly Item[], routed: readonly Item[], confirm: boolean) => {
    return (threshold: AutoRouteThreshold) => {
      const router = trainedRouter(learned);
      let taken = 0;
      let right = 0;
      for (const [index, item] of routed.entries()) {
        const choice = confidentChoice(router.route(textOf(item), { limit: 2 }), threshold);
        if (choice !== undefined) {
          taken += 1;
          if (choice === item.line) right += 1;
        }
        const learnedLine = confirm ? item.line : choice;
        if (learnedLine !== undefined)
          router.learn({ id: `auto${index}`, text: textOf(item), line: learnedLine });
      }
      return `${Math.round((100 * taken) / routed.length)} % · ${Math.round((100 * right) / Math.max(1, taken))} %`;
    };
  };
  const half = Math.round(history.length / 2);
  const columns = [
    measure(history.slice(0, half), history.slice(half), true),
    measure(history.slice(0, half), history.slice(half), false),
    measure(history, test, true),
    measure(history, test, false),
  ];
  return AUTO_ROUTE_THRESHOLDS.map((threshold) => {
    const isDefault =
      threshold.minScore === DEFAULT_AUTO_ROUTE_THRESHOLD.minScore &&
      threshold.minLead === DEFAULT_AUTO_ROUTE_THRESHOLD.minLead;
    const name =
      threshold.minScore === 0
        ? "route everything"
        : `${threshold.minScore} / ${threshold.minLead}${isDefault ? " (default)" : ""}`;
    return [name, ...columns.map((column) => column(threshold))];
  });
}
