/**
 * Ctrl-C during an import whose every step is kept: the import stops after the
 * item under way, and the command tells how far it got.
 *
 * @module
 */
import type { ImportProgress } from "@software-factory/knowledge";
import { InterruptedError } from "./exitCodes.js";

/**
 * Runs `run`, an import into a factory that exists (what it writes stays),
 * handing it the progress callback to give the importer; `show` gets each
 * progress too. On the first SIGINT (Ctrl-C) the import stops at its next
 * progress, after the file under way, with an {@link InterruptedError} (exit
 * 130) such as `interrupted (SIGINT): 162 of 3,000 files imported (kept); run
 * the same command again to import the rest`. A SIGINT after the last file
 * lets the import finish what is left of it (decision records, retractions)
 * and report as usual; a second SIGINT ends the process at once.
 */
export async function stoppingOnInterrupt<T>(
  show: (progress: ImportProgress) => void,
  run: (onProgress: (progress: ImportProgress) => void) => Promise<T>,
): Promise<T> {
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
  };
  process.once("SIGINT", interrupt);
  try {
    return await run((progress) => {
      show(progress);
      if (interrupted && progress.done < progress.total)
        throw new InterruptedError(interruptedMessage(progress));
    });
  } finally {
    process.off("SIGINT", interrupt);
  }
}

/** `interrupted (SIGINT): 162 of 3,000 files imported (kept); ...`, from the last progress. */
function interruptedMessage({ done, total }: ImportProgress): string {
  const count = (n: number) => n.toLocaleString("en-US");
  return `interrupted (SIGINT): ${count(done)} of ${count(total)} files imported (kept); run the same command again to import the rest`;
}
