import type { Artifact } from "./Artifact.js";
import type { TraceLink } from "./TraceLink.js";
import type { WorkItem } from "./WorkItem.js";

/** One reason a gate refuses a move. */
export interface GateFinding {
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** A gate's answer: pass, or the findings that block the move. */
export type GateResult =
  | {
      /** The move may go ahead. */
      readonly pass: true;
    }
  | {
      /** The move is refused. */
      readonly pass: false;
      /** Why it is refused: at least one finding. */
      readonly findings: readonly GateFinding[];
    };

/** What a gate sees besides the item. */
export interface GateContext {
  /** The stage the item is leaving. */
  readonly from: string;
  /** The stage the item is about to enter. */
  readonly to: string;
  /** Who asked for the move. */
  readonly actor: string;
  /** The item's artifacts, latest versions. */
  readonly artifacts: readonly Artifact[];
  /** Suspect links touching the item or its artifacts. */
  readonly suspectLinks: readonly TraceLink[];
}

/**
 * A check run before an item enters one of `stages`. Every registered gate for
 * the target stage runs; if any fails, the move is refused with a
 * `GateFailedError` carrying all findings, and the failure is recorded.
 *
 * @example
 * ```ts
 * const noSuspects: Gate = {
 *   name: "no-suspect-links",
 *   stages: ["release"],
 *   check: async (_item, ctx) =>
 *     ctx.suspectLinks.length === 0
 *       ? { pass: true }
 *       : { pass: false, findings: [{ message: `${ctx.suspectLinks.length} suspect links` }] },
 * };
 * ```
 */
export interface Gate {
  /** Unique name, shown in findings. */
  readonly name: string;
  /** Stages the gate guards (entering them); `*` guards every stage. */
  readonly stages: readonly string[];
  /** Decides whether the item may enter `ctx.to`. A throw counts as a failure. */
  check(item: WorkItem, ctx: GateContext): Promise<GateResult> | GateResult;
}
