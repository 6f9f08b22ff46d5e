/** An automation that emits for some notes and nothing for the others, shared by the quiet-handling tests and their child process. */
import { type Automation, defineAutomation } from "@software-factory/intelligence";
import { NoteCounted } from "../fixtures/counting.js";

/**
 * Counts the notes whose n is a multiple of `k` and leaves the others, slowly
 * enough to be killed in the middle; `ran` hears of each note's position once
 * its handler has run.
 */
export function countMultiplesOf(k: number, ran: (seq: number) => void = () => undefined): Automation {
  return defineAutomation({
    name: "count-multiples",
    description: `Counts every note whose n is a multiple of ${k}, once.`,
    on: ["note.added"],
    run: async (event, { emit }) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const { n } = event.data as { n: number };
      if (n % k === 0) emit({ type: NoteCounted.type, subject: event.subject, data: { n, note: event.id } });
      ran(event.seq);
    },
  });
}
