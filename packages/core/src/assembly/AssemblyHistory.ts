import type { StoredEvent } from "../EventStore.js";
import { MAX_PENDING } from "./internal/AssemblyState.js";
import { foldInto } from "./internal/historyFold.js";
import { DEFAULT_PIPELINE, type PipelineConfig, type PipelineInput, parsePipeline } from "./Pipeline.js";
import type { ReworkCause, WorkItemState } from "./WorkItem.js";

/** One stay of an item in a stage: entered, and left (unless it is still there). */
export interface StageVisit {
  /** The stage's name. */
  readonly stage: string;
  /** When it entered the stage, in milliseconds since the epoch. */
  readonly enteredAt: number;
  /** When it left the stage, in milliseconds since the epoch; undefined while the item is still there. */
  exitedAt: number | undefined;
}

/** Everything the measures need about one work item, in milliseconds since the epoch. */
export interface ItemHistory {
  /** The work item's id. */
  readonly id: string;
  /** The line it was created on. */
  readonly line: string;
  /** Its current owner (the operator last assigned); undefined when nobody is assigned. */
  owner: string | undefined;
  /** Each owner it had, oldest first, from creation or assignment; a window reads the owner as of its end. */
  readonly owners: {
    /** The operator who owned it from then on. */
    readonly owner: string;
    /** Since when, in milliseconds since the epoch. */
    readonly at: number;
  }[];
  /** When it was created. */
  readonly createdAt: number;
  /** Its current state (active, blocked, done or dropped). */
  state: WorkItemState;
  /** The stage it is in now (the last one it entered). */
  stage: string;
  /**
   * When it first entered the delivery stage or was completed, never before
   * its creation (a stamp from a writer whose clock runs behind counts as at
   * once); undefined until then.
   */
  deliveredAt: number | undefined;
  /** Its stays in stages, oldest first. */
  readonly visits: StageVisit[];
  /** Blocked intervals; the last one may still be open. */
  readonly blocked: {
    /** When it was blocked, in milliseconds since the epoch. */
    from: number;
    /** When it was unblocked, in milliseconds since the epoch; undefined while still blocked. */
    to: number | undefined;
  }[];
  /** Each time it was sent back: the stage it left, the rework cause, and when. */
  readonly sendBacks: {
    /** The stage it was sent back from. */
    from: string;
    /** Why rework was needed, as the sender classified it. */
    cause: ReworkCause;
    /** When, in milliseconds since the epoch. */
    at: number;
  }[];
  /** Each move a gate refused: the stage it was leaving, the stage it asked for, and when. */
  readonly gateFailures: {
    /** The stage it was leaving. */
    from: string;
    /** The stage it asked to enter. */
    to: string;
    /** When, in milliseconds since the epoch. */
    at: number;
  }[];
  /** Links touching the item or its artifacts that were cleared with the verdict `adapted`, ever (`adaptedAt.length`). */
  adaptedLinks: number;
  /** When each of those links was cleared `adapted`, in milliseconds since the epoch, oldest first; a window counts those before its end. */
  readonly adaptedAt: number[];
  /** When its first change set was recorded (the DORA change lead time starts there). */
  firstChangeAt: number | undefined;
}

/** A deployment, for the DORA measures. */
export interface DeploymentHistory {
  /** The deployment's id. */
  readonly id: string;
  /** When it was recorded, in milliseconds since the epoch. */
  readonly at: number;
  /** The environment it went to (for example `production`). */
  readonly environment: string;
  /** Whether it succeeded or failed. */
  readonly status: "succeeded" | "failed";
  /** Ids of the work items it shipped. */
  readonly workItems: readonly string[];
  /** Incidents it was made to fix (an unplanned deployment). */
  readonly remediates: readonly string[];
  /** The line it deployed, when it names one; otherwise its work items' lines are its lines. */
  readonly line: string | undefined;
  /** Incidents it caused (those that named it). */
  readonly incidents: string[];
}

/** An incident, for the DORA measures. */
export interface IncidentHistory {
  /** The incident's id. */
  readonly id: string;
  /** When it was opened, in milliseconds since the epoch. */
  readonly openedAt: number;
  /** The deployment it was blamed on; undefined when none was named. */
  readonly deployment: string | undefined;
  /** The line it was opened on, when named; one without a deployment counts against that line's latest deployment before it. */
  readonly line: string | undefined;
  /**
   * When it was resolved, in milliseconds since the epoch; undefined while it
   * is open. A resolution stamped before the opening (a writer whose clock runs
   * behind) counts as at the opening.
   */
  resolvedAt: number | undefined;
}

/** A signal's attachment to a work item, in milliseconds since the epoch. */
export interface SignalAttachment {
  /** The work item's id. */
  readonly workItem: string;
  /** When it began: the item's creation with the signal, or the `addresses` link from the item (never before the item's creation). */
  readonly at: number;
  /** When the link was reviewed obsolete (never before `at`); undefined while it lasts (an attachment at creation always does). */
  until: number | undefined;
}

/** A signal's resolution by the delivery of a work item it is attached to, in milliseconds since the epoch. */
export interface SignalResolution {
  /** The delivered work item that resolved it. */
  readonly workItem: string;
  /** When it was resolved. */
  readonly at: number;
  /** When it was undone, by the link attaching the signal to that item being reviewed obsolete (never before `at`); undefined while it stands. */
  until: number | undefined;
}

