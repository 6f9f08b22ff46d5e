/**
 * Ctrl-C during `factory import codebase` into a factory that exists: the
 * import stops where it can, keeps what it wrote, and the command tells how
 * far it got.
 *
 * @module
 */
import type { CodebaseImportProgress, Factory, ImportCodebaseOptions } from "@software-factory/intelligence";
import { InterruptedError } from "./exitCodes.js";

/**
 * Runs `run`, `importCodebase` into `factory` (a factory that exists), handing
 * it the options to give the import: an abort signal and a progress callback
 * that calls `show`. On the first SIGINT (Ctrl-C) the import stops with an
 * {@link InterruptedError} (exit 130):
 *
 * - while it scans and plans, at the next phase, having written nothing:
 *   `interrupted (SIGINT): the import was cancelled before writing; nothing
 *   was written`;
 * - while it writes, at its next progress (every 50 items), keeping what it
 *   wrote: `interrupted (SIGINT): the import stopped part-way with 564 events
 *   written (kept); run the same command again to complete it` (each write is
 *   idempotent, so the same command writes the rest).
 *
 * A SIGINT after the last progress lets the import finish and report as
 * usual; a second SIGINT ends the process at once.
 */
export async function codebaseStoppingOnInterrupt<T>(
  factory: Factory,
  show: (progress: CodebaseImportProgress) => void,
  run: (options: Pick<ImportCodebaseOptions, "signal" | "onProgress">) => Promise<T>,
): Promise<T> {
  const before = await factory.log.head();
  const interrupted = new AbortController();
  const interrupt = () =>
    interrupted.abort(
      new InterruptedError(
        "interrupted (SIGINT): the import was cancelled before writing; nothing was written",
      ),
    );
  /** What the progress callback throws to stop the import part-way. */
  const stopped = new InterruptedError("interrupted (SIGINT)");
  process.once("SIGINT", interrupt);
  try {
    return await run({
      signal: interrupted.signal,
      onProgress: (progress) => {
        show(progress);
        const { phase, done, total } = progress;
        if (interrupted.signal.aborted && phase === "apply" && total !== undefined && done < total)
          throw stopped;
      },
    });
  } catch (error) {
    if (error !== stopped) throw error;
    const written = (await factory.log.head()) - before;
    throw new InterruptedError(
      `interrupted (SIGINT): the import stopped part-way with ${written.toLocaleString("en-US")} ${written === 1 ? "event" : "events"} written (kept); run the same command again to complete it`,
    );
  } finally {
    process.off("SIGINT", interrupt);
  }
}
