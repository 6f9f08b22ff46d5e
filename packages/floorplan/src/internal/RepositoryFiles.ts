import type { CompiledPattern } from "./pattern.js";
import { tidyPath } from "./repositoryPath.js";

/** The first position in sorted `files` whose file is not before `text`. */
function lowerBound(files: readonly string[], text: string): number {
  let low = 0;
  let high = files.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((files[middle] ?? "") < text) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A repository's files, normalized and sorted once, to ask whether a path
 * pattern matches any of them. A pattern anchored under a folder
 * (`/services/payments/`) tests only the files of that folder, found by
 * binary search, so checking every pattern of a plan costs about the files
 * each claims rather than all files for each pattern; a floating pattern
 * (`*.sql`, `docs/`) still tests the files in order until one matches, once
 * per pattern text.
 */
export class RepositoryFiles {
  readonly #files: readonly string[];
  /** Answers by pattern text: lines often repeat a floating pattern (`*.proto`), which may test every file. */
  readonly #answers = new Map<string, boolean>();

  constructor(files: readonly string[]) {
    // Read as lookups read paths; one climbing above the root (`../x`) is kept as listed and matches no anchored pattern.
    this.#files = files.map((file) => tidyPath(file) ?? file).sort();
  }

  /** Whether any file matches the pattern. */
  anyMatch(pattern: CompiledPattern): boolean {
    let answer = this.#answers.get(pattern.pattern);
    if (answer === undefined) {
      answer = this.#search(pattern);
      this.#answers.set(pattern.pattern, answer);
    }
    return answer;
  }

  #search(pattern: CompiledPattern): boolean {
    const prefix = pattern.prefix?.join("/") ?? "";
    if (prefix === "") return this.#files.some((file) => pattern.test(file));
    // Every file that starts with the prefix is in one run of the sorted list; of those, the
    // prefix itself and the files under it (`services/payments/...`, not `services/payments-ui/...`) can match.
    for (let at = lowerBound(this.#files, prefix); at < this.#files.length; at++) {
      const file = this.#files[at] ?? "";
      if (!file.startsWith(prefix)) return false;
      if ((file.length === prefix.length || file[prefix.length] === "/") && pattern.test(file)) return true;
    }
    return false;
  }
}
