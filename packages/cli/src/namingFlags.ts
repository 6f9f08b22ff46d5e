/**
 * Errors of an SDK call about what the user typed, told in the command line's
 * words: a malformed value is a usage error naming the flag or argument, an
 * id that names nothing is a not-found naming the flag or argument.
 *
 * @module
 */
import { IdempotencyConflictError, NotFoundError, ValidationError } from "@software-factory/core";
import { UsageError } from "./exitCodes.js";

/**
 * Which flag or argument of the command line each field of an SDK call's
 * input came from: the field's path as the SDK's errors name it (`""` for the
 * input itself, `flow`, `signals` for `signals[0]` too) to the flag or
 * argument (`--flow`, `<query>`).
 */
export type FlagsOfFields = Readonly<Record<string, string>>;

/**
 * Runs an SDK call made with values from the command line, and rethrows what
 * it refuses about those values in the command line's words:
 * - a `ValidationError` whose every issue is about a field of `flags` becomes a
 *   {@link UsageError} (exit 2) naming each flag: `--flow: unknown flow "weird"; ...`;
 * - a `NotFoundError` about a field of `flags` gets the flag as its `field` and
 *   in its message: `--line: no line "nope" in this factory`;
 * - an `IdempotencyConflictError`, when `flags` names where the key came from
 *   (`idempotencyKey`), gets that flag in its message:
 *   `--idempotency-key: idempotency key "ci-42" was already used to ...`.
 * Any other error, or one about a field the command line did not give (a file's
 * content, say), is rethrown as it is.
 *
 * @throws UsageError, NotFoundError or IdempotencyConflictError as above (a usage error with the SDK's error as `cause`).
 * @example
 * ```ts
 * const hits = await namingFlags({ "": "<query>" }, () => factory.knowledge.search(query));
 * ```
 */
export async function namingFlags<T>(flags: FlagsOfFields, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw inFlagTerms(flags, error);
  }
}

/**
 * Runs an SDK call on the thing an id argument names (`work advance <id>`,
 * `skills run <name>`), and tells a `NotFoundError` about that id in the
 * command line's words: the argument starts its message and is its `field`
 * (`<id>: no work item "wi_nope"`). A not-found about anything else (an id
 * given in a flag, one the thing refers to) is rethrown as it is.
 *
 * @throws NotFoundError naming the argument, when the SDK finds nothing of that id.
 * @example
 * ```ts
 * const item = await namingArgument("<id>", id, () => factory.work.advance(id));
 * ```
 */
export async function namingArgument<T>(argument: string, id: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof NotFoundError) || error.field !== undefined || error.id !== id) throw error;
    throw argumentNotFound(argument, error);
  }
}

/**
 * A not-found about what an id argument names, told as the command line
 * does: the argument starts the message and is the error's `field`.
 */
export function argumentNotFound(
  argument: string,
  error: { readonly message: string; readonly entity: string; readonly id: string },
): NotFoundError {
  return new NotFoundError({
    message: `${argument}: ${error.message}`,
    entity: error.entity,
    id: error.id,
    field: argument,
  });
}

/** The error a refusal of a flag's value is told as (see {@link namingFlags}); others as they are. */
function inFlagTerms(flags: FlagsOfFields, error: unknown): unknown {
  if (error instanceof ValidationError) {
    const named = error.issues.map(({ path, message }) => ({ flag: flagOf(flags, path), message }));
    if (named.length === 0 || named.some(({ flag }) => flag === undefined)) return error;
    return new UsageError(named.map(({ flag, message }) => `${flag}: ${message}`).join("; "), {
      cause: error,
    });
  }
  if (error instanceof NotFoundError && error.field !== undefined) {
    const flag = flagOf(flags, error.field);
    if (flag === undefined) return error;
    return new NotFoundError({
      message: `${flag}: no ${error.entity} "${error.id}" in this factory`,
      entity: error.entity,
      id: error.id,
      field: flag,
    });
  }
  if (error instanceof IdempotencyConflictError && Object.hasOwn(flags, "idempotencyKey")) {
    return new IdempotencyConflictError({
      message: `${flags.idempotencyKey}: ${error.message}`,
      key: error.key,
    });
  }
  return error;
}

/** The flag a field path came from: the path's own entry, else its first name's (`signals` for `signals[0]`). */
function flagOf(flags: FlagsOfFields, path: string): string | undefined {
  if (Object.hasOwn(flags, path)) return flags[path];
  const first = /^[^.[]+/.exec(path)?.[0];
  return first !== undefined && Object.hasOwn(flags, first) ? flags[first] : undefined;
}
