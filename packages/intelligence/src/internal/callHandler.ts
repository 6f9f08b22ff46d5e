/**
 * Calling a user's handler (a skill's run, a rule's check, an automation's
 * run) that may return a value, a Promise or an Effect.
 *
 * @module
 */
import * as Effect from "effect/Effect";

/**
 * Calls `handler` and settles what it returns: a value or a Promise as it is,
 * an Effect run with `signal`, so that the Effect is interrupted (its
 * finalizers run) when the signal aborts. The promise rejects with what the
 * handler threw, the Effect's failure or its defect, as they are; with an
 * interrupted Effect, an Error saying it was interrupted (the caller, which
 * aborted the signal, knows why).
 */
export async function callHandler<A>(
  handler: () => A | Promise<A> | Effect.Effect<A, unknown>,
  signal: AbortSignal,
): Promise<A> {
  const result = handler();
  return Effect.isEffect(result)
    ? Effect.runPromise(result as Effect.Effect<A, unknown>, { signal })
    : result;
}
