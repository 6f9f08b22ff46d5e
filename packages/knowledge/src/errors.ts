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
 * A write named a retracted document: it asked to revise, link, unlink or
 * supersede it, to add a new link pointing at it (`link`, or the `links` of a
 * capture), or it retried a supersede by its idempotency key after the
 * replacement was retracted. A retraction cannot be undone: capture a new
 * document instead (with `supersedes` to replace a current one), or link a
 * document in force.
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
  /**
   * The input field that names the retracted document (`target` of a link,
   * `links[2].target` or `supersedes[0]` of a capture); absent when it is the
   * document the write changes or returns.
   */
  readonly field?: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_RETRACTED";
}
