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
  /** The line of the floor plan it deployed; undefined when none was named (and in logs written before deployments named one). */
  readonly line: string | undefined;
  /** What was deployed (`v2.4.1`, a commit sha), when named. */
  readonly version: string | undefined;
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
  /**
   * The deployment the DORA measures blame it on (of `production`, their
   * default environment): the one named, else its line's latest production
   * deployment recorded before it opened. Undefined when there is none: it
   * then counts in no change failure rate (a production deployment of its
   * line recorded later does not take the blame).
   */
  readonly blamedOn: string | undefined;
  /**
   * The line of the floor plan it hurts: the one named when it was opened,
   * else its deployment's line; undefined when neither names one.
   */
  readonly line: string | undefined;
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

/** Which deployments `AssemblyLine.deployments` lists; every one when empty. */
export interface DeploymentFilter {
  /** Only deployments to this environment (`production`, `staging`). */
  readonly environment?: string;
  /** Only deployments that name this line. */
  readonly line?: string;
}

/** Which incidents `AssemblyLine.incidents` lists; every one when empty. */
export interface IncidentFilter {
  /** `true`: only unresolved incidents; `false`: only resolved ones. */
  readonly open?: boolean;
  /** Only incidents of this line: named when opened, or their deployment's. */
  readonly line?: string;
}
