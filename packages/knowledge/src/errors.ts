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
