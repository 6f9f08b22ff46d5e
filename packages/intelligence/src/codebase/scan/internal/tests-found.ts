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
  /**
   * The test's own name: as written, or, for one row of a `.each` table written
   * out in the source, as the runner names it (the row's values put in).
   */
  readonly testName: string;
  /** 1-based line of the test. */
  readonly line: number;
  /** A better statement of the requirement than the name, when the test has one (a docstring's first line). */
  readonly statement?: string;
  /**
   * The describe path then the name, as a title shows them, when that differs
   * from what is written: placeholders of a `.each` name whose table is not
   * known shown as `<parameter>`.
   */
  readonly readablePath?: readonly string[];
}
