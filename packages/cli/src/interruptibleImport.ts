/**
 * Ctrl-C (or SIGTERM, SIGHUP) during an import whose every step is kept: the import stops after the
 * item under way, and the command tells how far it got.
 *
 * @module
 */
import type { ImportProgress } from "@software-factory/knowledge";
import { InterruptedError } from "./exitCodes.js";
import { type InterruptSignal, onInterrupt } from "./interruption.js";

/**
 * Runs `run`, an import into a factory that exists (what it writes stays),
 * handing it the progress callback to give the importer; `show` gets each
 * progress too. On the first SIGINT (Ctrl-C), SIGTERM or SIGHUP the import
 * stops at its next progress, after the file under way, with an
 * {@link InterruptedError} (exit 130, 143 or 129) such as `interrupted
 * (SIGINT): 162 of 3,000 files imported (kept); run the same command again to
 * import the rest`. A signal after the last file lets the import finish what
 * is left of it (decision records, retractions) and report as usual; a second
 * signal ends the process at once.
 */
export async function stoppingOnInterrupt<T>(
  show: (progress: ImportProgress) => void,
  run: (onProgress: (progress: ImportProgress) => void) => Promise<T>,
): Promise<T> {
  let interrupted: InterruptSignal | undefined;
  const forget = onInterrupt((signal) => {
    interrupted = signal;
  });
  try {
    return await run((progress) => {
      show(progress);
      if (interrupted !== undefined && progress.done < progress.total)
        throw new InterruptedError(interruptedMessage(interrupted, progress), { signal: interrupted });
    });
  } finally {
    forget();
  }
}

/** `interrupted (SIGINT): 162 of 3,000 files imported (kept); ...`, from the last progress. */
function interruptedMessage(signal: InterruptSignal, { done, total }: ImportProgress): string {
  const count = (n: number) => n.toLocaleString("en-US");
  return `interrupted (${signal}): ${count(done)} of ${count(total)} files imported (kept); run the same command again to import the rest`;
}
