/**
 * What a test-file parser reports: one test with its describe path, name and line.
 *
 * @module
 */
import type { TestFramework } from "../../proposal.js";

/** One test found in a file by a framework's parser. */
export interface FoundTest {
  readonly framework: TestFramework;
  /** Enclosing `describe` blocks (or class, parent test, Feature and Rule), outermost first. */
  readonly describePath: readonly string[];
  /** The test's own name as written (placeholders of parametrised names kept). */
  readonly testName: string;
  /** 1-based line of the test. */
  readonly line: number;
  /** A better statement of the requirement than the name, when the test has one (a docstring's first line). */
  readonly statement?: string;
}
