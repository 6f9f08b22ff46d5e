import type { Artifact } from "./Artifact.js";
import type { Signal } from "./Signal.js";
import type { TraceLink } from "./TraceLink.js";
import type { WorkItem } from "./WorkItem.js";

/** A work item's chain, from the signals it came from to operational feedback. */
export interface Trace {
  /** The item. */
  readonly item: WorkItem;
  /** Signals it came from. */
  readonly signals: readonly Signal[];
  /** Every artifact reached: the item's own and those linked up- or downstream, in pipeline stage order. */
  readonly artifacts: readonly Artifact[];
  /** Every link crossed. */
  readonly links: readonly TraceLink[];
  /** Ids reached walking upstream (sources: requirements, standards, signals). */
  readonly upstream: readonly string[];
  /** Ids reached walking downstream (consequences: code, tests, releases, feedback). */
  readonly downstream: readonly string[];
}
