/**
 * How a skill's run fails: a {@link SkillFailedError} wraps whatever its
 * handler failed with, except the SDK's own typed errors, which pass as they are.
 *
 * @module
 */
import { isFactoryError } from "@software-factory/core";
import * as Data from "effect/Data";

/**
 * A skill's handler failed: it threw or rejected, or its Effect failed or
 * died. `cause` is what it failed with. The SDK's own typed errors (a
 * `ValidationError`, `NotFoundError`, `ModelNotConfiguredError`,
 * `DocumentRetractedError`...) are not wrapped: a handler that throws one
 * rejects the run with it.
 */
export class SkillFailedError extends Data.TaggedError("SkillFailedError")<{
  /** Names the skill and what its handler failed with. */
  readonly message: string;
  /** Name of the skill whose handler failed. */
  readonly skill: string;
  /** What the handler failed with: the thrown value, the Effect's failure or its defect. */
  readonly cause: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_SKILL_FAILED";
}

/** Tags of the SDK's typed errors besides the kernel's: a handler failing with one of them fails the run with it, unwrapped. */
const OTHER_SDK_ERROR_TAGS: ReadonlySet<string> = new Set([
  "ModelNotConfiguredError",
  "ModelAuthError",
  "ModelNotFoundError",
  "ModelRateLimitError",
  "ModelServerError",
  "ModelRequestError",
  "ModelTimeoutError",
  "ModelUnreachableError",
  "ModelOutputError",
  "EmbedderError",
  "DocumentRetractedError",
  "RemoveAllLinesError",
  "SkillFailedError",
]);

/** Whether a failure is one of the SDK's typed errors (by its `_tag` and `code`). */
export function isSdkError(error: unknown): boolean {
  const { _tag, code } = (error ?? {}) as { _tag?: unknown; code?: unknown };
  return (
    typeof _tag === "string" &&
    typeof code === "string" &&
    (isFactoryError(error) || OTHER_SDK_ERROR_TAGS.has(_tag))
  );
}