/** Everything the measures need about one signal, in milliseconds since the epoch. */
export interface SignalHistory {
  /** The signal's id. */
  readonly id: string;
  /** The operator who captured it (the event's actor). */
  readonly capturedBy: string;
  /** When it was captured. */
  readonly capturedAt: number;
  /** The line it was last routed to; undefined until it is routed. */
  line: string | undefined;
  /** When it was first routed (the signal's `firstRoutedAt`, not its `routedAt`, which a re-route moves); undefined until then. */
  routedAt: number | undefined;
  /** Each routing, oldest first: the line and when, in milliseconds since the epoch; a window reads the line as of its end. */
  readonly routings: {
    /** The line it was routed to. */
    readonly line: string;
    /** When, in milliseconds since the epoch. */
    readonly at: number;
  }[];
  /**
   * Ids of the work items it is attached to now: created with it, or linked
   * to it by an `addresses` link from the item not reviewed obsolete.
   */
  workItems: string[];
  /** Each attachment to a work item, oldest first; a window counts the signal as turned into work when one is open at its end. */
  readonly attachments: SignalAttachment[];
  /** When it was resolved, as it stands: its resolution not undone since; undefined until then. */
  resolvedAt: number | undefined;
  /** Each resolution, oldest first; a window counts the signal as resolved when one is open at its end. */
  readonly resolutions: SignalResolution[];
}

/**
 * The assembly line's history folded for measuring: per item its stage
 * visits, blocked time, rework and gate failures; per signal its lifecycle.
 * Fold it once, then measure any window and scope from it.
 */
export interface AssemblyHistory {
  /** Work items by id. */
  readonly items: ReadonlyMap<string, ItemHistory>;
  /** Signals by id. */
  readonly signals: ReadonlyMap<string, SignalHistory>;
  /** Deployments by id. */
  readonly deployments: ReadonlyMap<string, DeploymentHistory>;
  /** Incidents by id. */
  readonly incidents: ReadonlyMap<string, IncidentHistory>;
  /** Stages whose items count as work in progress. */
  readonly wipStages: ReadonlySet<string>;
  /** Entering this stage counts as delivery. */
  readonly deliveryStage: string | undefined;
}

/** Folds assembly events into an {@link AssemblyHistory}, one at a time, so the history can follow a live log. */
export interface AssemblyHistoryFolder {
  /** The history so far; it changes as events are applied. */
  readonly history: AssemblyHistory;
  /** Folds one event (in log order); other event types are ignored. */
  apply(event: StoredEvent): void;
}

/**
 * Creates an empty history and the function that folds events into it.
 *
 * @throws ValidationError when the pipeline configuration is invalid.
 */
export function createHistoryFolder(pipelineInput: PipelineInput = DEFAULT_PIPELINE): AssemblyHistoryFolder {
  const { history, apply } = historyFolder(parsePipeline(pipelineInput));
  return { history, apply };
}

/**
 * @internal What a history folder holds: the history's maps and the folder's
 * own (artifacts' and links' work items, the links that attached a signal).
 */
export interface HistoryFolderData {
  readonly items: Map<string, ItemHistory>;
  readonly signals: Map<string, SignalHistory>;
  readonly artifactItem: Map<string, string>;
  readonly linkFrom: Map<string, string>;
  readonly deployments: Map<string, DeploymentHistory>;
  readonly incidents: Map<string, IncidentHistory>;
  readonly attachingLinks: Map<string, { signal: SignalHistory; attachment: SignalAttachment }>;
}

/** @internal A history folder that can give its maps for a snapshot (the very maps, not copies). */
export interface SavingHistoryFolder extends AssemblyHistoryFolder {
  data(): HistoryFolderData;
}

/**
 * @internal A history folder over a parsed pipeline, empty or holding what
 * `saved` reads (the `data()` of one folded before over the same pipeline,
 * read back from a snapshot). `saved` is called on first use (`history`,
 * `data()`, or once `MAX_PENDING` events wait); events folded until then
 * wait to be applied after it.
 */
export function historyFolder(
  pipeline: PipelineConfig,
  saved?: () => HistoryFolderData,
): SavingHistoryFolder {
  if (saved === undefined) return foldInto(pipeline, undefined);
  let folder: ReturnType<typeof foldInto> | undefined;
  let pending: StoredEvent[] = [];
  const ready = () => {
    if (folder !== undefined) return folder;
    folder = foldInto(pipeline, saved());
    for (const event of pending) folder.apply(event);
    pending = [];
    return folder;
  };
  return {
    get history() {
      return ready().history;
    },
    apply: (event) => {
      if (folder !== undefined) folder.apply(event);
      else {
        pending.push(event);
        if (pending.length >= MAX_PENDING) ready();
      }
    },
    data: () => ready().data(),
  };
}

/**
 * Folds assembly events (in log order) into an {@link AssemblyHistory}.
 * Other event types are ignored, so the whole log can be passed.
 *
 * @throws ValidationError when the pipeline configuration is invalid.
 * @example
 * ```ts
 * const events = [];
 * for await (const event of log.readAll({ types: ASSEMBLY_EVENT_TYPES })) events.push(event);
 * const history = foldAssemblyHistory(events);
 * ```
 */
export function foldAssemblyHistory(
  events: Iterable<StoredEvent>,
  pipelineInput: PipelineInput = DEFAULT_PIPELINE,
): AssemblyHistory {
  const folder = createHistoryFolder(pipelineInput);
  for (const event of events) folder.apply(event);
  return folder.history;
}
