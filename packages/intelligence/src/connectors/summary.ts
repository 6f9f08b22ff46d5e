/**
 * What every connector returns: counts of what it wrote, and what it could not take.
 *
 * @module
 */
import type { ImportProblem } from "@software-factory/knowledge";

/** The outcome of a connector run. A second run over the same input creates and updates nothing. */
export interface ConnectorSummary {
  /** Entities written for the first time (artifacts, signals, work items, documents, links). */
  readonly created: number;
  /** Entities that existed and changed. */
  readonly updated: number;
  /** Entities that existed and were already as the input says. */
  readonly unchanged: number;
  /** Input items deliberately left out (a commit touching no path, a closed issue...). */
  readonly skipped: number;
  /**
   * Input fields written cut to the factory's limits, because the source is
   * not the user's to shorten (an issue body past a signal's 10,000
   * characters); the full text stays at the source. Zero when nothing was cut.
   */
  readonly truncated: number;
  /** Input items that could not be taken, with where and why (unknown work items, unmatched lines...). */
  readonly problems: readonly ImportProblem[];
}
