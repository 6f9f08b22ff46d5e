/**
 * Exit codes of the `factory` command, and the error a command throws for a
 * bad invocation.
 *
 * @module
 */

/** Exit codes: 0 ok, 1 findings or a failed operation, 2 usage error, 130 interrupted (Ctrl-C). */
export const ExitCode = {
  /** The command did what was asked and found nothing wrong. */
  ok: 0,
  /** A check found errors, or the operation failed (not found, refused by a gate, invalid file). */
  failed: 1,
  /** The command line was wrong: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** Ctrl-C (SIGINT) stopped the command, which cancelled its work cleanly: 128 + 2, as shells report it. */
  interrupted: 130,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The command line was wrong (a flag value that does not parse): exit code 2. */
export class UsageError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_USAGE";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "UsageError";
}

/** Ctrl-C (SIGINT) stopped the command, which cancelled its work and recorded it: exit code 130. */
export class InterruptedError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_INTERRUPTED";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "InterruptedError";
}
