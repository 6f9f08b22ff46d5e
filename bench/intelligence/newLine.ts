/**
 * A line with no routed signal yet: how often the Router finds a line it has
 * learned nothing routed to, measured on the history split one line at a time.
 */
import type { Router } from "@software-factory/intelligence";

/** What was tried for a line with no routed signal, on the history split only (not shipped). */
export const NEW_LINE_NOTE =
  "Tried for such lines and not shipped (history folds, learning its own confident routings; chosen Router: rolling 0.51 / 0.78, wide 0.56 / 0.78): adding to each line's score its name, description, README, file and mention evidence again, times m / (m + n) for a line with n routed signals. It finds new lines more often (top-3 over the lines above 0.21 without it; 0.33 at weight 1, m = 1; 0.51 at weight 2; 0.61 at weight 3) but costs every other line more (rolling top-3 0.76, 0.73, 0.67 at those weights), because that evidence is weak: some line always matches generic words best, and lit-query, which has no signal at all, took a top-3 place from the right line. Raising only lines with no signal at all (m near 0) did the same (rolling top-3 0.75 at weight 1). Until a line has a few routed signals, its owner routing them by hand (or a text naming the line, a commit scope or a path it owns) is what puts it in front.";

/**
 * Leave-one-line-out on the history split: for each line with at least
 * {@link NEW_LINE_MIN_SIGNALS} signals after the cut-off, learn the history
 * before the cut-off without that line's signals, route that line's signals
 * after it, and count those with the line first and in the top 3.
 */
export function newLineRecall<Item extends { line: string }>(
  history: readonly Item[],
  trainedRouter: (learned: readonly Item[]) => Router,
  textOf: (item: Item) => string,
): (string | number)[][] {
  const cut = Math.round(0.4 * history.length);
  const later = history.slice(cut);
  const rows: (string | number)[][] = [];
  let routed = 0;
  let top1 = 0;
  let top3 = 0;
  for (const line of [...new Set(later.map((item) => item.line))].sort()) {
    const signals = later.filter((item) => item.line === line);
    if (signals.length < NEW_LINE_MIN_SIGNALS) continue;
    const router = trainedRouter(history.slice(0, cut).filter((item) => item.line !== line));
    const ranks = signals.map((item) =>
      router.route(textOf(item), { limit: 3 }).map((candidate) => candidate.line),
    );
    const first = ranks.filter((ranked) => ranked[0] === line).length;
    const inTop3 = ranks.filter((ranked) => ranked.includes(line)).length;
    rows.push([
      line,
      signals.length,
      (first / signals.length).toFixed(2),
      (inTop3 / signals.length).toFixed(2),
    ]);
    routed += signals.length;
    top1 += first;
    top3 += inTop3;
  }
  rows.push(["**all of them**", routed, (top1 / routed).toFixed(2), (top3 / routed).toFixed(2)]);
  return rows;
}

/** Signals after the cut-off a line needs to be measured as a new line. */
export const NEW_LINE_MIN_SIGNALS = 8;
