import { z } from "zod";

/** What a work item is: a feature, a bug fix, an improvement or a chore. */
export const WorkItemKindSchema = z.enum(["feature", "bug", "improvement", "chore"]);
/** What a work item is. */
export type WorkItemKind = z.infer<typeof WorkItemKindSchema>;

/** Where a work item is in its life: moving, waiting on something, finished or abandoned. */
export const WorkItemStateSchema = z.enum(["active", "blocked", "done", "dropped"]);
/** Where a work item is in its life. */
export type WorkItemState = z.infer<typeof WorkItemStateSchema>;

/** Why an item was sent back: a defect found downstream, an upstream change, an incident, or another reason. */
export const ReworkCauseSchema = z.enum(["defect", "upstream", "incident", "other"]);
/** Why an item was sent back. */
export type ReworkCause = z.infer<typeof ReworkCauseSchema>;

/** An id of a line, as the floor plan names it (`checkout`, `line_01...`). */
export const LineIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "line id must be 1-128 chars of [A-Za-z0-9._:-]");

/** A unit of work moving through the pipeline, folded from its events. */
export interface WorkItem {
  /** Stable id (`wi_...`). */
  readonly id: string;
  /** The line the item belongs to. */
  readonly line: string;
  /** Short title. */
  readonly title: string;
  /** Feature, bug, improvement or chore. */
  readonly kind: WorkItemKind;
  /** Name of the flow the item follows. */
  readonly flow: string;
  /** The stages of that flow, in order. */
  readonly stages: readonly string[];
  /** The stage the item is in. */
  readonly stage: string;
  /** Active, blocked, done or dropped. */
  readonly state: WorkItemState;
  /** The operator accountable for the item: the line's owner unless set. */
  readonly owner: string | undefined;
  /** Other operators who worked on the item. */
  readonly contributors: readonly string[];
  /** Ids of the signals attached to it: given at creation, or linked (`addresses` from the item) by a link not reviewed obsolete; delivering it resolves them. */
  readonly signals: readonly string[];
  /** Why the item is blocked, dropped or was last sent back. */
  readonly reason: string | undefined;
  /** How many times the item was sent back for rework. */
  readonly sendBacks: number;
  /** When the item was created (ISO 8601). */
  readonly createdAt: string;
  /** When the item last changed. */
  readonly updatedAt: string;
  /** When the item entered its current stage. */
  readonly stageEnteredAt: string;
  /** When the item was first delivered (entered the delivery stage, or was completed). */
  readonly deliveredAt: string | undefined;
  /** When the item was completed or dropped. */
  readonly closedAt: string | undefined;
  /** Number of events about the item: the version a concurrent writer must not have moved. */
  readonly version: number;
  /** Log position of the item's last event. */
  readonly position: number;
}

/** Filter of {@link AssemblyLine.list}. */
export interface WorkItemFilter {
  /** Only items of this line. */
  readonly line?: string;
  /** Only items in this state (`active`, `blocked`, `done`, `dropped`). */
  readonly state?: WorkItemState;
  /** Only items in this stage. */
  readonly stage?: string;
  /** Only items this operator owns. */
  readonly owner?: string;
}
