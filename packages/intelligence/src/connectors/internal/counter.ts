/**
 * The counts a connector adds to as it goes, turned into its summary at the end.
 *
 * @module
 */
import type { ImportProblem } from "@software-factory/knowledge";
import type { ConnectorSummary } from "../summary.js";

/** Counts a connector adds to as it goes. */
export interface SummaryCounter {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  truncated: number;
  problems: ImportProblem[];
}

/** A counter at zero. */
export function newCounter(): SummaryCounter {
  return { created: 0, updated: 0, unchanged: 0, skipped: 0, truncated: 0, problems: [] };
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
