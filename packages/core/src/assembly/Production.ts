/**
 * What production feeds back, as the assembly line reads it from its events:
 * deployments and incidents.
 *
 * @module
 */
import type { Severity } from "./Signal.js";

/** A deployment, folded from its `deployment.recorded` event. */
export interface Deployment {
  /** Stable id (`dep_...`). */
  readonly id: string;
  /** Where it went (`production`, `staging`); DORA measures count production only. */
  readonly environment: string;
  /** Whether it went out; a failed one counts toward the change failure rate. */
  readonly status: "succeeded" | "failed";
  /** Ids of the work items it shipped. */
  readonly workItems: readonly string[];
  /** Ids of the incidents it fixes (an unplanned deployment, counted as rework). */
  readonly remediates: readonly string[];
  /** When it was recorded. */
  readonly recordedAt: string;
  /** Who recorded it. */
  readonly recordedBy: string;
}

/** An incident in production, folded from its opening and its first resolution. */
export interface Incident {
  /** Stable id (`inc_...`). */
  readonly id: string;
  /** What is wrong in production. */
  readonly title: string;
  /** Low, medium, high or critical. */
  readonly severity: Severity;
  /** The deployment that caused it, when one was named. */
  readonly deployment: string | undefined;
  /** When it was opened. */
  readonly openedAt: string;
  /** Who opened it. */
  readonly openedBy: string;
  /** When service was restored (its first resolution); undefined while open. */
  readonly resolvedAt: string | undefined;
  /** Who resolved it. */
  readonly resolvedBy: string | undefined;
  /** How service was restored, when the resolution said. */
  readonly resolution: string | undefined;
}
