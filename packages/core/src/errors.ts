import * as Data from "effect/Data";
import type { z } from "zod";
import { inPlainWords } from "./plainWords.js";

/** One problem found while validating input, with where it was found. */
export interface ValidationIssue {
  /** Dotted path of the offending field inside the input (`data.title`, `lines[2].owner`); empty for the root. */
  readonly path: string;
  /** What is wrong, in words a user can act on. */
  readonly message: string;
  /** File the input came from, when it came from a file. */
  readonly file?: string;
  /** 1-based line in that file, when known. */
  readonly line?: number;
  /** 1-based column in that file, when known. */
  readonly column?: number;
}

/**
 * Input failed validation. Carries every issue found, not only the first.
 *
 * `message` names each offending field (and file and line when the input came
 * from a file), so it can be shown to a user as it is.
 */
export class ValidationError extends Data.TaggedError("ValidationError")<{
  /** Names every offending field (with file and line when known); fit to show a user as it is. */
  readonly message: string;
  /** Every problem found, not only the first; match on `path` rather than on the message text. */
  readonly issues: readonly ValidationIssue[];
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_VALIDATION";
}

/** An event type was appended or validated that no registered definition knows. */
export class UnknownEventTypeError extends Data.TaggedError("UnknownEventTypeError")<{
  /** Names the unknown type and lists the registered ones. */
  readonly message: string;
  /** The event type no definition is registered for. */
  readonly type: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_UNKNOWN_EVENT_TYPE";
}

/** An append named an expected head position, and the log had moved past it. */
export class ConcurrencyConflictError extends Data.TaggedError("ConcurrencyConflictError")<{
  /** Says which position (or item version) was expected and which was found; read again and retry. */
  readonly message: string;
  /** The head position the writer expected. */
  readonly expected: number;
  /** The head position the log actually had. */
  readonly actual: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_CONCURRENCY_CONFLICT";
}

/** An idempotency key was reused for a different batch of events. */
export class IdempotencyConflictError extends Data.TaggedError("IdempotencyConflictError")<{
  /** Names the key and what it was first used for; retry with a new key. */
  readonly message: string;
  /** The reused idempotency key. */
  readonly key: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_IDEMPOTENCY_CONFLICT";
}

/** The store on disk was written by a newer version of the SDK than this one. */
export class SchemaVersionError extends Data.TaggedError("SchemaVersionError")<{
  /** Names both versions and says to upgrade the SDK. */
  readonly message: string;
  /** Schema version found in the store. */
  readonly found: number;
  /** Newest schema version this code knows. */
  readonly supported: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_SCHEMA_VERSION";
}

/**
 * An event in the log is stored at a newer version of its type than this
 * code defines: a newer version of the SDK (or of the code defining the type)
 * wrote it, and reading it with the older schema would misread it. Upgrade
 * to read it. A read that meets one fails rather than skip it.
 */
export class EventVersionError extends Data.TaggedError("EventVersionError")<{
  /** Names the event (position, id), its type, both versions, and says to upgrade. */
  readonly message: string;
  /** The event's type. */
  readonly type: string;
  /** The version the event is stored at. */
  readonly version: number;
  /** The newest version of the type this code knows. */
  readonly supported: number;
  /** The event's position in the log. */
  readonly position: number;
  /** The event's id. */
  readonly id: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_EVENT_VERSION";
}

/** The underlying store failed (I/O, a locked or corrupt file, a lost connection). */
export class StoreError extends Data.TaggedError("StoreError")<{
  /** What failed and where (the file, or the database and schema), and what to do when there is a fix. */
  readonly message: string;
  /** The error thrown by the driver or file system, when there was one. */
  readonly cause?: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_STORE";
}

/**
 * A write was refused because the factory (its store) is open read-only: the
 * folder or the database file cannot be written by this process (a CI
 * artifact, another user's folder, a read-only mount), or it was opened with
 * `readOnly: true`. Reading works; nothing was written.
 */
export class ReadOnlyError extends Data.TaggedError("ReadOnlyError")<{
  /** Names the read-only folder or file, why it is read-only, and what was refused. */
  readonly message: string;
  /** The folder or file that is read-only. */
  readonly path: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_READ_ONLY";
}

