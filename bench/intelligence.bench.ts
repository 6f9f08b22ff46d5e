/**
 * Routing accuracy on real change descriptions labelled with their product line
 * (`../shared/data/routing`, TanStack Query history; read in place). Measured on
 * the test split only; the history split is what a factory has already routed.
 *
 * Then context-pack quality on the public retrieval sets (`../shared/data/ir`):
 * the share of each query's relevant documents that a context pack includes at
 * a 2,000-token budget, beside plain top-k search cut to the same budget.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AutoRouteThreshold,
  builtinAutomations,
  contextPackMarkdown,
  DEFAULT_AUTO_ROUTE_THRESHOLD,
  estimateTokenCounter,
  loadTokenCounter,
  openFactory,
  type RoutableLine,
  Router,
  type TokenCounter,
} from "@software-factory/intelligence";
import { LexicalIndex, type SearchHit } from "@software-factory/knowledge";
import { irDataDir, loadIrSets } from "./lib/ir.js";
import { loadIrIntoFactory } from "./lib/irFactory.js";
import { ms, percentile, table, writeReport } from "./lib/report.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = process.env.SF_ROUTING_DATA ?? join(repoRoot, "..", "shared", "data", "routing");
/**
 * How the Router's evidence and default weights were chosen: measured on the
 * history split only (a harness outside the repository computed each kind of
 * evidence per line, then weights by coordinate ascent on top-3 + 0.5 top-1).
 * Rolling: the 5 folds of the validation table; LOFO: weights chosen on four
 * folds, measured on the fifth; wide: weights chosen on all rolling folds,
 * measured on the 2 wide folds.
 */
