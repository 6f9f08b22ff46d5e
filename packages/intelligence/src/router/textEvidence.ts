/**
 * What a text says explicitly about lines: words of a line's id, the id as a
 * phrase, conventional-commit scopes, paths and file names. Pure functions
 * used by the {@link Router}.
 *
 * @module
 */
import { tokenize } from "@software-factory/knowledge";

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
/** Trailing words of an id that mark a release stage, which people leave out when they name the line. */
const STAGE_WORDS = new Set(["experimental", "alpha", "beta", "preview", "legacy"]);
const PATH_PATTERN = /(?:^|[\s`'"(])((?:[\w.@-]+\/)+[\w.@-]+)/g;
/** A conventional-commit subject line (`fix(scope): ...`, also as a `* ` list item of a squashed body). */
const SCOPE_PATTERN = /^[ \t]*(?:[*-][ \t]*)?[a-z]+\(([^)\n]+)\)!?:/gim;

/** A possessive `'s` or `’s` after a word, which the tokenizer would keep as a word `s`. */
const POSSESSIVE = /(?<=[\p{L}\p{N}])['’]s(?![\p{L}\p{M}\p{N}_])/gu;

/**
 * The index terms of a text for routing: the knowledge base's tokenizer,
 * without the lone `s` of a possessive or contraction (`Acme's`, `it’s`), which
 * would match any line whose description has one.
 */
export function routingTerms(text: string): string[] {
  return tokenize(text.replaceAll(POSSESSIVE, ""));
}

/** The distinctive words of a line id (stemmed, generic words dropped). */
export function idWords(id: string): string[] {
  const words = tokenize(id.replaceAll(/[-_/.]/g, " ")).filter((word) => !GENERIC_ID_WORDS.has(word));
  return [...new Set(words)];
}

/** The forms under which people name a line: its id, and its id without a trailing stage word. */
export function idForms(id: string): string[] {
  const lower = id.toLowerCase();
  const parts = lower.split(/[-_ ]/);
  const forms = [lower];
  while (parts.length > 1 && STAGE_WORDS.has(parts.at(-1) ?? "")) {
    parts.pop();
    forms.push(parts.join("-"));
  }
  return forms;
}

/**
 * A matcher for a line's id written as a phrase (`angular-query`, `angular
 * query`), not inside a longer id; undefined for a one-word id, whose mention
 * is only a word of the text.
 */
export function idPhrasePattern(id: string): RegExp | undefined {
  const alternatives = idForms(id)
    .map((form) => form.split(/[-_ ]/))
    .filter((parts) => parts.length > 1)
    .map((parts) => parts.map((part) => part.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[-_ ]"));
  if (alternatives.length === 0) return undefined;
  return new RegExp(`(?:^|[^a-z0-9_-])(?:${alternatives.join("|")})(?![a-z0-9_-])`);
}

/** Scopes of conventional-commit subjects in a text (`fix(vue-query): ...` gives `vue-query`), lowercased. */
export function commitScopes(text: string): string[] {
  const scopes = new Set<string>();
  for (const match of text.matchAll(SCOPE_PATTERN)) {
    for (const scope of (match[1] ?? "").split(",")) {
      const head = scope.split("/")[0]?.trim().toLowerCase() ?? "";
      if (head !== "") scopes.add(head);
    }
  }
  return [...scopes];
}

/** Paths mentioned in a text (`src/accounts/session.ts`). */
export function mentionedPaths(text: string): string[] {
  return [...text.matchAll(PATH_PATTERN)].map((match) => match[1] ?? "").filter((path) => path !== "");
}

/**
 * The files of a line as text to match words against: each path without the
 * folder all of them share (`packages/vue-query/src/`), so what remains names
 * what the line contains (`__tests__/useQuery.test.ts`), plus the line's path globs.
 */
export function codeText(files: readonly string[], paths: readonly string[]): string {
  return [...withoutCommonFolder(files), ...paths].join("\n");
}

/**
 * The terms that set each file apart within its line: the terms of its path
 * below the common folder, without those shared by more than half of the
 * line's files (`ts`, `test`, the line's own name).
 */
export function distinctiveFileTerms(files: readonly string[]): ReadonlySet<string>[] {
  const termsOfFiles = withoutCommonFolder(files).map((file) => new Set(tokenize(file)));
  const counts = new Map<string, number>();
  for (const terms of termsOfFiles) for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  const common = (term: string) => files.length >= 4 && (counts.get(term) ?? 0) > files.length / 2;
  return termsOfFiles.map((terms) => new Set([...terms].filter((term) => !common(term))));
}

/** The words of a text by the index term they give (`queries` under `queri`), the first occurrence of each. */
export function wordsByTerm(text: string): Map<string, string> {
  const words = new Map<string, string>();
  for (const match of text.matchAll(/[\p{L}\p{N}_]+/gu)) {
    const word = match[0].toLowerCase();
    for (const term of tokenize(word)) if (!words.has(term)) words.set(term, word);
  }
  return words;
}

function withoutCommonFolder(files: readonly string[]): string[] {
  const prefix = commonFolder(files);
  return files.map((file) => file.slice(prefix.length));
}

function commonFolder(files: readonly string[]): string {
  if (files.length < 2) return "";
  let prefix = files[0] ?? "";
  for (const file of files) {
    while (!file.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix.slice(0, prefix.lastIndexOf("/") + 1);
}
