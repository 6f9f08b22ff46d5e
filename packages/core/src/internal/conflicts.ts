import { ConcurrencyConflictError, IdempotencyConflictError } from "../errors.js";

/** Builds the conflict error for an append whose expected head is stale. */
export function concurrencyConflict(expected: number, actual: number): ConcurrencyConflictError {
  return new ConcurrencyConflictError({
    message: `expected the log head at ${expected} but it is at ${actual}; read the new events and retry`,
    expected,
    actual,
  });
}

/** Builds the conflict error for an idempotency key reused with different content. */
export function idempotencyConflict(key: string): IdempotencyConflictError {
  return new IdempotencyConflictError({
    message: `idempotency key "${key}" was already used for a different batch of events; use a new key`,
    key,
  });
}
