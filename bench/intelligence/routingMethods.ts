/**
 * The ways of routing a test item measured side by side: plain BM25 baselines
 * and the Router in its regimes (history only, learning its own confident
 * routings, learning labels as operators confirm them).
 */
import { DEFAULT_AUTO_ROUTE_THRESHOLD } from "@software-factory/intelligence";
import { LexicalIndex } from "@software-factory/knowledge";
import { confidentChoice } from "./autoRouting.js";
import type { RoutingItem, RoutingLine, TrainedRouter } from "./routingSet.js";
import { textOf } from "./routingSet.js";

/** A way of routing test items, measured on the test split in order. */
export interface Method {
  readonly name: string;
  /** Ranks line ids for a text arriving at `at`; `learn` is called with each test item's label after it was ranked, when the method is online. */
  rank(text: string, at: string): string[] | Promise<string[]>;
  learn?(index: number, text: string, line: string, at: string): void;
}

/** BM25 over each line's id and description. */
export function profiles(lines: readonly RoutingLine[]): Method {
  const index = new LexicalIndex();
  for (const line of lines) index.add(line.id, `${line.id} ${line.description}`);
  return {
    name: "BM25 over line descriptions",
    rank: (text) => index.search(text, { limit: 3 }).map((hit) => hit.id),
  };
}

/** The lines of the nearest history items by BM25, first three distinct. */
export function nearest(history: readonly RoutingItem[]): Method {
  const index = new LexicalIndex();
  history.forEach((item, position) => {
    index.add(String(position), textOf(item));
  });
  return {
    name: "nearest past item (BM25 1-NN)",
    rank: (text) => {
      const seen: string[] = [];
      for (const hit of index.search(text, { limit: 50 })) {
        const line = history[Number(hit.id)]?.line as string;
        if (!seen.includes(line)) seen.push(line);
        if (seen.length === 3) break;
      }
      return seen;
    },
  };
}

/** The Router that learned the history split and nothing more. */
export function router(history: readonly RoutingItem[], trainedRouter: TrainedRouter): Method {
  const instance = trainedRouter(history);
  return {
    name: "Router (history only)",
    rank: (text) => instance.route(text, { limit: 3 }).map((candidate) => candidate.line),
  };
}

/**
 * The Router as a factory with the built-in automations runs it: history
 * labels only, and each arriving item the `route-new-signals` automation
 * routes (the router confident at the default threshold) is learned under
 * the router's own choice. No test label is read.
 */
export function ownRoutingRouter(history: readonly RoutingItem[], trainedRouter: TrainedRouter): Method {
  const instance = trainedRouter(history);
  let arrived = 0;
  return {
    name: "Router (history only), learning its own confident routings of earlier test items",
    rank: (text) => {
      const ranked = instance.route(text, { limit: 3 });
      const own = confidentChoice(ranked, DEFAULT_AUTO_ROUTE_THRESHOLD);
      arrived += 1;
      if (own !== undefined) instance.learn({ id: `own${arrived}`, text, line: own });
      return ranked.map((candidate) => candidate.line);
    },
  };
}

/**
 * The Router learning each test item's true line once an operator confirms
 * it, `delayDays` after the item arrived (0: right after it was routed).
 */
export function confirmedRouter(
  history: readonly RoutingItem[],
  trainedRouter: TrainedRouter,
  delayDays: number,
  name: string,
): Method {
  const instance = trainedRouter(history);
  const pending: { index: number; text: string; line: string; due: number }[] = [];
  const learnDue = (now: number) => {
    while (pending[0] !== undefined && pending[0].due <= now) {
      const { index, text, line } = pending.shift() as (typeof pending)[number];
      instance.learn({ id: `t${index}`, text, line });
    }
  };
  return {
    name,
    rank: (text, at) => {
      learnDue(Date.parse(at));
      return instance.route(text, { limit: 3 }).map((candidate) => candidate.line);
    },
    learn: (index, text, line, at) => {
      pending.push({ index, text, line, due: Date.parse(at) + delayDays * 86_400_000 });
      if (delayDays === 0) learnDue(Date.parse(at));
    },
  };
}
