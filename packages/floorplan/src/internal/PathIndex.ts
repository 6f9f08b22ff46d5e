import { type CompiledPattern, compilePattern } from "./pattern.js";

/** One rule of a path index: a pattern and what it maps to; later rules win. */
export interface PathRule<Value> {
  readonly pattern: string;
  readonly value: Value;
}

/** The rule that decided a path. */
export interface PathMatch<Value> {
  readonly pattern: string;
  readonly value: Value;
  /** Position of the rule in the list (0-based). */
  readonly index: number;
}

interface Entry<Value> {
  readonly compiled: CompiledPattern;
  readonly value: Value;
  readonly index: number;
}

interface TrieNode<Value> {
  readonly children: Map<string, TrieNode<Value>>;
  readonly entries: Entry<Value>[];
}

const newNode = <Value>(): TrieNode<Value> => ({ children: new Map(), entries: [] });

/**
 * Finds the last matching rule for a path without testing every rule: anchored
 * patterns are filed in a trie under their literal directory prefix, so a
 * lookup only tests the patterns on the path's own branch plus the floating
 * ones (`*.js`, `docs/`), newest first, and stops at the first match.
 */
export class PathIndex<Value> {
  readonly #root = newNode<Value>();
  readonly #floating: Entry<Value>[] = [];
  readonly #size: number;

  /**
   * Indexes the rules; a rule whose pattern cannot be compiled (one stored by
   * an older version) is left out and passed to `onSkip` with the reason, so
   * one bad rule never stops the lookups of all the others.
   */
  constructor(
    rules: readonly PathRule<Value>[],
    onSkip: (rule: PathRule<Value>, reason: string) => void = () => {},
  ) {
    rules.forEach((rule, index) => {
      let compiled: CompiledPattern;
      try {
        compiled = compilePattern(rule.pattern);
      } catch (error) {
        onSkip(rule, error instanceof Error ? error.message : String(error));
        return;
      }
      const entry: Entry<Value> = { compiled, value: rule.value, index };
      const prefix = entry.compiled.prefix;
      if (prefix === undefined) {
        this.#floating.push(entry);
        return;
      }
      let node = this.#root;
      for (const segment of prefix) {
        let child = node.children.get(segment);
        if (child === undefined) {
          child = newNode();
          node.children.set(segment, child);
        }
        node = child;
      }
      node.entries.push(entry);
    });
    this.#size = rules.length;
  }

  /** Number of rules. */
  get size(): number {
    return this.#size;
  }

  /**
   * The last rule matching the repository path (as `repositoryPath` reads it), if any. A path
   * without a trailing `/` is also the folder of that name to a folder pattern: `apps/web` is
   * claimed by `/apps/web/`.
   */
  match(path: string): PathMatch<Value> | undefined {
    const asFolder = path.endsWith("/") ? undefined : `${path}/`;
    let best: Entry<Value> | undefined;
    const consider = (entries: readonly Entry<Value>[]) => {
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i] as Entry<Value>;
        if (best !== undefined && entry.index < best.index) return;
        if (
          entry.compiled.test(path) ||
          (asFolder !== undefined && entry.compiled.folder && entry.compiled.test(asFolder))
        ) {
          best = entry;
          return;
        }
      }
    };
    let node: TrieNode<Value> | undefined = this.#root;
    consider(node.entries);
    let start = 0;
    while (node !== undefined && start < path.length) {
      let end = path.indexOf("/", start);
      if (end === -1) end = path.length;
      node = node.children.get(path.slice(start, end));
      if (node !== undefined) consider(node.entries);
      start = end + 1;
    }
    consider(this.#floating);
    return best === undefined
      ? undefined
      : { pattern: best.compiled.pattern, value: best.value, index: best.index };
  }
}
