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
  /** Input items that could not be taken, with where and why (unknown work items, unmatched lines...). */
  readonly problems: readonly ImportProblem[];
}

/** Counts a connector adds to as it goes. */
export interface SummaryCounter {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  problems: ImportProblem[];
}

/** A counter at zero. */
export function newCounter(): SummaryCounter {
  return { created: 0, updated: 0, unchanged: 0, skipped: 0, problems: [] };
}

/** Counts an artifact recording: created when it did not exist, else updated or unchanged. */
export function countRecording(counter: SummaryCounter, existed: boolean, changed: boolean): void {
  if (!existed) counter.created += 1;
  else if (changed) counter.updated += 1;
  else counter.unchanged += 1;
}

/** The summary of a counter. */
export function summaryOf(counter: SummaryCounter): ConnectorSummary {
  return { ...counter, problems: [...counter.problems] };
}
