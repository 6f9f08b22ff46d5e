/**
 * Exit codes of the `factory` command, and the error a command throws for a
 * bad invocation.
 *
 * @module
 */
import type { InterruptSignal } from "./interruption.js";

/**
 * Exit codes: 0 ok, 1 findings or a failed operation, 2 usage error, 130 / 143 / 129 interrupted by
 * SIGINT (Ctrl-C) / SIGTERM / SIGHUP.
 */
export const ExitCode = {
  /** The command did what was asked and found nothing wrong. */
  ok: 0,
  /** A check found errors, or the operation failed (not found, refused by a gate, invalid file). */
  failed: 1,
  /** The command line was wrong: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** Ctrl-C (SIGINT) stopped the command, which cancelled its work cleanly: 128 + 2, as shells report it. */
  interrupted: 130,
  /** SIGTERM (`timeout`, `docker stop`, a CI job cancelled) stopped the command as Ctrl-C does: 128 + 15. */
  terminated: 143,
  /** SIGHUP (its terminal closed) stopped the command as Ctrl-C does: 128 + 1. */
  hungUp: 129,
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

/**
 * A signal stopped the command, which cancelled its work and recorded it: exit code 130 for Ctrl-C
 * (SIGINT), 143 for SIGTERM, 129 for SIGHUP.
 */
export class InterruptedError extends Error {
  /** The signal that stopped the command (SIGINT unless given). */
  readonly signal: InterruptSignal;
  /** Stable code for programs to match on. */
  readonly code = "E_INTERRUPTED";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "InterruptedError";

  /** `message` says what was cancelled; `options.signal` is the signal that stopped the command. */
  constructor(message: string, options: ErrorOptions & { readonly signal?: InterruptSignal } = {}) {
    super(message, options);
    this.signal = options.signal ?? "SIGINT";
  }
}
