/**
 * Applying a plan to the floor plan: validate it, turn the differences into
 * events, append them in one batch, retrying when another writer moved the log.
 *
 * @module
 */
import {
  ConcurrencyConflictError,
  type EventLog,
  type NewEvent,
  retryOnConflict,
  type StoredEvent,
  ValidationError,
} from "@software-factory/core";
import * as Data from "effect/Data";
import { takenPaths } from "./internal/takenPaths.js";
import { recordedEntries, writeProblems } from "./internal/writeProblems.js";
import type { ProvenanceSource } from "./model.js";
import type { Plan } from "./Plan.js";
import { changesBetween, merged, type PlanChangesOptions } from "./planEvents.js";
import type { RelationRegistry } from "./RelationRegistry.js";
import { samePaths } from "./samePathLines.js";
import type { PlanProblem } from "./validatePlan.js";

/** Options of `FloorPlan.applyPlan`; a key it does not list is refused. */
export interface ApplyPlanOptions {
  /**
   * `replace` (default) makes the floor plan equal to the plan, retiring what it lacks, and renames the
   * product when the plan's has another id; `merge` only adds and updates (for imports), and leaves a
   * product of another id alone (see `mergePlans`).
   */
  readonly mode?: "replace" | "merge";
  /** Provenance of the facts declared (default `factory.yaml`). Lines without an owner are errors from factory.yaml and warnings from imports. */
  readonly source?: ProvenanceSource;
  /** Name recorded in the closing `floorplan.plan.applied` event (default the source). */
  readonly label?: string;
  /** Actor recorded on the events. */
  readonly actor?: string;
  /** Repository files, to warn about path patterns that match none. */
  readonly files?: readonly string[];
  /** Where inside the source each fact came from; see {@link PlanChangesOptions.refs}. */
  readonly refs?: ReadonlyMap<string, string>;
  /**
   * Whether a `replace` that leaves a floor plan with lines without any is
   * allowed (default false: it throws {@link RemoveAllLinesError}, since an
   * empty or truncated file is the usual cause). Removing some lines is always
   * allowed.
   */
  readonly allowRemoveAllLines?: boolean;
  /** Validate and count the changes without appending them (default false). */
  readonly dryRun?: boolean;
}

/**
 * A `replace` would remove every line of a floor plan that has some, and
 * `allowRemoveAllLines` was not set.
 */
export class RemoveAllLinesError extends Data.TaggedError("RemoveAllLinesError")<{
  /** Names the plan's source and the lines it would remove, and says to set `allowRemoveAllLines` if meant. */
  readonly message: string;
  /** The lines the apply would have removed. */
  readonly lines: readonly string[];
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_REMOVE_ALL_LINES";
}

/** What `FloorPlan.applyPlan` did. */
export interface ApplyPlanResult {
  /** The events appended (none when the plan was already current, or for a dry run). */
  readonly events: readonly StoredEvent[];
  /** Number of changes (events other than the closing `plan.applied`); for a dry run, the number an apply would make now. */
  readonly changes: number;
  /**
   * Warnings of the plan's validation (errors throw), and, for an import
   * merged (`mode: "merge"` from a source other than factory.yaml), a
   * `same-paths` warning (first) at each imported line that claims exactly
   * the paths of a line the floor plan had under another id (see
   * `samePathLines`), and a `taken-paths` warning (last) at each pattern of a
   * line the floor plan had that names a folder or file an imported line,
   * merged after it, now claims by a broader pattern (the last matching
   * pattern wins). Their paths point into the merged floor plan.
   */
  readonly warnings: readonly PlanProblem[];
}

/** Options of the single-change methods of `FloorPlan`; a key it does not list is refused. */
export interface ChangeOptions {
  /** Where the change comes from, recorded as its provenance (default `factory.yaml`: declared by hand). */
  readonly source?: ProvenanceSource;
  /** Who makes the change; the log's actor when omitted. */
  readonly actor?: string;
}

/** Longest wait between two attempts, in milliseconds (the waits grow to it, each one random up to its bound). */
const MAX_BACKOFF_MS = 250;

/**
 * What a write makes of the floor plan as it is when an attempt starts: the
 * plan to apply (merged into the current one in `merge` mode), the facts
 * it states that an import or an inference stated so far and that become
 * declared when the source is factory.yaml, and the entries the caller gave
 * (see `planEntries`), whose every problem is an error; elsewhere only the
 * errors the current plan did not have count. Called again on each attempt, so
 * an edit is made to the latest plan, never to one another writer has changed since.
 * A single edit also says how to name a problem's path by the argument that
 * brought the value (`lines[2].owner` -> `operatorId`), so its errors point at
 * what the caller wrote rather than at the line's place in the plan.
 */
export type PlanTarget = (current: Plan) => {
  readonly plan: Plan;
  readonly declaring: ReadonlySet<string>;
  readonly given: ReadonlySet<string>;
  readonly pathOf?: (path: string, next: Plan) => string;
};

/** What {@link writePlan} reads and writes: the floor plan's log and its current state. */
export interface PlanWriter {
  readonly log: EventLog;
  readonly relations: RelationRegistry;
  /** Folds the log up to its head and returns the position. */
  refresh(): Promise<number>;
  /** The plan the graph holds now. */
  current(): Plan;
  /** Where a fact of the current plan came from (keys as in {@link PlanChangesOptions.refs}). */
  sourceOf(key: string): ProvenanceSource | undefined;
}

