/**
 * Runs Promise-face calls as Effects whose error channel holds only the typed
 * errors an operation declares: those fail the Effect, anything else (a bug, a
 * `TypeError` from a malformed argument that slipped past validation) dies as a
 * defect instead of hiding in the error channel under a type it does not have.
 *
 * @module
 */
import * as Effect from "effect/Effect";
import { type FactoryError, isFactoryError } from "./errors.js";

/** Tells whether a thrown value is one of the typed errors an operation declares. */
export type ErrorGuard<E> = (error: unknown) => error is E;

/**
 * A guard for the kernel errors ({@link FactoryError}) with the given tags.
 * It matches by `_tag`, so an error thrown by another copy of this package
 * still matches.
 *
 * @example
 * ```ts
 * const isReadError = isKernelError("ValidationError", "StoreError", "ClosedError");
 * ```
 */
export function isKernelError<const Tag extends FactoryError["_tag"]>(
  ...tags: readonly Tag[]
): ErrorGuard<
  Extract<
    FactoryError,
    {
      /** One of the tags asked for. */
      readonly _tag: Tag;
    }
  >
> {
  const wanted: ReadonlySet<string> = new Set(tags);
  return (error): error is Extract<FactoryError, { readonly _tag: Tag }> =>
    isFactoryError(error) && wanted.has(error._tag);
}

/**
 * A Promise-returning call as an Effect: a rejection `expected` admits fails
 * the Effect with that error; any other rejection or throw is a defect.
 *
 * The call is interruptible like any `Effect.tryPromise`: interrupting the
 * fiber does not stop the promise. Wrap writes in `Effect.uninterruptible` so
 * the fiber reports what the write did.
 *
 * @example
 * ```ts
 * const head = attempt(() => log.head(), isKernelError("StoreError", "ClosedError"));
 * ```
 */
export function attempt<A, E>(call: () => PromiseLike<A>, expected: ErrorGuard<E>): Effect.Effect<A, E> {
  return Effect.tryPromise({ try: () => Promise.resolve(call()), catch: (error) => error }).pipe(
    Effect.catch((error) => (expected(error) ? Effect.fail(error) : Effect.die(error))),
  );
}

/**
 * A synchronous call as an Effect: a throw `expected` admits fails the Effect
 * with that error; any other throw is a defect.
 *
 * @example
 * ```ts
 * const owner = attemptSync(() => floorPlan.explainPath(path), isKernelError("ValidationError", "ClosedError"));
 * ```
 */
export function attemptSync<A, E>(call: () => A, expected: ErrorGuard<E>): Effect.Effect<A, E> {
  return Effect.try({ try: call, catch: (error) => error }).pipe(
    Effect.catch((error) => (expected(error) ? Effect.fail(error) : Effect.die(error))),
  );
}
