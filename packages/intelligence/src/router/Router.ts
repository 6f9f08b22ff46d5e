import { cutText, hashJson, strictInput } from "@software-factory/core";
import { LexicalIndex } from "@software-factory/knowledge";
import { z } from "zod";
import { parseInput } from "../internal/parse.js";
import {
  codeText,
  commitScopes,
  distinctiveFileTerms,
  idForms,
  idPhrasePattern,
  idWords,
  mentionedPaths,
  routingTerms,
  wordsByTerm,
} from "./textEvidence.js";

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
  /** Source files of the line (repository paths); their names are matched against the text. */
  readonly files?: readonly string[];
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

/**
 * How much each kind of evidence counts. Each kind scores a line in [0, 1]
 * and the router adds them up with these weights.
 */
export interface RouterWeights {
  /** The line's id, title, description and tags. */
  readonly profile: number;
  /** The knowledge linked to the line. */
  readonly knowledge: number;
  /** The line's source files and path globs. */
  readonly files: number;
  /** All past signals routed to the line, as one profile. */
  readonly history: number;
  /** The nearest past signals: the summed similarity of those routed to the line. */
  readonly neighbours: number;
  /** How often the line received signals recently; counted only for a line the text matched by other evidence. */
  readonly recency: number;
  /** The text contains words of the line's id. */
  readonly mention: number;
  /** The text names the line's id as a phrase (`vue-query`). */
  readonly name: number;
  /** A conventional-commit scope in the text names the line (`fix(vue-query): ...`). */
  readonly scope: number;
  /** The text mentions a path that belongs to the line. */
  readonly path: number;
}

/**
 * Default {@link RouterWeights}, chosen on the history split of the routing
 * bench only (TanStack Query, 17 lines): five rolling time-ordered folds
 * (learn the oldest 50, 60, 70, 80, 90 % of the history, route the next
 * 10 %), coordinate ascent on top-3 plus half top-1. With them the router
 * scores top-1 0.51 / top-3 0.77 on those folds (0.52 / 0.77 when each fold's
 * weights are chosen on the other four), against 0.42 / 0.76 for the previous
 * router. See `bench/results/intelligence.md`.
 */
export const DEFAULT_ROUTER_WEIGHTS: RouterWeights = {
  profile: 0.2,
  knowledge: 0.05,
  files: 0.75,
  history: 0.75,
  neighbours: 1,
  recency: 1,
  mention: 1,
  name: 1.5,
  scope: 2,
  path: 3,
};

/** Options of {@link Router}. */
export interface RouterOptions {
  /** Resolves a path mentioned in a text to its line (the floor plan's `lineForPath`). */
  readonly lineForPath?: (path: string) => string | undefined;
  /** Evidence weights. */
  readonly weights?: Partial<RouterWeights>;
  /** How many nearest past signals vote (default 20). */
  readonly neighbours?: number;
  /**
   * How many of the latest routed signals make the recency prior (default
   * 70). Chosen on the history split of the routing bench with the factory
   * learning its own confident routings: a window that short follows a shift
   * in the mix of work sooner (wide folds top-3 0.779 against 0.768 at 100),
   * and costs nothing when the router learns only confirmed signals (0.746
   * against 0.748).
   */
  readonly recentWindow?: number;
}

const RouteTextSchema = z.string().refine((text) => text.trim() !== "", "the text to route is empty");
const RouteOptionsSchema = strictInput({
  limit: z.number().int().min(1).max(100).optional(),
  exclude: z.string().min(1).optional(),
});

/** Options of {@link Router.route}. */
export interface RouteOptions {
  /** How many lines to return (1-100, default 3). */
  readonly limit?: number;
  /**
   * The id of a learned example to leave out of the evidence: routing a
   * signal that was routed already must not count the signal itself.
   */
  readonly exclude?: string;
}
/** Default {@link RouterOptions.recentWindow}. */
const DEFAULT_RECENT_WINDOW = 70;
/** Paths a text mentions named in a line's reason, at most. */
const MENTIONED_PATHS_NAMED = 3;

/** File paths named as a reason, at most, per line. */
const FILES_IN_REASON = 2;

/** A line's indexed parts that are not indexes: how it is named, and its files by term. */
interface LineFacts {
  readonly line: RoutableLine;
  readonly words: readonly string[];
  readonly phrase: RegExp | undefined;
  readonly forms: readonly string[];
  readonly files: readonly { readonly path: string; readonly terms: ReadonlySet<string> }[];
}

/**
 * Routes a text (a signal, a question, a change description) to the lines it
 * most likely belongs to, ranked, with reasons. It adds up kinds of evidence,
 * each scored in [0, 1] and weighted ({@link RouterWeights}): the lines' own
 * profiles, knowledge and source files, the texts already routed to each line
 * (as one profile per line, and as nearest neighbours whose similarities add
 * up per line), explicit mentions of a line's name, of a commit scope naming
 * it, or of a path it owns, and a recency prior over the lines those matched. It learns from every routed
 * example, and a re-routed signal replaces its earlier routing.
 */