const ROUTER_CHOICES = [
  "How the evidence was chosen (history split only; top-1 / top-3). One kind of evidence alone, rolling folds: line description 0.20 / 0.33; description + README 0.25 / 0.44; source file names 0.32 / 0.54; all past signals of a line as one BM25 document 0.43 / 0.68; nearest past signal 0.38 / 0.46; 15 nearest voting by reciprocal rank 0.42 / 0.67; similarity of the k nearest added up per line, k = 5: 0.42 / 0.61, 10: 0.43 / 0.65, **20: 0.44 / 0.70**, 30: 0.42 / 0.70; a multinomial logistic regression over tf-idf words (SGD) 0.48 / 0.70 (with bigrams 0.46 / 0.70); recency prior 0.26 / 0.58; frequency prior 0.26 / 0.59; a line named as a phrase 0.26 / 0.32; a commit scope naming it 0.25 / 0.30.",
  table(
    ["combination", "rolling LOFO", "wide"],
    [
      [
        "previous Router (reciprocal-rank votes, README in the profile), its own weights",
        "0.42 / 0.76 (not LOFO: weights as shipped)",
        "0.44 / 0.73",
      ],
      ["previous evidence, weights re-chosen", "0.45 / 0.74", "0.49 / 0.75"],
      ["previous evidence, conditional-logit combiner (softmax over lines)", "0.46 / 0.74", "0.48 / 0.74"],
      [
        "**chosen**: files, k-NN sum (20), name, scope, no README in the profile",
        "**0.52 / 0.77**",
        "**0.55 / 0.75**",
      ],
      ["chosen + logistic regression", "0.50 / 0.74", "0.54 / 0.76"],
      ["chosen without name and scope (with logistic regression)", "0.46 / 0.70", "0.48 / 0.76"],
      [
        "chosen, recency window 50 / 200 instead of 100",
        "0.48 / 0.74 · 0.51 / 0.76",
        "0.55 / 0.74 · 0.55 / 0.75",
      ],
      ["chosen, frequency prior instead of recency", "0.49 / 0.72", "0.54 / 0.75"],
      ["chosen, neighbours decayed by age (200 items)", "0.49 / 0.76", "0.53 / 0.74"],
      ["chosen, past titles counted twice in the neighbour index", "0.51 / 0.76", "0.56 / 0.75"],
      ["chosen, bigrams in the neighbour index", "0.50 / 0.75", "0.55 / 0.75"],
    ],
  ),
  "README text in the line profile lowered rolling top-3 (weight 0.1-0.3: 0.755-0.764 against 0.773 without), so it is a separate kind of evidence with weight 0.05. A learned combiner (conditional logit) and the logistic-regression classifier raised top-1 in places but not top-3, so the shipped Router keeps the fixed weighted sum. The remaining misses on the validation folds are mostly series of identical test refactors applied to each framework adapter in turn (svelte, solid, angular, vue), which no text evidence separates. Three ideas for those series, also measured on the history folds only (rolling · wide, top-1 / top-3), gained nothing and are not shipped: learning each routed item under the Router's own first choice, as a factory that auto-routes without confirmation would (0.52 / 0.75 · 0.54 / 0.75); raising the lines that past near-identical titles went to in series with the lines the nearest titles went to (title Jaccard ≥ 0.8, at best 0.52 / 0.77 · 0.55 / 0.75); lowering the line chosen for a near-identical signal routed just before (0.52-0.53 / 0.72-0.75 · 0.54-0.55 / 0.72-0.75).",
  "Learning its own confident routings (what a factory with the built-in automations does) was then measured on the same folds with the chosen weights (rolling · wide, top-1 / top-3; the weights not re-chosen, so rolling is not LOFO). With the recency window then at 100: learning nothing more 0.51 / 0.77 · 0.55 / 0.75; learning the routings at the automation's default threshold 4 / 1.5: 0.51 / 0.77 · 0.56 / 0.77; at 2 / 2, 3 / 1.5, 5 / 1.2, 6 / 1.5: 0.51 / 0.77 · 0.56 / 0.77, 0.51 / 0.76 · 0.54 / 0.75, 0.51 / 0.77 · 0.56 / 0.77, 0.51 / 0.77 · 0.56 / 0.75. The recency window with the routings learned at 4 / 1.5: 50: 0.50 / 0.76 · 0.55 / 0.78; 60: 0.50 / 0.78 · 0.56 / 0.78; **70: 0.51 / 0.78 · 0.56 / 0.78** (chosen; learning nothing more, 70 gives 0.51 / 0.77 · 0.55 / 0.75, the same as 100); 80: 0.50 / 0.77 · 0.56 / 0.77; 150: 0.52 / 0.76 · 0.56 / 0.76; 200: 0.52 / 0.76 · 0.56 / 0.76. Not shipped, no better on these folds: also learning every signal a commit scope names whatever its score (0.51 / 0.78 · 0.56 / 0.78); a recency prior from the router's soft answers for every arrival instead of its confident ones (0.51 / 0.75 · 0.55 / 0.73); neighbour votes divided by the line's count of examples to the power 0.25-1, against the history's skew to react-query and query-core (0.51 / 0.75-0.77 · 0.56-0.57 / 0.75-0.77); the lines of the last 3-10 routings as a burst prior (0.49-0.51 / 0.74-0.76 · 0.52-0.56 / 0.75-0.76). Tried later, on the same folds with the routings learned at 4 / 1.5 (chosen: 0.51 / 0.78 · 0.56 / 0.78), not shipped: adding to a new signal's scores those of the last 10 signals that arrived within 48 h and whose titles share at least 0.4 of their words (Jaccard), each passed on to the next: 0.51 / 0.80 · 0.56 / 0.80, but the whole gain is one series of near-identical solid-query test refactors on one day, and it falls to 0.50-0.51 / 0.75-0.78 · 0.56 / 0.77-0.78 at a Jaccard of 0.3 or 0.5 or with 20 signals, too fragile to ship; BM25 k1 0.6-2.0 and b 0.3-1.0 in the neighbour index: 0.49-0.51 / 0.77-0.78 · 0.55-0.56 / 0.77-0.78.",
  "Tried after that, on the same folds and in both regimes (a harness outside the repository that replays the bench's folds with the Router's evidence per line; in the regime learning its own routings, each fold learns the confident routings of the shipped Router, so those columns are close to but not exactly what each idea would learn itself, except the id-word row, replayed in full). None raised top-3 by 0.01 in all four columns, so the Router is unchanged and the test split was not run for any of them. Each cell is top-1 / top-3.",
  table(
    [
      "idea (history split only)",
      "rolling, learning nothing more",
      "wide, learning nothing more",
      "rolling, learning its own routings",
      "wide, learning its own routings",
    ],
    [
      ["shipped Router (reference)", "0.508 / 0.768", "0.546 / 0.746", "0.506 / 0.777", "0.561 / 0.779"],
      [
        "gradient-boosted trees over per-line features (the weighted sum, its rank, share of and gap to the top; each evidence's value and rank among lines; the line's count of signals and share), softmax per signal, 100 trees of depth 3, trained on nested folds (each fold's model on the items routed before its cut-off)",
        "0.525 / 0.728",
        "0.551 / 0.722",
        "0.517 / 0.726",
        "0.557 / 0.750",
      ],
      ["the same, 30 trees", "0.510 / 0.755", "0.553 / 0.739", "0.508 / 0.786", "0.563 / 0.768"],
      [
        "the same, pointwise logistic loss",
        "0.530 / 0.775",
        "0.559 / 0.739",
        "0.517 / 0.733",
        "0.566 / 0.746",
      ],
      [
        "the same, LambdaMART-style pairwise loss weighted by the change in top-3 gain",
        "0.514 / 0.751",
        "0.553 / 0.735",
        "0.517 / 0.764",
        "0.561 / 0.761",
      ],
      [
        "the same, 20 trees boosted from the weighted sum",
        "0.510 / 0.748",
        "0.563 / 0.730",
        "0.525 / 0.770",
        "0.563 / 0.743",
      ],
      [
        "a random forest (100 trees of depth 6)",
        "0.508 / 0.735",
        "0.550 / 0.735",
        "0.534 / 0.762",
        "0.563 / 0.757",
      ],
      [
        "character 3-5-gram tf-idf cosine k-NN (20) as a further kind of neighbour evidence, weight 0.5 / 1",
        "0.497 / 0.784 · 0.501 / 0.781",
        "0.548 / 0.746 · 0.559 / 0.750",
        "0.499 / 0.779 · 0.494 / 0.779",
        "0.557 / 0.774 · 0.555 / 0.772",
      ],
      [
        "the same with 2-4 or 4-6-grams, or votes not scaled to the best line (weights 0.25-1, word neighbours 0.5-1)",
        "0.486-0.510 / 0.768-0.779",
        "0.535-0.555 / 0.741-0.748",
        "0.483-0.510 / 0.770-0.784",
        "0.542-0.561 / 0.752-0.783",
      ],
      [
        "character k-NN instead of the word k-NN",
        "0.477 / 0.775",
        "0.533 / 0.744",
        "0.477 / 0.768",
        "0.539 / 0.768",
      ],
      [
        "title neighbours (past titles against the title) as a further kind, weight 0.5",
        "0.514 / 0.770",
        "0.546 / 0.743",
        "0.514 / 0.766",
        "0.553 / 0.768",
      ],
      [
        "body neighbours as a further kind, weight 0.5",
        "0.501 / 0.766",
        "0.548 / 0.744",
        "0.503 / 0.775",
        "0.561 / 0.776",
      ],
      [
        "title (0.7) and body (0.3) neighbours instead of neighbours of the whole text",
        "0.490 / 0.764",
        "0.540 / 0.748",
        "0.492 / 0.779",
        "0.553 / 0.779",
      ],
      [
        "two stages: the best score of the line's family (adapters, core, devtools, eslint, persisters) times 0.5 added to each line",
        "0.508 / 0.773",
        "0.546 / 0.741",
        "0.506 / 0.784",
        "0.561 / 0.778",
      ],
      [
        "the same with the family's scores added up, times 0.25",
        "0.472 / 0.706",
        "0.483 / 0.673",
        "0.470 / 0.735",
        "0.509 / 0.717",
      ],
      [
        "id words that more than half of the line ids share (query) not counted as naming a line",
        "0.517 / 0.773",
        "0.548 / 0.750",
        "0.512 / 0.770",
        "0.579 / 0.770",
      ],
      [
        "multinomial naive Bayes (alpha 1), weight 0.25 · complement naive Bayes, weight 0.5",
        "0.506 / 0.757 · 0.503 / 0.757",
        "0.551 / 0.754 · 0.544 / 0.757",
        "0.501 / 0.766 · 0.503 / 0.766",
        "0.557 / 0.779 · 0.555 / 0.783",
      ],
      [
        "a tf-idf centroid of each line's signals (cosine) instead of the BM25 profile of all its signals, weight 1",
        "0.521 / 0.762",
        "0.563 / 0.746",
        "0.512 / 0.770",
        "0.575 / 0.785",
      ],
      [
        "k-NN among the latest 200 routed signals only, weight 0.5",
        "0.492 / 0.768",
        "0.548 / 0.739",
        "0.494 / 0.777",
        "0.553 / 0.774",
      ],
      [
        "each kind's rank fused by reciprocal rank (c = 1) beside the weighted sum",
        "0.508 / 0.764",
        "0.546 / 0.748",
        "0.503 / 0.759",
        "0.559 / 0.770",
      ],
      [
        "noisy-or of the weighted evidence (scale 0.2)",
        "0.512 / 0.759",
        "0.548 / 0.746",
        "0.508 / 0.768",
        "0.561 / 0.779",
      ],
      [
        "the shipped kinds with character, title and latest-200 k-NN, the centroid and complement naive Bayes, weights by coordinate ascent on both regimes (rolling: LOFO; wide: weights chosen on all rolling folds)",
        "0.494 / 0.762",
        "0.550 / 0.744",
        "0.490 / 0.753",
        "0.570 / 0.752",
      ],
    ],
  ),
  'The learned combiners and the extra kinds of evidence raise top-1 in places (by up to 0.03) but none raises top-3 in every column: what the Router still misses is hard to tell apart from the text. On the history folds, learning nothing more, about half of the misses (55 of 105 rolling, 68 of 138 wide) are signals whose title is near-identical (word Jaccard at least 0.6) to another signal within 30 positions, before or after, that went to another line: one change applied to each framework adapter in turn ("switch to fake timers ..." to vue, solid, svelte and angular); the other signals reach top-3 0.84 rolling and 0.82 wide. Of the other misses, angular-query-experimental holds 17 of 50 rolling and 15 of 70 wide (many of them package and build changes), and lines with at most 35 history signals 19 and 22 (solid-query-devtools, vue-query-devtools, query-persist-client-core, preact-query, query-devtools): their name, description and files often match the text, but the neighbour, history and recency evidence of the large lines outweighs them; raising such lines was tried before (a line with no routed signal yet, below) and cost the other lines more.',
  "Prior correction under label shift, tried after that on the same folds and in both regimes (a harness outside the repository that takes the shipped Router's scores for every line and re-ranks them; the routings learned in the second regime are the shipped Router's confident ones, which is what a re-ranking on top of it would learn). The scores were turned into probabilities by a softmax with one temperature fitted by log-likelihood on the folds learning nothing more (T = 0.80; mean top probability 0.53 against top-1 0.53, so calibrated); the lines' prior among the latest N arrivals was estimated without labels by EM (Saerens, Latinne & Decaestecker 2002), the window filled at a fold's start with the learned items routed leaving each out, and the training prior taken as the mean probability of those items; each signal's probabilities were multiplied by estimated prior / training prior. Black-box shift estimation (Lipton et al. 2018) took its confusion matrix from the same left-out routings. None raised top-3 by 0.01 in all four columns (the one column gain, wide learning nothing more +0.017 with a bias per line, came with rolling top-3 -0.009 and top-1 -0.04), so the Router is unchanged and the test split was not run. Each cell is top-1 / top-3; the reference is the Router at this commit (the tokenizer change since the table above moved rolling by one item).",
  table(
    [
      "idea (history split only)",
      "rolling, learning nothing more",
      "wide, learning nothing more",
      "rolling, learning its own routings",
      "wide, learning its own routings",
    ],
    [
      ["shipped Router (reference)", "0.506 / 0.766", "0.546 / 0.746", "0.503 / 0.775", "0.561 / 0.779"],
      [
        "EM prior (maximum likelihood) over the latest 100 arrivals",
        "0.422 / 0.682",
        "0.463 / 0.686",
        "0.415 / 0.678",
        "0.449 / 0.676",
      ],
      [
        "the same over 20, 50, 200, 400 arrivals",
        "0.393-0.464 / 0.592-0.720",
        "0.450-0.526 / 0.636-0.704",
        "0.389-0.459 / 0.589-0.700",
        "0.454-0.517 / 0.632-0.706",
      ],
      [
        "EM with a Dirichlet prior on the training prior, weight N (MAP), 100 arrivals",
        "0.492 / 0.740",
        "0.557 / 0.748",
        "0.494 / 0.740",
        "0.555 / 0.750",
      ],
      [
        "the same with a bias per line in the calibration (bias-corrected temperature scaling, the biases fitted with the temperature)",
        "0.472 / 0.757",
        "0.546 / 0.763",
        "0.464 / 0.766",
        "0.553 / 0.779",
      ],
      [
        "best of 132 EM settings (N 10-400, Dirichlet weight 0.25-4 N, correction to the power 0.5 or 1, with or without biases, window filled or not): 200 arrivals, weight 4 N, power 0.5",
        "0.503 / 0.766",
        "0.551 / 0.748",
        "0.501 / 0.777",
        "0.561 / 0.778",
      ],
      [
        "the recency evidence replaced by the EM prior (best of 60 settings: 200 arrivals, weight N)",
        "0.517 / 0.755",
        "0.562 / 0.746",
        "0.517 / 0.751",
        "0.570 / 0.754",
      ],
      [
        "black-box shift estimation over 100 arrivals, hard · soft confusion matrix",
        "0.393 / 0.600 · 0.393 / 0.611",
        "0.491 / 0.700 · 0.533 / 0.708",
        "0.371 / 0.576 · 0.389 / 0.603",
        "0.496 / 0.702 · 0.509 / 0.695",
      ],
      [
        "upper bound, not a method: the prior of the previous 20 · 100 arrivals from their true lines (Dirichlet weight 5)",
        "0.543 / 0.806 · 0.472 / 0.764",
        "0.581 / 0.803 · 0.544 / 0.783",
        "0.536 / 0.806 · 0.464 / 0.757",
        "0.577 / 0.822 · 0.546 / 0.778",
      ],
    ],
  ),
  "Plain EM drives the estimated prior of small lines to zero (over the 272 arrivals of the first wide fold it estimates react-query 0.27 and query-core 0.29, truly 0.30 and 0.28, but gives seven lines, query-devtools and react-query-devtools among them, less than 0.001), and their signals then leave the top 3; a Dirichlet prior that stops that also stops the correction, and at the best settings the ranking is the shipped one. The upper bound says why: even the true mix of the last 100 arrivals does not raise top-3 in the rolling folds, because the Router's recency evidence already follows the mix; only the last 20 help (top-3 +0.03 to +0.06), and that is the bursts of one line (a series of commits), which 20 unlabelled arrivals are too few to estimate 17 priors from, and which the burst prior above did not catch either.",
].join("\n\n");

