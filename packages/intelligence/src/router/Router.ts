import { hashJson } from "@software-factory/core";
import { LexicalIndex, tokenize } from "@software-factory/knowledge";
import { z } from "zod";
import { parseInput } from "../internal/parse.js";

/** What the router knows about a line. */
export interface RoutableLine {
  /** Line id (`checkout`). */
  readonly id: string;
  /** Display title. */
  readonly title?: string;
  /** What the line is about. */
  readonly description?: string;
  /** Tags of the line. */
  readonly tags?: readonly string[];
  /** Code paths (globs) of the line. */
  readonly paths?: readonly string[];
  /** Text of the knowledge linked to the line (READMEs, blueprints, decisions), concatenated. */
  readonly knowledge?: string;
}

/** A text already routed to a line: a signal an operator routed, or corrected. */
export interface RoutedExample {
  /** Id of the signal (re-learning the same id replaces the earlier routing: a correction). */
  readonly id: string;
  /** Its text (title and body). */
  readonly text: string;
  /** The line it belongs to. */
  readonly line: string;
}

/** One candidate line for a text, with why. */
export interface RouteCandidate {
  /** Line id. */
  readonly line: string;
  /** Fused score; only comparable within one answer. */
  readonly score: number;
  /** Why this line, strongest reason first. */
  readonly reasons: readonly string[];
}

/** How much each kind of evidence counts; the defaults were chosen on the history split of the routing bench. */
export interface RouterWeights {
  /** The line's own description, tags, paths and linked knowledge. */
  readonly profile: number;
  /** All past signals routed to the line, as one profile. */
  readonly history: number;
  /** The nearest past signals, by rank. */
  readonly neighbours: number;
  /** How often the line received signals recently. */
  readonly recency: number;
  /** The text names the line (a word of its id). */
  readonly mention: number;
  /** The text mentions a path that belongs to the line. */
  readonly path: number;
}

/** Default {@link RouterWeights}. */
export const DEFAULT_ROUTER_WEIGHTS: RouterWeights = {
  profile: 0.3,
  history: 1,
  neighbours: 1,
  recency: 0.6,
  mention: 2,
  path: 3,
};

/** Options of {@link Router}. */
export interface RouterOptions {
  /** Resolves a path mentioned in a text to its line (the floor plan's `lineForPath`). */
  readonly lineForPath?: (path: string) => string | undefined;
  /** Evidence weights. */
  readonly weights?: Partial<RouterWeights>;
  /** How many nearest past signals vote (default 15). */
  readonly neighbours?: number;
  /** How many of the latest routed signals make the recency prior (default 100). */
  readonly recentWindow?: number;
}