export class Router {
  readonly #weights: RouterWeights;
  readonly #lines = new Map<string, LineFacts>();
  readonly #examples = new Map<string, RoutedExample>();
  /** The latest routed examples, oldest first, at most the recency window. */
  readonly #recent: RoutedExample[] = [];
  #profiles = termIndex();
  #knowledge = termIndex();
  #code = termIndex();
  /** The index terms of each learned example, space-separated, so a line's history is re-indexed without tokenizing again. */
  readonly #exampleTerms = new Map<string, string>();
  /** Lines whose routed examples changed since the history index was last brought up to date. */
  readonly #staleLines = new Set<string>();
  readonly #history = termIndex();
  readonly #neighbours = termIndex();

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
    this.#profiles = termIndex();
    this.#knowledge = termIndex();
    this.#code = termIndex();
    for (const line of lines) {
      const files = line.files ?? [];
      this.#lines.set(line.id, {
        line,
        words: idWords(line.id),
        phrase: idPhrasePattern(line.id),
        forms: idForms(line.id),
        files: distinctiveFileTerms(files).map((terms, index) => ({ path: files[index] ?? "", terms })),
      });
      this.#profiles.add(line.id, termsOf(profileText(line)));
      if (line.knowledge !== undefined && line.knowledge !== "")
        this.#knowledge.add(line.id, termsOf(line.knowledge));
      if (files.length > 0 || (line.paths ?? []).length > 0)
        this.#code.add(line.id, termsOf(codeText(files, line.paths ?? [])));
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
      // The earlier routing leaves the recency window too: a corrected signal counts once, for its new line.
      const at = this.#recent.findIndex((recent) => recent.id === example.id);
      if (at !== -1) this.#recent.splice(at, 1);
    }
    const terms = termsOf(example.text);
    this.#examples.set(example.id, example);
    this.#exampleTerms.set(example.id, terms);
    this.#neighbours.add(example.id, terms);
    this.#recent.push(example);
    const window = this.#options.recentWindow ?? DEFAULT_RECENT_WINDOW;
    if (this.#recent.length > window) this.#recent.splice(0, this.#recent.length - window);
    this.#staleLines.add(example.line);
  }

  /** Number of routed examples learned. */
  get examples(): number {
    return this.#examples.size;
  }

  /**
   * Ranks the lines for a text: only the lines some evidence from the text
   * matches, so none when nothing matches (how many signals a line received
   * lately ranks the matched lines, but alone is no match).
   *
   * @throws ValidationError when the text is empty or blank, or the options are malformed.
   */
  route(text: string, options: RouteOptions = {}): RouteCandidate[] {
    parseInput(RouteTextSchema, text, "route text");
    const { limit = 3, exclude } = parseInput(RouteOptionsSchema, options, "route options");
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
    const weights = this.#weights;
    const all = this.#lines.size;
    const queryTerms = routingTerms(text);
    const query = queryTerms.join(" ");
    const terms = new Set(queryTerms);

    for (const hit of normalised(this.#profiles.search(query, { limit: all })))
      credit(hit.id, hit.score, weights.profile, "its name and description match the text");
    for (const hit of normalised(this.#knowledge.search(query, { limit: all })))
      credit(hit.id, hit.score, weights.knowledge, "the knowledge linked to it matches the text");
    for (const hit of normalised(this.#code.search(query, { limit: all })))
      credit(hit.id, hit.score, weights.files, this.#filesReason(hit.id, terms));
    for (const hit of normalised(this.#historySearch(query, exclude)))
      credit(hit.id, hit.score, weights.history, "signals like this were routed here before");
    for (const [line, vote] of this.#neighbourVotes(query, exclude)) {
      const titles = vote.titles.map((title) => `"${title}"`).join(", ");
      credit(line, vote.score, weights.neighbours, `close to past signals routed here: ${titles}`);
    }
    const lower = text.toLowerCase();
    const scopes = commitScopes(text);
    let textWords: Map<string, string> | undefined;
    for (const { line, words, phrase, forms } of this.#lines.values()) {
      const named = words.filter((word) => terms.has(word));
      if (named.length > 0) {
        textWords ??= wordsByTerm(text);
        const said = named.map((term) => textWords?.get(term) ?? term);
        credit(line.id, named.length / words.length, weights.mention, `names ${said.join(", ")}`);
      }
      if (phrase?.test(lower) === true) credit(line.id, 1, weights.name, `names the line ${line.id}`);
      const scope = scopes.find((candidate) => forms.includes(candidate));
      if (scope !== undefined) credit(line.id, 1, weights.scope, `a commit scope names it: (${scope})`);
    }
    if (this.#options.lineForPath !== undefined) {
      // One credit a line, however many of its paths the text names and however often: a stack trace naming
      // one file twenty times is no more evidence than naming it once (it scored 20 times the weight).
      const pathsByLine = new Map<string, Set<string>>();
      for (const path of mentionedPaths(text)) {
        const line = this.#options.lineForPath(path);
        if (line !== undefined) pathsByLine.set(line, (pathsByLine.get(line) ?? new Set()).add(path));
      }
      for (const [line, paths] of pathsByLine) {
        const named = [...paths].slice(0, MENTIONED_PATHS_NAMED).join(", ");
        const more =
          paths.size > MENTIONED_PATHS_NAMED ? ` and ${paths.size - MENTIONED_PATHS_NAMED} more` : "";
        const which = paths.size === 1 ? "which belongs" : "which belong";
        credit(line, 1, weights.path, `mentions ${named}${more}, ${which} to ${line}`);
      }
    }

    // The recency prior ranks the lines the text matched; alone it is no match, or any text would route.
    const recent = this.#recent.filter((example) => example.id !== exclude);
    const recentCounts = countBy(recent.map((example) => example.line));
    const topRecent = Math.max(0, ...[...recentCounts.values()].map((count) => Math.log1p(count)));
    for (const line of [...scores.keys()]) {
      const count = recentCounts.get(line);
      if (count === undefined) continue;
      const reason = `${count} of the latest ${recent.length} routed signals went here`;
      credit(line, Math.log1p(count) / topRecent, weights.recency, reason);
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

  /**
   * The nearest past signals, their similarities (relative to the nearest)
   * added up per line and scaled so the best line scores 1, with the first
   * titles of each line's neighbours.
   */
  #neighbourVotes(
    query: string,
    exclude: string | undefined,
  ): Map<string, { score: number; titles: string[] }> {
    const votes = new Map<string, { score: number; titles: string[] }>();
    const count = this.#options.neighbours ?? 20;
    const nearest = this.#neighbours
      .search(query, { limit: count + 1 })
      .filter((hit) => hit.id !== exclude)
      .slice(0, count);
    const top = nearest[0]?.score ?? 0;
    if (top <= 0) return votes;
    for (const hit of nearest) {
      const example = this.#examples.get(hit.id);
      if (example === undefined) continue;
      const vote = votes.get(example.line) ?? { score: 0, titles: [] };
      vote.score += hit.score / top;
      if (vote.titles.length < 2) vote.titles.push(firstLine(example.text));
      votes.set(example.line, vote);
    }
    const best = Math.max(...[...votes.values()].map((vote) => vote.score));
    for (const vote of votes.values()) vote.score /= best;
    return votes;
  }

  /** The reason for a files match, naming the files that share the most words with the text. */
  #filesReason(line: string, terms: ReadonlySet<string>): string {
    const files = (this.#lines.get(line)?.files ?? [])
      .map((file) => ({ path: file.path, shared: [...file.terms].filter((term) => terms.has(term)).length }))
      .filter((file) => file.shared > 0)
      .sort((a, b) => b.shared - a.shared || a.path.localeCompare(b.path))
      .slice(0, FILES_IN_REASON)
      .map((file) => file.path);
    return files.length === 0
      ? "its code paths match the text"
      : `its source files match the text: ${files.join(", ")}`;
  }

  /**
   * Searches the index of all examples of each line as one text, re-indexing
   * only the lines that changed; an excluded example's line is searched
   * without it, and re-indexed with it at the next search.
   */
  #historySearch(query: string, exclude: string | undefined): { id: string; score: number }[] {
    const excluded = exclude === undefined ? undefined : this.#examples.get(exclude);
    if (excluded !== undefined) this.#staleLines.add(excluded.line);
    if (this.#staleLines.size > 0) {
      const texts = new Map<string, string[]>([...this.#staleLines].map((line) => [line, []]));
      for (const example of this.#examples.values()) {
        if (example.id !== excluded?.id)
          texts.get(example.line)?.push(this.#exampleTerms.get(example.id) ?? "");
      }
      for (const [line, list] of texts) {
        if (list.length === 0) this.#history.remove(line);
        else this.#history.add(line, list.join(" "));
      }
      this.#staleLines.clear();
    }
    const hits = this.#history.search(query, { limit: this.#lines.size });
    if (excluded !== undefined) this.#staleLines.add(excluded.line);
    return hits;
  }
}

/** An index over texts already turned into terms ({@link termsOf}), so each text is tokenized once. */
function termIndex(): LexicalIndex {
  return new LexicalIndex({ tokenizer: (terms) => (terms === "" ? [] : terms.split(" ")) });
}

/** The index terms of a text ({@link routingTerms}), space-separated; terms never hold a space. */
function termsOf(text: string): string {
  return routingTerms(text).join(" ");
}

/** The line's name (id words, title, tags) and description: short texts people chose. */
function profileText(line: RoutableLine): string {
  const name = [line.id.replaceAll(/[-_/]/g, " "), line.title ?? "", ...(line.tags ?? [])].join(" ");
  return `${name}\n${line.description ?? ""}`;
}

function normalised(hits: readonly { id: string; score: number }[]): { id: string; score: number }[] {
  const top = hits[0]?.score ?? 0;
  return top <= 0 ? [] : hits.map((hit) => ({ id: hit.id, score: hit.score / top }));
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return cutText(line, 80, "...");
}