/**
 * A folder could not be made (permission denied, a read-only file system, a
 * file in the way, a folder that takes no new entries). The message names it
 * (and the folder asked for, when one above that failed) and says why in
 * words: `cannot create the folder /proc/x (for /proc/x/factory): the folder
 * above it is gone or takes no new entries (ENOENT)`.
 */
export class FolderError extends Data.TaggedError("FolderError")<{
  /** Names the folder that could not be made and the one asked for, and says why. */
  readonly message: string;
  /** The folder asked for. */
  readonly path: string;
  /** The folder that could not be made: `path` or one above it. */
  readonly folder: string;
  /** The system's code for why (`EACCES`, `EROFS`, `ENOENT`, ...), when it gave one. */
  readonly systemCode?: string;
  /** The error thrown by the file system. */
  readonly cause?: unknown;
}> {
  /** Stable code for programs to match on; the system's code is `systemCode`. */
  readonly code = "E_FOLDER";
}

/** A resource was used after `close()`. */
export class ClosedError extends Data.TaggedError("ClosedError")<{
  /** Names the closed resource (`the event store at ./factory.db is closed`). */
  readonly message: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_CLOSED";
}

/** A requested entity does not exist. */
export class NotFoundError extends Data.TaggedError("NotFoundError")<{
  /** Names the entity and the id looked up, and the input field when one named it. */
  readonly message: string;
  /** Kind of entity looked up (`event`, `line`, `document`). */
  readonly entity: string;
  /** The id that was looked up. */
  readonly id: string;
  /** The input field that named the id (`line`, `owner`, `contributors[1]`), when a caller's input named it. */
  readonly field?: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_NOT_FOUND";
}

/** A work item was asked to make a move its state or stage does not allow. */
export class IllegalTransitionError extends Data.TaggedError("IllegalTransitionError")<{
  /** Names the item, its stage and state, the move refused and why. */
  readonly message: string;
  /** The work item's id. */
  readonly item: string;
  /** The stage it is in. */
  readonly stage: string;
  /** Its state (`active`, `blocked`, `done`, `dropped`). */
  readonly state: string;
  /** The attempted move (`advance`, `sendBack`, `block`, `unblock`, `drop`, `complete`). */
  readonly move: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_ILLEGAL_TRANSITION";
}

/** A work item may not leave its stage without evidence (a change set, passing test evidence). */
export class EvidenceMissingError extends Data.TaggedError("EvidenceMissingError")<{
  /** Names the item, the stage and each missing artifact kind. */
  readonly message: string;
  /** The work item's id. */
  readonly item: string;
  /** The stage it tried to leave. */
  readonly stage: string;
  /** The attempted move. */
  readonly move: string;
  /** Artifact kinds still missing (or failing, for test evidence). */
  readonly missing: readonly string[];
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_EVIDENCE_MISSING";
}