/**
 * Applies a plan: validates the plan `target` makes of the current one (merged
 * into it in `merge` mode; errors the floor plan already had outside the
 * entries given are warnings, so data stored before a check existed never
 * blocks an edit that leaves it alone), appends the differences as one batch closed by a
 * `floorplan.plan.applied` event, and when another writer appended first,
 * waits a little (a random pause that grows with each conflict, so writers
 * that collided do not collide again in step) and decides again from the new
 * head, up to 50 times (`retryOnConflict`'s default).
 *
 * @throws ValidationError when the plan has errors in the entries given, or errors the current plan did not have.
 * @throws RemoveAllLinesError when a `replace` would remove every line and `allowRemoveAllLines` is not set.
 * @throws ConcurrencyConflictError when other writers kept moving the log during every attempt (on SQLite and PostgreSQL, only when an attempt outlasts its write turn); nothing was applied, and the message says to run the write again.
 */
export async function writePlan(
  writer: PlanWriter,
  target: PlanTarget,
  options: ApplyPlanOptions,
): Promise<ApplyPlanResult> {
  const label = options.label ?? options.source ?? "factory.yaml";
  return retryOnConflict(() => decideAndAppend(writer, target, options), {
    maxBackoffMs: MAX_BACKOFF_MS,
    onGiveUp: (last, attempts) => busy(label, attempts, last),
  });
}

/**
 * One attempt of {@link writePlan}: folds the log, makes the plan of the
 * current floor plan, validates it, and appends its changes with the head it
 * folded expected.
 *
 * @throws ValidationError when the plan has errors (see {@link writePlan}).
 * @throws RemoveAllLinesError when a `replace` would remove every line and `allowRemoveAllLines` is not set.
 * @throws ConcurrencyConflictError when another writer appended since the fold.
 */
async function decideAndAppend(
  writer: PlanWriter,
  target: PlanTarget,
  options: ApplyPlanOptions,
): Promise<ApplyPlanResult> {
  const source = options.source ?? "factory.yaml";
  const head = await writer.refresh();
  const current = writer.current();
  const { plan, declaring, given, pathOf } = target(current);
  const next = options.mode === "merge" ? merged(current, plan) : plan;
  const changes = changesBetween(current, next, {
    source,
    currentSource: (key) => (declaring.has(key) ? writer.sourceOf(key) : undefined),
    ...(options.refs === undefined ? {} : { refs: options.refs }),
  });
  const problems = writeProblems(
    { current, next, given, recorded: recordedEntries(changes) },
    {
      relations: writer.relations,
      requireOwners: source === "factory.yaml",
      ...(options.files === undefined ? {} : { files: options.files }),
    },
  );
  const errors = problems
    .filter((problem) => problem.severity === "error")
    .map((problem) => (pathOf === undefined ? problem : { ...problem, path: pathOf(problem.path, next) }));
  if (errors.length > 0) {
    throw new ValidationError({
      message: `floor plan is invalid: ${errors.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}`,
      issues: errors,
    });
  }
  if (
    options.mode !== "merge" &&
    next.lines.length === 0 &&
    current.lines.length > 0 &&
    !options.allowRemoveAllLines
  )
    throw removeAllLines(options.label ?? source, current);
  // An import merged may add a second line for a line's paths, or, merged after the lines the floor
  // plan had, take paths they claimed.
  const importing = options.mode === "merge" && source !== "factory.yaml";
  const warnings = [
    ...(importing ? samePaths(current, plan, next, next) : []),
    ...problems.filter((problem) => problem.severity === "warning"),
    ...(importing ? takenPaths(current, plan, next) : []),
  ];
  if (changes.length === 0 || options.dryRun) return { events: [], changes: changes.length, warnings };
  const batch: NewEvent[] = [
    ...changes,
    {
      type: "floorplan.plan.applied",
      subject: "floorplan",
      data: { source: options.label ?? source, changes: changes.length },
    },
  ];
  const events = await writer.log.append(batch, {
    expectedHead: head,
    ...(options.actor === undefined ? {} : { actor: options.actor }),
  });
  await writer.refresh();
  return { events, changes: changes.length, warnings };
}

/** The conflict a write gives up with, said so that whoever ran it knows what happened and what to do. */
function busy(label: string, attempts: number, last: ConcurrencyConflictError): ConcurrencyConflictError {
  return new ConcurrencyConflictError({
    message: `${label}: other processes kept writing to the factory, and the floor plan changed before each of ${attempts} attempts could land; nothing was applied: run it again (when the other writers are done, it lands)`,
    expected: last.expected,
    actual: last.actual,
  });
}

function removeAllLines(label: string, current: Plan): RemoveAllLinesError {
  const lines = current.lines.map((line) => line.id);
  const named = lines.slice(0, 5).join(", ") + (lines.length > 5 ? `, ... (${lines.length - 5} more)` : "");
  return new RemoveAllLinesError({
    message: `${label} declares no lines: applying it would remove all ${lines.length} lines of the floor plan (${named}); set allowRemoveAllLines to apply it anyway`,
    lines,
  });
}
