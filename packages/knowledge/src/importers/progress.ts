/**
 * What importers report while they run and when they finish.
 *
 * @module
 */

/** Progress of a long import, reported after each item. */
export interface ImportProgress {
  /** Items handled so far. */
  readonly done: number;
  /** Items in all. */
  readonly total: number;
  /** The item just handled (a relative path, a record number). */
  readonly item: string;
}

/** One item an import could not take, with where and why. */
export interface ImportProblem {
  /** File (relative path) or record the problem is in. */
  readonly item: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** What was wrong, in words. */
  readonly message: string;
}

/** The outcome of an import: counts of what changed, what could not be taken (problems) and what was left out on purpose (warnings). */
export interface ImportReport {
  /** Documents captured (new ids, or ids whose document had been retracted). */
  readonly captured: number;
  /** Known documents revised because their content changed. */
  readonly revised: number;
  /** Known documents left as they were (same content). */
  readonly unchanged: number;
  /** Documents whose source disappeared, now retracted. */
  readonly retracted: number;
  /** Items that could not be imported, each with where and why. */
  readonly problems: readonly ImportProblem[];
  /** Items skipped without failing the import (a binary file among markdown). */
  readonly warnings: readonly ImportProblem[];
}