/** One finding of a failed gate. */
export interface GateFailure {
  /** The gate that refused. */
  readonly gate: string;
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** Gates refused a work item's entry into a stage; the findings say why. */
export class GateFailedError extends Data.TaggedError("GateFailedError")<{
  /** Names the item, the stage it tried to enter and every failing gate with its findings. */
  readonly message: string;
  /** The work item's id. */
  readonly item: string;
  /** The stage it is in. */
  readonly stage: string;
  /** The stage it tried to enter. */
  readonly target: string;
  /** Every finding of every failing gate. */
  readonly findings: readonly GateFailure[];
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_GATE_FAILED";
}

/** Entering a stage would take a line past its WIP limit, and no override was given. */
export class WipLimitError extends Data.TaggedError("WipLimitError")<{
  /** Names the line, its limit, the items in progress and how to override it. */
  readonly message: string;
  /** The work item's id. */
  readonly item: string;
  /** The stage it is in (or would start in). */
  readonly stage: string;
  /** The stage it tried to enter. */
  readonly target: string;
  /** The line at its limit. */
  readonly line: string;
  /** The line's WIP limit. */
  readonly limit: number;
  /** Items of the line in progress now. */
  readonly inProgress: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_WIP_LIMIT";
}

/** Every error the core kernel raises. */
export type FactoryError =
  | ValidationError
  | UnknownEventTypeError
  | ConcurrencyConflictError
  | IdempotencyConflictError
  | SchemaVersionError
  | EventVersionError
  | StoreError
  | ReadOnlyError
  | FolderError
  | ClosedError
  | NotFoundError
  | IllegalTransitionError
  | EvidenceMissingError
  | GateFailedError
  | WipLimitError;

/** The `_tag` of every {@link FactoryError}. */
const FACTORY_ERROR_TAGS: ReadonlySet<string> = new Set<FactoryError["_tag"]>([
  "ValidationError",
  "UnknownEventTypeError",
  "ConcurrencyConflictError",
  "IdempotencyConflictError",
  "SchemaVersionError",
  "EventVersionError",
  "StoreError",
  "ReadOnlyError",
  "FolderError",
  "ClosedError",
  "NotFoundError",
  "IllegalTransitionError",
  "EvidenceMissingError",
  "GateFailedError",
  "WipLimitError",
]);

/** Whether a value is one of the kernel's typed errors ({@link FactoryError}), by its `_tag`. */
export function isFactoryError(error: unknown): error is FactoryError {
  const tag = (error as { _tag?: unknown } | null | undefined)?._tag;
  return typeof tag === "string" && FACTORY_ERROR_TAGS.has(tag);
}

/** Options that say where validated input came from, for error messages. */
export interface ValidationSource {
  /** What was being validated (`event "line.added"`, `factory.yaml`); starts the message. */
  readonly subject: string;
  /** Path prefix to put before each issue path (`data`). */
  readonly pathPrefix?: string;
  /** File the input came from. */
  readonly file?: string;
}

/**
 * Turns zod issues into a {@link ValidationError} whose message names every
 * field, zod's default messages said in plain words ({@link inPlainWords}:
 * `title: required (a string)`, not `Invalid input: expected string,
 * received undefined`); a schema's own message is kept.
 *
 * @example
 * ```ts
 * const result = schema.safeParse(input);
 * if (!result.success) throw validationErrorFromZod(result.error.issues, { subject: "operator" });
 * ```
 */
export function validationErrorFromZod(
  zodIssues: readonly z.core.$ZodIssue[],
  source: ValidationSource,
): ValidationError {
  const issues: ValidationIssue[] = tightestBounds(zodIssues).map((issue) => {
    const path = joinPath(source.pathPrefix, issue.path);
    const message = inPlainWords(issue);
    return source.file === undefined ? { path, message } : { path, message, file: source.file };
  });
  return new ValidationError({ message: formatIssues(source.subject, issues), issues });
}

/**
 * The issues without a bound that a tighter one at the same place says
 * already: a whole number past both `.max(20000)` and the safe integers is
 * past 20,000, not also past 9,007,199,254,740,991.
 */
function tightestBounds(issues: readonly z.core.$ZodIssue[]): readonly z.core.$ZodIssue[] {
  const tightest = new Map<string, number>();
  const place = (issue: z.core.$ZodIssue) => `${issue.code} ${JSON.stringify(issue.path)}`;
  const limit = (issue: z.core.$ZodIssue): number | undefined => {
    if (issue.code === "too_big") return Number(issue.maximum);
    if (issue.code === "too_small") return -Number(issue.minimum);
    return undefined;
  };
  for (const issue of issues) {
    const bound = limit(issue);
    if (bound !== undefined) tightest.set(place(issue), Math.min(bound, tightest.get(place(issue)) ?? bound));
  }
  return issues.filter((issue) => {
    const bound = limit(issue);
    return bound === undefined || bound === tightest.get(place(issue));
  });
}

/** Formats issues as `subject is invalid: path: message; path: message`. */
export function formatIssues(subject: string, issues: readonly ValidationIssue[]): string {
  const parts = issues.map((issue) => {
    const place = [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(":");
    const field = issue.path === "" ? "(root)" : issue.path;
    return `${place === "" ? "" : `${place} `}${field}: ${issue.message}`;
  });
  return `${subject} is invalid: ${parts.join("; ")}`;
}

function joinPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  let out = prefix ?? "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
