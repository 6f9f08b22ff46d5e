/**
 * How an automation's handler says "do not retry this": a failure that no
 * later attempt can mend (a receiver that refuses the request, an event the
 * handler cannot act on) is recorded at once instead of after every attempt.
 *
 * @module
 */
import * as Data from "effect/Data";

/**
 * An automation's handler failed in a way another attempt cannot mend (a
 * receiver answered 400, the event names something that is gone): throw it,
 * or fail the handler's Effect with it, and the runner skips the attempts
 * left in the automation's `retry` policy and records the failure at once.
 * The `automation.handled` mark says `permanent: true`, and
 * `factory.automations.failures()` lists it as it lists a failure after
 * every attempt, with this error's code and message (say why in it);
 * `factory.automations.retry(automation, eventId)` runs the handler again
 * once the cause is fixed.
 *
 * Any error with `retriable: false` is treated the same, so a handler whose
 * own error class carries that property (a `WebhookDeliveryError` for a 4xx)
 * keeps its own code.
 *
 * @example
 * ```ts
 * const pagerUrl = "https://pager.example.com/alerts";
 * const pageOwner = defineAutomation({
 *   name: "page-owner",
 *   description: "Pages the owner of each critical signal's line.",
 *   on: ["signal.captured"],
 *   run: async (event) => {
 *     const answer = await fetch(pagerUrl, { method: "POST", body: JSON.stringify(event.data) });
 *     if (answer.status === 400) {
 *       const said = await answer.text();
 *       throw new PermanentFailureError({ message: `the pager refused signal ${event.subject}: ${said}` });
 *     }
 *     if (!answer.ok) throw new Error(`the pager answered ${answer.status}`); // retried
 *   },
 * });
 * ```
 */
export class PermanentFailureError extends Data.TaggedError("PermanentFailureError")<{
  /** Says what failed and why retrying would not help; recorded in the handling's mark. */
  readonly message: string;
  /** What the handler caught, when the failure came from it. */
  readonly cause?: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_PERMANENT_FAILURE";
  /** Always false: the runner does not call the handler again for this event. */
  readonly retriable = false;
}

/** Whether a handler's failure says it is permanent: an error (a {@link PermanentFailureError}, say) with `retriable: false`. */
export function isPermanentFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && "retriable" in error && error.retriable === false;
}
