/**
 * Code-aware tokenizing for lexical search: prose and identifiers alike.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { stemmer } from "stemmer";
import { OptionsArgument, Text } from "../internal/arguments.js";

/**
 * English words too common to carry meaning: Lucene's English stopword set,
 * plus the question words and pronouns people put in questions to a knowledge
 * base ("what do we do when..."), which say nothing about the topic. Measured
 * on the three public sets of the knowledge bench, adding those raised BM25
 * nDCG@10 on each (cosqa 0.389 to 0.397, dbpedia 0.360 to 0.364, msmarco 0.608 to 0.623).
 */
const STOPWORDS = new Set([
  ..."a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
  ..."what do does did we our us you your i my can could should would how why when where who which whom whose".split(
    " ",
  ),
]);

/**
 * Splits text into raw words: letters with their combining marks (the vowel
 * signs of Devanagari or Thai, accents written apart) and digits, keeping `_`
 * inside identifiers.
 */
const WORD = /[\p{L}\p{M}\p{N}_]+/gu;

/**
 * Runs of the scripts written without spaces between words (Chinese,
 * Japanese, Thai, Lao, Khmer, Myanmar) and of Hangul, whose words carry their
 * particles: indexed as overlapping pairs of characters (bigrams), as Lucene's
 * CJK analyzer does, so a word inside a sentence is found.
 */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30FC]+/gu;

/** Boundaries inside an identifier: `getHTTPResponse` → get, HTTP, Response; `snake_case` → snake, case. */
const IDENTIFIER_PART = /[\p{Lu}]+(?![\p{Ll}])|[\p{Lu}]?[\p{Ll}]+|\p{N}+/gu;

/** The longest word kept; longer runs (hashes, base64) would only bloat the index. */
const MAX_WORD_LENGTH = 40;

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Reduce words to their Porter stem (default true). */
  readonly stem?: boolean;
  /** Drop English stopwords (default true). */
  readonly dropStopwords?: boolean;
}

/**
 * Turns text into index terms: lowercase words, Porter-stemmed, with stopwords
 * dropped; identifiers are also split into their parts (`parseFactoryYaml` gives
 * `parsefactoryyaml`, `pars`, `factori`, `yaml`; `user_id` gives `user_id`,
 * `user`, `id`), and paths into their segments, so code and prose match each other.
 * Text is read in Unicode NFKC form (`café` typed or decomposed, full-width
 * `ＡＰＩ` and `API` are one word); runs of Chinese, Japanese, Korean, Thai,
 * Lao, Khmer and Myanmar characters give their overlapping pairs of
 * characters (`支払いの` gives `支払`, `払い`, `いの`; one character alone
 * gives itself), since those scripts do not separate words with spaces.
 *
 * @throws ValidationError naming `text` or `options` when one is not a string or an options object.
 * @example
 * ```ts
 * tokenize("Retry the getUserProfile call"); // ["retri", "getuserprofil", "get", "user", "profil", "call"]
 * ```
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  checkArguments("tokenize", { text: [Text, text], options: [OptionsArgument, options] });
  return uncheckedTokenize(text, options);
}

/** {@link tokenize} without checking its arguments, for the package's own calls (some in hot loops). */
export function uncheckedTokenize(text: string, options: TokenizeOptions = {}): string[] {
  const stem = options.stem ?? true;
  const dropStopwords = options.dropStopwords ?? true;
  const terms: string[] = [];
  const push = (word: string): void => {
    const lower = word.toLowerCase();
    if (lower.length > MAX_WORD_LENGTH || lower === "") return;
    if (dropStopwords && STOPWORDS.has(lower)) return;
    terms.push(stem ? stemOf(lower) : lower);
  };
  for (const word of wordsOf(text)) {
    if (UNSPACED_START.test(word)) {
      for (const pair of characterPairs(word)) terms.push(pair);
      continue;
    }
    if (!MAY_SPLIT.test(word)) {
      push(word);
      continue;
    }
    const parts = identifierParts(word);
    if (parts.length > 1) push(word.replace(/^_+|_+$/g, ""));
    for (const part of parts) push(part);
  }
  return terms;
}

/** Whether a text holds any {@link UNSPACED} character: most hold none, and their words need no search for runs. */
const HAS_UNSPACED = new RegExp(UNSPACED.source, "u");

