import * as Data from "effect/Data";
import type { z } from "zod";

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
  readonly message: string;
  readonly issues: readonly ValidationIssue[];
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_VALIDATION";
}

/** An event type was appended or validated that no registered definition knows. */
export class UnknownEventTypeError extends Data.TaggedError("UnknownEventTypeError")<{
  readonly message: string;
  readonly type: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_UNKNOWN_EVENT_TYPE";
}

/** An append named an expected head position, and the log had moved past it. */
export class ConcurrencyConflictError extends Data.TaggedError("ConcurrencyConflictError")<{
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
  readonly message: string;
  readonly key: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_IDEMPOTENCY_CONFLICT";
}

/** The store on disk was written by a newer version of the SDK than this one. */
export class SchemaVersionError extends Data.TaggedError("SchemaVersionError")<{
  readonly message: string;
  /** Schema version found in the store. */
  readonly found: number;
  /** Newest schema version this code knows. */
  readonly supported: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_SCHEMA_VERSION";
}

/** The underlying store failed (I/O, a locked or corrupt file, a lost connection). */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly message: string;
  readonly cause?: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_STORE";
}

/** A resource was used after `close()`. */
export class ClosedError extends Data.TaggedError("ClosedError")<{
  readonly message: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_CLOSED";
}

/** A requested entity does not exist. */
export class NotFoundError extends Data.TaggedError("NotFoundError")<{
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
  | StoreError
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
  "StoreError",
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
 * Turns zod issues into a {@link ValidationError} whose message names every field.
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
  const issues: ValidationIssue[] = zodIssues.map((issue) => {
    const path = joinPath(source.pathPrefix, issue.path);
    return source.file === undefined
      ? { path, message: issue.message }
      : { path, message: issue.message, file: source.file };
  });
  return new ValidationError({ message: formatIssues(source.subject, issues), issues });
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
