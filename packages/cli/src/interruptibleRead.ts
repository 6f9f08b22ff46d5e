/**
 * Ctrl-C (or SIGTERM, SIGHUP) during a command that only reads (`search`, `context`): the read is
 * cancelled where it waits (the embedder's call for a query is aborted), and
 * the command exits 130 (143, 129), having written nothing.
 *
 * @module
 */
import { InterruptedError } from "./exitCodes.js";
import { onInterrupt } from "./interruption.js";

/**
 * Runs `run`, a read of the factory, with a signal that aborts on the first
 * SIGINT (Ctrl-C), SIGTERM or SIGHUP with an {@link InterruptedError} (exit
 * 130, 143 or 129) saying `interrupted (SIGINT): <what> was cancelled;
 * nothing was written`; `run` passes it to the SDK call, which rejects with
 * it. A second signal ends the process at once, as it would without this.
 */
export async function cancelledOnInterrupt<T>(
  what: string,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const interrupted = new AbortController();
  const forget = onInterrupt((signal) =>
    interrupted.abort(
      new InterruptedError(`interrupted (${signal}): ${what} was cancelled; nothing was written`, { signal }),
    ),
  );
  try {
    return await run(interrupted.signal);
  } finally {
    forget();
  }
}