const RouteOptionsSchema = z.object({ limit: z.number().int().min(1).max(100).optional() });
/** Words of line ids too generic to count as naming the line. */
const GENERIC_ID_WORDS = new Set([
  "core",
  "client",
  "common",
  "shared",
  "service",
  "api",
  "app",
  "lib",
  "util",
  "utils",
]);
const PATH_PATTERN = /(?:^|[\s`'"(])((?:[\w.@-]+\/)+[\w.@-]+)/g;

/**
 * Routes a text (a signal, a question, a change description) to the lines it
 * most likely belongs to, ranked, with reasons. It fuses five kinds of
 * evidence, each normalised to [0, 1]: the lines' own profiles, the texts
 * already routed to each line, the nearest past texts, a recency prior and
 * explicit mentions of a line's name or of a path it owns. It learns from
 * every routed example, and a re-routed signal replaces its earlier routing.
 */
export class Router {
  readonly #weights: RouterWeights;
  readonly #lines = new Map<string, RoutableLine>();
  readonly #examples = new Map<string, RoutedExample>();
  readonly #recent: string[] = [];
  #profiles = new LexicalIndex();
  /** Lines whose routed examples changed since the history index was last brought up to date. */
  readonly #staleLines = new Set<string>();
  readonly #history = new LexicalIndex();
  readonly #neighbours = new LexicalIndex();

  readonly #options: RouterOptions;
  /** Hash of the lines last given to {@link Router.setLines}, so an unchanged set is not re-indexed. */
  #linesKey: string | undefined;

  /** A router with no lines and no history yet. */
  constructor(options: RouterOptions = {}) {
    this.#options = options;
    this.#weights = { ...DEFAULT_ROUTER_WEIGHTS, ...options.weights };
  }

  /** Replaces the lines the router chooses from. */
  setLines(lines: readonly RoutableLine[]): void {
    const key = hashJson(lines);
    if (key === this.#linesKey) return;
    this.#linesKey = key;
    this.#lines.clear();
    this.#profiles = new LexicalIndex();
    for (const line of lines) {
      this.#lines.set(line.id, line);
      this.#profiles.add(line.id, profileText(line));
    }
  }

  /**
   * Learns a routed example; the same id with another line is a correction and
   * replaces the earlier routing; the same example again changes nothing.
   */
  learn(example: RoutedExample): void {
    const previous = this.#examples.get(example.id);
    if (previous !== undefined && previous.line === example.line && previous.text === example.text) return;
    if (previous !== undefined) {
      this.#neighbours.remove(example.id);
      this.#staleLines.add(previous.line);
    }
    this.#examples.set(example.id, example);
    this.#neighbours.add(example.id, example.text);
    this.#recent.push(example.line);
    const window = this.#options.recentWindow ?? 100;
    if (this.#recent.length > window) this.#recent.splice(0, this.#recent.length - window);
    this.#staleLines.add(example.line);
  }

  /** Number of routed examples learned. */
  get examples(): number {
    return this.#examples.size;
  }

  /**
   * Ranks the lines for a text.
   *
   * @throws ValidationError when the options are malformed.
   */
  route(text: string, options: { readonly limit?: number } = {}): RouteCandidate[] {
    const { limit = 3 } = parseInput(RouteOptionsSchema, options, "route options");
    const scores = new Map<string, number>();
    const reasons = new Map<string, { weight: number; text: string }[]>();
    const credit = (line: string, value: number, weight: number, reason?: string) => {
      if (!this.#lines.has(line) || value <= 0 || weight <= 0) return;
      scores.set(line, (scores.get(line) ?? 0) + value * weight);
      if (reason !== undefined) {
        const list = reasons.get(line) ?? [];
        list.push({ weight: value * weight, text: reason });
        reasons.set(line, list);
      }
    };

    const all = this.#lines.size;
    for (const hit of normalised(this.#profiles.search(text, { limit: all }))) {
      credit(hit.id, hit.score, this.#weights.profile, "its description and knowledge match the text");
    }
    for (const hit of normalised(this.#historyIndex().search(text, { limit: all }))) {
      credit(hit.id, hit.score, this.#weights.history, "signals like this were routed here before");
    }
    const votes = new Map<string, { score: number; titles: string[] }>();
    const nearest = this.#neighbours.search(text, { limit: this.#options.neighbours ?? 15 });
    nearest.forEach((hit, rank) => {
      const example = this.#examples.get(hit.id);
      if (example === undefined) return;
      const vote = votes.get(example.line) ?? { score: 0, titles: [] };
      vote.score += 1 / (rank + 1);
      if (vote.titles.length < 2) vote.titles.push(firstLine(example.text));
      votes.set(example.line, vote);
    });
    const topVote = Math.max(0, ...[...votes.values()].map((vote) => vote.score));
    for (const [line, vote] of votes) {
      credit(
        line,
        vote.score / topVote,
        this.#weights.neighbours,
        `close to past signals routed here: ${vote.titles.map((title) => `"${title}"`).join(", ")}`,
      );
    }
    const recent = countBy(this.#recent);
    const topRecent = Math.max(0, ...[...recent.values()].map((count) => Math.log1p(count)));
    for (const [line, count] of recent) credit(line, Math.log1p(count) / topRecent, this.#weights.recency);

    const words = new Set(tokenize(text));
    for (const line of this.#lines.values()) {
      const named = idWords(line.id).filter((word) => words.has(word));
      const own = idWords(line.id);
      if (named.length > 0)
        credit(line.id, named.length / own.length, this.#weights.mention, `names ${named.join(", ")}`);
    }
    if (this.#options.lineForPath !== undefined) {
      for (const path of mentionedPaths(text)) {
        const line = this.#options.lineForPath(path);
        if (line !== undefined)
          credit(line, 1, this.#weights.path, `mentions ${path}, which belongs to ${line}`);
      }
    }

    return [...scores]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([line, score]) => ({
        line,
        score,
        reasons: (reasons.get(line) ?? []).sort((a, b) => b.weight - a.weight).map((reason) => reason.text),
      }));
  }

  /** The index of all examples of each line as one text, re-indexing only the lines that changed. */
  #historyIndex(): LexicalIndex {
    if (this.#staleLines.size === 0) return this.#history;
    const texts = new Map<string, string[]>([...this.#staleLines].map((line) => [line, []]));
    for (const example of this.#examples.values()) texts.get(example.line)?.push(example.text);
    for (const [line, list] of texts) {
      if (list.length === 0) this.#history.remove(line);
      else this.#history.add(line, list.join("\n"));
    }
    this.#staleLines.clear();
    return this.#history;
  }
}

function profileText(line: RoutableLine): string {
  const name = [line.id.replaceAll(/[-_/]/g, " "), line.title ?? "", ...(line.tags ?? [])].join(" ");
  // The name and description count thrice: they are short and chosen by people.
  return [
    name,
    name,
    name,
    line.description ?? "",
    line.description ?? "",
    (line.paths ?? []).join(" "),
    line.knowledge ?? "",
  ].join("\n");
}

function normalised(hits: readonly { id: string; score: number }[]): { id: string; score: number }[] {
  const top = hits[0]?.score ?? 0;
  return top <= 0 ? [] : hits.map((hit) => ({ id: hit.id, score: hit.score / top }));
}

function idWords(id: string): string[] {
  const words = tokenize(id.replaceAll(/[-_/.]/g, " ")).filter((word) => !GENERIC_ID_WORDS.has(word));
  return [...new Set(words)];
}

function mentionedPaths(text: string): string[] {
  return [...text.matchAll(PATH_PATTERN)].map((match) => match[1] ?? "").filter((path) => path !== "");
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