async function routing(): Promise<string[]> {
  const jsonl = <T>(file: string): T[] =>
    readFileSync(join(dataDir, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as T);
  const lines = jsonl<{ id: string; description: string }>("lines.jsonl");
  // One record per line and kind: `readme` (text) and `code-map` (its source files, one path a line).
  const knowledge = jsonl<{ line: string; kind: string; title: string; text: string }>("knowledge.jsonl");
  const knowledgeOf = (line: string, kind: string) =>
    knowledge
      .filter((record) => record.line === line && record.kind === kind)
      .map((record) => record.text)
      .join("\n");
  const routable: RoutableLine[] = lines.map((line) => ({
    id: line.id,
    description: line.description,
    knowledge: knowledgeOf(line.id, "readme"),
    files: knowledgeOf(line.id, "code-map")
      .split("\n")
      .filter((path) => path !== ""),
  }));
  const items = jsonl<{ id?: string; at: string; title: string; body: string; line: string; split: string }>(
    "items.jsonl",
  );
  const history = items.filter((item) => item.split === "history");
  const test = items.filter((item) => item.split === "test");
  const textOf = (item: { title: string; body: string }) => `${item.title}\n${item.body}`;

  interface Method {
    readonly name: string;
    /** Ranks line ids for a text arriving at `at`; `learn` is called with each test item's label after it was ranked, when the method is online. */
    rank(text: string, at: string): string[] | Promise<string[]>;
    learn?(index: number, text: string, line: string, at: string): void;
  }

  const profiles = (): Method => {
    const index = new LexicalIndex();
    for (const line of lines) index.add(line.id, `${line.id} ${line.description}`);
    return {
      name: "BM25 over line descriptions",
      rank: (text) => index.search(text, { limit: 3 }).map((hit) => hit.id),
    };
  };

  const nearest = (): Method => {
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
  };

  const trainedRouter = (learned: readonly { title: string; body: string; line: string }[]): Router => {
    const instance = new Router();
    instance.setLines(routable);
    learned.forEach((item, position) => {
      instance.learn({ id: `h${position}`, text: textOf(item), line: item.line });
    });
    return instance;
  };

  const router = (): Method => {
    const instance = trainedRouter(history);
    return {
      name: "Router (history only)",
      rank: (text) => instance.route(text, { limit: 3 }).map((candidate) => candidate.line),
    };
  };

  /**
   * The Router as a factory with the built-in automations runs it: history
   * labels only, and each arriving item the `route-new-signals` automation
   * routes (the router confident at the default threshold) is learned under
   * the router's own choice. No test label is read.
   */
  const ownRoutingRouter = (): Method => {
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
  };

  /**
   * The Router learning each test item's true line once an operator confirms
   * it, `delayDays` after the item arrived (0: right after it was routed).
   */
  const confirmedRouter = (delayDays: number, name: string): Method => {
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
  };

  /**
   * The protocol of the issue: lines, their README and file-list documents and
   * the history as routed signals, loaded into a factory, then each test item
   * routed with `factory.route`. With the built-in automations, each test item
   * is captured as a signal, ranked, and then left to the `route-new-signals`
   * automation, which routes it when the router is confident.
   */
  const throughFactory = async (withAutomations: boolean): Promise<Method & { close(): Promise<void> }> => {
    const dir = mkdtempSync(join(tmpdir(), "bench-route-"));
    let factory = await openFactory({ dir, durability: "normal" });
    await factory.floorplan.applyPlan({
      operators: [{ id: "maintainers" }],
      lines: lines.map((line) => ({ id: line.id, description: line.description, owner: "maintainers" })),
    });
    for (const record of knowledge) {
      await factory.knowledge.capture({
        kind: record.kind === "code-map" ? "code" : "note",
        title: record.title,
        body: record.text,
        source: { system: "routing-set", uri: `${record.line}/${record.kind}` },
        lines: [record.line],
      });
    }
    for (const item of history) {
      const signal = await factory.work.captureSignal({ text: textOf(item), source: "git" });
      await factory.work.routeSignal(signal.id, item.line);
    }
    if (withAutomations) {
      // Loaded without automations, so none races the routings above; reopened, they catch up on the log.
      await factory.close();
      factory = await openFactory({ dir, durability: "normal", automations: builtinAutomations });
      await factory.automations?.idle();
    }
    const rank = withAutomations
      ? async (text: string) => {
          const signal = await factory.work.captureSignal({ text, source: "git" });
          const ranked = await factory.route({ signal: signal.id }, { limit: 3 });
          await factory.automations?.idle();
          return ranked.map((candidate) => candidate.line);
        }
      : async (text: string) => (await factory.route(text, { limit: 3 })).map((candidate) => candidate.line);
    return {
      name: withAutomations
        ? "a factory with the built-in automations (the row above, through openFactory: each test item captured as a signal, ranked, then routed by route-new-signals when confident)"
        : "factory.route (Router history only, loaded into a factory: lines, README and file-list documents, history as routed signals)",
      rank,
      close: async () => {
        await factory.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };

  // Validation on the history split alone (what the Router's defaults were chosen on): learn the
  // history before a cut-off, route the history items after it. Rolling: cut-offs at 50..90 %, the
  // next 10 % routed; wide: cut-offs at 40 % and 70 %, the next 30 % routed (as far as the test split reaches).
  // In both regimes of the test split: learning nothing more, or the router's own confident routings.
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

  const newLineRows = newLineRecall(history, (learned) => trainedRouter(learned), textOf);

  const rows: (string | number)[][] = [];
  const viaFactory = await throughFactory(false);
  const viaAutomations = await throughFactory(true);
  const methods = [
    profiles(),
    nearest(),
    router(),
    viaFactory,
    ownRoutingRouter(),
    viaAutomations,
    confirmedRouter(0, "Router, learning each test item after routing it (operator confirms)"),
    confirmedRouter(1, "Router, each test item confirmed a day after it arrived"),
    confirmedRouter(7, "Router, each test item confirmed a week after it arrived"),
  ];
  for (const method of methods) {
    let top1 = 0;
    let top3 = 0;
    const latencies: number[] = [];
    const cpuTimes: number[] = [];
    for (const [index, item] of test.entries()) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const ranked = await method.rank(textOf(item), item.at);
      latencies.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      if (ranked[0] === item.line) top1 += 1;
      if (ranked.slice(0, 3).includes(item.line)) top3 += 1;
      method.learn?.(index, textOf(item), item.line, item.at);
    }
    rows.push([
      method.name,
      (top1 / test.length).toFixed(3),
      (top3 / test.length).toFixed(3),
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 99)),
      ms(percentile(cpuTimes, 50)),
      ms(percentile(cpuTimes, 99)),
    ]);
    console.log(rows.at(-1)?.join(" | "));
  }
  await viaFactory.close();
  await viaAutomations.close();
  const top3Of = (name: string) => rows.find((row) => row[0] === name)?.[2];
  const historyOnly = rows.find((row) => row[0] === "Router (history only)");
  const ownRouting = rows.find((row) => String(row[0]).startsWith("Router (history only), learning its own"));
  const autoRows = autoRouting(trainedRouter, history, test, textOf);
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(" / ");

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

/** What was tried for a line with no routed signal, on the history split only (not shipped). */
const NEW_LINE_NOTE =
  "Tried for such lines and not shipped (history folds, learning its own confident routings; chosen Router: rolling 0.51 / 0.78, wide 0.56 / 0.78): adding to each line's score its name, description, README, file and mention evidence again, times m / (m + n) for a line with n routed signals. It finds new lines more often (top-3 over the lines above 0.21 without it; 0.33 at weight 1, m = 1; 0.51 at weight 2; 0.61 at weight 3) but costs every other line more (rolling top-3 0.76, 0.73, 0.67 at those weights), because that evidence is weak: some line always matches generic words best, and lit-query, which has no signal at all, took a top-3 place from the right line. Raising only lines with no signal at all (m near 0) did the same (rolling top-3 0.75 at weight 1). Until a line has a few routed signals, its owner routing them by hand (or a text naming the line, a commit scope or a path it owns) is what puts it in front.";

/**
 * Leave-one-line-out on the history split: for each line with at least
 * {@link NEW_LINE_MIN_SIGNALS} signals after the cut-off, learn the history
 * before the cut-off without that line's signals, route that line's signals
 * after it, and count those with the line first and in the top 3.
 */
function newLineRecall<Item extends { line: string }>(
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
const NEW_LINE_MIN_SIGNALS = 8;

/** Thresholds of automatic routing measured beside the default. */
const AUTO_ROUTE_THRESHOLDS: readonly AutoRouteThreshold[] = [
  { minScore: 0, minLead: 1 },
  { minScore: 1.5, minLead: 1.5 },
  { minScore: 3.5, minLead: 1.5 },
  { minScore: 4, minLead: 1.5 },
  { minScore: 4, minLead: 2 },
];

/** The top line when it clears the threshold (what \`route-new-signals\` routes to), else undefined. */
function confidentChoice(
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
function autoRouting<Item extends { line: string }>(
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

/** Token budget of a whole pack, and of the search it is compared with. */
const BUDGET = 2000;
/** Search hits the budget-filling baseline reads: more than fit in the budget. */
const SEARCH_LIMIT = 70;
/** Queries measured per set at most; a larger set is sampled evenly (every n-th query). */
const MAX_QUERIES = 200;

/** Search hits rendered as a context pack holding only knowledge, as markdown. */
function hitsMarkdown(hits: readonly SearchHit[]): string {
  return contextPackMarkdown({
    lines: [],
    standards: { rules: [], instructions: [] },
    activeWork: [],
    knowledge: hits,
    relatedKnowledge: [],
    suspectLinks: [],
  });
}

/** Top-k search cut to a budget: hits in rank order until the next one would take the rendered list over it. */
function cut(
  hits: readonly SearchHit[],
  budget: number,
  counter: TokenCounter,
): { hits: SearchHit[]; tokens: number } {
  let kept: SearchHit[] = [];
  let tokens = counter.count(hitsMarkdown([]));
  for (const hit of hits) {
    const next = [...kept, hit];
    const count = counter.count(hitsMarkdown(next));
    if (count > budget) break;
    kept = next;
    tokens = count;
  }
  return { hits: kept, tokens };
}

/** The share of a query's relevant documents among the documents (factory ids) included. */
function shareOf(
  documents: readonly string[],
  relevant: readonly string[],
  corpusIdOf: Map<string, string>,
): number {
  const found = new Set(documents.map((id) => corpusIdOf.get(id)));
  return relevant.filter((id) => found.has(id)).length / Math.max(1, relevant.length);
}

const idsOf = (hits: readonly SearchHit[]) => hits.map((hit) => hit.document.id);

async function contextPacks(): Promise<string[]> {
  const sets = loadIrSets(irDataDir(repoRoot));
  if (sets.length === 0) return [`No retrieval sets in ${irDataDir(repoRoot)}; set SF_IR_DATA.`];
  const rows: (string | number)[][] = [];
  const estimateRows: (string | number)[][] = [];
  const rssBefore = process.memoryUsage().rss;
  const loadStart = performance.now();
  const tokenizer = await loadTokenCounter("o200k_base");
  const tokenizerLoad = `${ms(performance.now() - loadStart)} ms, +${Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20)} MiB RSS`;
  for (const set of sets) {
    const dir = mkdtempSync(join(tmpdir(), "bench-context-"));
    const factory = await openFactory({ dir, durability: "normal" });
    const corpusIdOf = await loadIrIntoFactory(factory, set);
    const step = Math.ceil(set.queries.length / MAX_QUERIES);
    const queries = set.queries.filter((_, index) => index % step === 0);
    const relevantOf = (queryId: string) =>
      [...(set.qrels.get(queryId) ?? new Map<string, number>())]
        .filter(([, grade]) => grade > 0)
        .map(([id]) => id);
    const methods = ["pack", "packNamed", "top10", "fill"] as const;
    const share = { pack: 0, packNamed: 0, top10: 0, fill: 0 };
    const docs = { pack: 0, packNamed: 0, top10: 0, fill: 0 };
    const tokens = { pack: 0, packNamed: 0, top10: 0, fill: 0 };
    let packCpu = 0;
    let packWall = 0;
    for (const query of queries) {
      const relevant = relevantOf(query.id);
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      const pack = await factory.context({ question: query.text, budgetTokens: BUDGET });
      packWall += performance.now() - wallStart;
      const cpu = process.cpuUsage(cpuStart);
      packCpu += (cpu.user + cpu.system) / 1000;
      const searched = (await factory.knowledge.search(query.text, { limit: SEARCH_LIMIT })).hits;
      const top10Cut = cut(searched.slice(0, 10), BUDGET, tokenizer);
      const fillCut = cut(searched, BUDGET, tokenizer);
      const answers = {
        pack: { documents: idsOf(pack.knowledge), tokens: pack.tokens },
        packNamed: {
          documents: [...idsOf(pack.knowledge), ...pack.relatedKnowledge.map((reference) => reference.id)],
          tokens: pack.tokens,
        },
        top10: { documents: idsOf(top10Cut.hits), tokens: top10Cut.tokens },
        fill: { documents: idsOf(fillCut.hits), tokens: fillCut.tokens },
      };
      for (const method of methods) {
        share[method] += shareOf(answers[method].documents, relevant, corpusIdOf);
        docs[method] += answers[method].documents.length;
        tokens[method] += answers[method].tokens;
      }
    }
    await factory.close();
    // Packs counted with the estimate instead, then measured with the real tokenizer.
    const estimated = await openFactory({ dir, durability: "normal", tokenCounter: estimateTokenCounter });
    let estimateShare = 0;
    let estimateTokens = 0;
    let realTokens = 0;
    let over = 0;
    for (const query of queries) {
      const pack = await estimated.context({ question: query.text, budgetTokens: BUDGET });
      const real = tokenizer.count(contextPackMarkdown(pack));
      estimateShare += shareOf(
        [...idsOf(pack.knowledge), ...pack.relatedKnowledge.map((reference) => reference.id)],
        relevantOf(query.id),
        corpusIdOf,
      );
      estimateTokens += pack.tokens;
      realTokens += real;
      if (real > BUDGET) over += 1;
    }
    await estimated.close();
    rmSync(dir, { recursive: true, force: true });
    const mean = (total: number) => total / queries.length;
    estimateRows.push([
      set.name,
      Math.round(mean(estimateTokens)),
      Math.round(mean(realTokens)),
      `${(((estimateTokens - realTokens) / realTokens) * 100).toFixed(1)}%`,
      `${over} of ${queries.length}`,
      mean(estimateShare).toFixed(3),
    ]);
    console.log(estimateRows.at(-1)?.join(" | "));
    rows.push([
      set.name,
      queries.length === set.queries.length
        ? String(queries.length)
        : `${queries.length} of ${set.queries.length} (one in ${step})`,
      mean(share.pack).toFixed(3),
      mean(share.packNamed).toFixed(3),
      mean(share.top10).toFixed(3),
      mean(share.fill).toFixed(3),
      mean(share.fill) === 0 ? "n/a" : (mean(share.packNamed) / mean(share.fill)).toFixed(2),
      methods
        .map((method) => `${mean(docs[method]).toFixed(1)} / ${Math.round(mean(tokens[method]))}`)
        .join(" · "),
      ms(packWall / queries.length),
      ms(packCpu / queries.length),
    ]);
    console.log(rows.at(-1)?.join(" | "));
  }
  return [
    `## Context packs: relevant documents within ${BUDGET.toLocaleString("en-US")} tokens`,
    `For each query, a context pack for the question (\`factory.context({ question, budgetTokens: ${BUDGET} })\`; the budget bounds the whole pack as markdown, counted with o200k_base, the default) beside plain search (\`factory.knowledge.search\`, the top 10, and the top ${SEARCH_LIMIT}, enough to fill the budget) cut in rank order at the first hit that would take the same rendering (\`contextPackMarkdown\` of the hits) over the same budget, counted the same way. Cut to the budget, the top ${SEARCH_LIMIT} is what a user would get from search alone with the same budget. The pack puts the best hits in full (title, source, excerpt) in up to 70 % of what the budget leaves, then names further matching documents by title and id (\`relatedKnowledge\`, for an agent to fetch) in the rest; it skips a hit that does not fit and tries the next ones. Share: relevant documents (graded > 0) included, over all relevant documents of the query, averaged over queries: in full, and in full or named. Tokens: o200k_base tokens of the rendered markdown. Each set is loaded into a fresh factory (SQLite, default hashing embedder); ms per query is the pack alone (search included), CPU time beside wall time because the machine is shared. Loading the tokenizer took ${tokenizerLoad}.`,
    table(
      [
        "set",
        "queries",
        "pack share, in full",
        "pack share, in full or named",
        "top-10 cut share",
        "search filling the budget, share",
        "pack named / search filling",
        "documents / tokens (pack in full · in full or named · top-10 · search filling)",
        "pack wall ms/query",
        "pack CPU ms/query",
      ],
      rows,
    ),
    "### Counting with the estimate instead",
    "The same packs built by a factory opened with `tokenCounter: estimateTokenCounter` (no tokenizer to load), then their markdown counted with o200k_base. Bias: estimate minus real, over real; a pack is over when its real count passes the budget.",
    table(
      [
        "set",
        "estimate tokens/pack",
        "o200k tokens/pack",
        "bias",
        "packs over budget (o200k)",
        "pack share, in full or named",
      ],
      estimateRows,
    ),
  ];
}

const sections = existsSync(join(dataDir, "items.jsonl"))
  ? await routing()
  : [`No routing set in ${dataDir}; set SF_ROUTING_DATA.`];
sections.push(...(await contextPacks()));
writeReport("intelligence", "Intelligence: routing signals to lines, and context packs", sections);
