/**
 * The signals that stop a command as Ctrl-C does: SIGINT (Ctrl-C), SIGTERM
 * (`timeout`, `docker stop`, a CI job cancelled) and SIGHUP (the terminal
 * closed). Every command that cancels its work cleanly listens to all three
 * through {@link onInterrupt}, and exits with the code shells report for the
 * signal (see {@link interruptedExitCode}).
 *
 * @module
 */
import { ExitCode } from "./exitCodes.js";

/** A signal that interrupts a command: SIGINT, SIGTERM or SIGHUP. */
export type InterruptSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

/** The signals {@link onInterrupt} listens to. */
const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Calls `interrupt` with the first SIGINT, SIGTERM or SIGHUP to come, and
 * then listens no more, so that a second signal ends the process at once as
 * it would without this. Returns the function that stops listening (call it
 * when the work is done).
 */
export function onInterrupt(interrupt: (signal: InterruptSignal) => void): () => void {
  const forget = () => {
    for (const signal of INTERRUPT_SIGNALS) process.off(signal, interrupted);
  };
  function interrupted(signal: NodeJS.Signals): void {
    forget();
    interrupt(signal as InterruptSignal);
  }
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, interrupted);
  return forget;
}

/** The exit code of a command `signal` interrupted: 128 + its number, as shells report it (130, 143, 129). */
export function interruptedExitCode(signal: InterruptSignal): ExitCode {
  if (signal === "SIGTERM") return ExitCode.terminated;
  if (signal === "SIGHUP") return ExitCode.hungUp;
  return ExitCode.interrupted;
}
