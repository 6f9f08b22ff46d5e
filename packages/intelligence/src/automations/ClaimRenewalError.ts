/**
 * How an exclusive automation's holder hears that renewing its claim failed.
 *
 * @module
 */
import * as Data from "effect/Data";

/**
 * An exclusive automation could not renew its claim on an event while its
 * handler ran (the store is closed, locked or full, say). The handler goes on
 * (nothing can stop it) and the renewal is tried again a third of the lease
 * later; should none land before the lease runs out, another process may take
 * the event over and run the handler too. Told to `startAutomations`'
 * `onError` (`openFactory`'s `onAutomationError`) with the event.
 */
export class ClaimRenewalError extends Data.TaggedError("ClaimRenewalError")<{
  /** Names the automation, the event and why the renewal failed. */
  readonly message: string;
  /** Name of the automation. */
  readonly automation: string;
  /** Id of the event whose claim was not renewed. */
  readonly event: string;
  /** What the append of the renewal failed with. */
  readonly cause: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_CLAIM_RENEWAL";
}
