/**
 * Typed errors of the knowledge base.
 *
 * @module
 */
import * as Data from "effect/Data";

/** An embedder could not embed: unreachable, refused, or answered something unusable. */
export class EmbedderError extends Data.TaggedError("EmbedderError")<{
  /** Names the model or server, what went wrong, and what to check or run to fix it. */
  readonly message: string;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** The error the runtime or `fetch` threw, when there was one. */
  readonly cause?: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_EMBEDDER";
}

/**
 * A write asked to change a retracted document (revise, link, unlink, or
 * supersede it). A retraction cannot be
 * undone: capture a new document instead (with `supersedes` to replace a
 * current one).
 */
export class DocumentRetractedError extends Data.TaggedError("DocumentRetractedError")<{
  /** Names the document, says it is retracted (when and why) and what to do instead. */
  readonly message: string;
  /** The retracted document's id. */
  readonly id: string;
  /** When it was retracted, as an ISO 8601 UTC timestamp. */
  readonly retractedAt: string;
  /** Why it was retracted, as the retracting caller gave it. */
  readonly reason: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_RETRACTED";
}
