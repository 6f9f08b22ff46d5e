/**
 * Ctrl-C (or SIGTERM, SIGHUP) during `factory import codebase` into a factory that exists: the
 * import stops where it can, keeps what it wrote, and the command tells how
 * far it got.
 *
 * @module
 */
import type { CodebaseImportProgress, Factory, ImportCodebaseOptions } from "@software-factory/intelligence";
import { InterruptedError } from "./exitCodes.js";
import { onInterrupt } from "./interruption.js";

/**
 * Runs `run`, `importCodebase` into `factory` (a factory that exists), handing
 * it the options to give the import: an abort signal and a progress callback
 * that calls `show`. On the first SIGINT (Ctrl-C), SIGTERM or SIGHUP the
 * import stops with an {@link InterruptedError} (exit 130, 143 or 129; the
 * messages name the signal):
 *
 * - while it scans and plans, at the next phase, having written nothing:
 *   `interrupted (SIGINT): the import was cancelled before writing; nothing
 *   was written`;
 * - while it writes, before its next write (a document, or a batch of up to
 *   500 artifacts or links), keeping what it wrote: `interrupted (SIGINT):
 *   the import stopped part-way with 564 events written (kept); run the same
 *   command again to complete it` (each write is idempotent, so the same
 *   command writes the rest).
 *
 * A signal during the last write lets the import finish and report as usual;
 * a second signal ends the process at once.
 */
export async function codebaseStoppingOnInterrupt<T>(
  factory: Factory,
  show: (progress: CodebaseImportProgress) => void,
  run: (options: Pick<ImportCodebaseOptions, "signal" | "onProgress">) => Promise<T>,
): Promise<T> {
  const before = await factory.log.head();
  const interrupted = new AbortController();
  let cancelled: InterruptedError | undefined;
  const forget = onInterrupt((signal) => {
    cancelled = new InterruptedError(
      `interrupted (${signal}): the import was cancelled before writing; nothing was written`,
      { signal },
    );
    interrupted.abort(cancelled);
  });
  try {
    return await run({ signal: interrupted.signal, onProgress: show });
  } catch (error) {
    if (cancelled === undefined || error !== cancelled) throw error;
    const written = (await factory.log.head()) - before;
    if (written === 0) throw error;
    throw new InterruptedError(
      `interrupted (${cancelled.signal}): the import stopped part-way with ${written.toLocaleString("en-US")} ${written === 1 ? "event" : "events"} written (kept); run the same command again to complete it`,
      { signal: cancelled.signal },
    );
  } finally {
    forget();
  }
}