/** A character beyond ASCII: text without one is in NFKC form already and holds no {@link UNSPACED} run. */
const NOT_ASCII = /[^\p{ASCII}]/u;

/** A word of {@link wordsOf} that is a run of {@link UNSPACED} characters. */
const UNSPACED_START = new RegExp(`^${UNSPACED.source}$`, "u");

/**
 * The raw words of a text in NFKC form, each run of {@link UNSPACED} characters
 * apart from the letters around it (`API设计` gives `API`, `设计`).
 */
function* wordsOf(text: string): Generator<string> {
  const ascii = !NOT_ASCII.test(text);
  const normal = ascii ? text : text.normalize("NFKC");
  const hasUnspaced = !ascii && HAS_UNSPACED.test(normal);
  for (const match of normal.matchAll(WORD)) {
    const word = match[0];
    if (!hasUnspaced) {
      yield word;
      continue;
    }
    let end = 0;
    for (const run of word.matchAll(UNSPACED)) {
      if (run.index > end) yield word.slice(end, run.index);
      yield run[0];
      end = run.index + run[0].length;
    }
    if (end < word.length) yield end === 0 ? word : word.slice(end);
  }
}

/** The overlapping pairs of characters of a run (code points, so astral Han characters stay whole); one character gives itself. */
function characterPairs(run: string): string[] {
  const characters = Array.from(run.toLowerCase());
  if (characters.length === 1) return characters;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < characters.length; i += 1) pairs.push(`${characters[i]}${characters[i + 1]}`);
  return pairs;
}

/**
 * The spans of a raw word (one match of letters, marks, digits and `_`) that
 * match one of `terms`, offsets into the word: the word whole when it matches
 * and holds no {@link UNSPACED} run; inside such a run, each pair of
 * characters that matches (so a word inside a sentence is marked, not the
 * sentence), and the letters around runs apart.
 */
export function matchedSpans(word: string, terms: ReadonlySet<string>): Array<readonly [number, number]> {
  const matches = (part: string): boolean => uncheckedTokenize(part).some((term) => terms.has(term));
  if (!HAS_UNSPACED.test(word)) return matches(word) ? [[0, word.length]] : [];
  const spans: Array<readonly [number, number]> = [];
  const add = (start: number, end: number): void => {
    const last = spans.at(-1);
    if (last !== undefined && last[1] >= start) spans[spans.length - 1] = [last[0], end];
    else spans.push([start, end]);
  };
  let end = 0;
  for (const run of word.matchAll(UNSPACED)) {
    if (run.index > end && matches(word.slice(end, run.index))) add(end, run.index);
    const starts = Array.from(run[0].matchAll(/./gsu), (character) => run.index + character.index);
    starts.push(run.index + run[0].length);
    const width = starts.length === 2 ? 1 : 2;
    for (let i = 0; i + width < starts.length; i += 1) {
      const [from, to] = [starts[i] as number, starts[i + width] as number];
      if (matches(word.slice(from, to))) add(from, to);
    }
    end = run.index + run[0].length;
  }
  if (end < word.length && matches(word.slice(end))) add(end, word.length);
  return spans;
}

/** Words that may hold several parts: with an inner capital, an underscore, or letters next to digits. */
const MAY_SPLIT = /[_]|\p{Ll}\p{Lu}|\p{Lu}{2}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}/u;

/** Porter stems already computed; words follow Zipf's law, so most lookups hit. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 200_000;

function stemOf(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = stemmer(word);
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

/** The parts of an identifier; one part for a plain word. */
function identifierParts(word: string): string[] {
  const parts: string[] = [];
  for (const chunk of word.split("_")) {
    if (chunk === "") continue;
    for (const match of chunk.matchAll(IDENTIFIER_PART)) parts.push(match[0]);
  }
  return parts.length === 0 ? [word] : parts;
}

/**
 * The distinct query terms of a text, for highlighting: the raw words as they
 * appear (lowercased), paired with the index term each one matches.
 */
export function queryWords(text: string): Map<string, string> {
  const words = new Map<string, string>();
  for (const word of wordsOf(text)) {
    const lower = word.toLowerCase();
    if (UNSPACED_START.test(lower)) {
      for (const pair of characterPairs(lower)) words.set(pair, pair);
      continue;
    }
    const [term] = uncheckedTokenize(lower);
    if (term !== undefined) words.set(lower, term);
  }
  return words;
}
