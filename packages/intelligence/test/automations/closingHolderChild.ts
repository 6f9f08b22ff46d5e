/**
 * Child process: runs the exclusive `note-effects` automation over a SQLite
 * log, whose handler holds its first event until its signal aborts; once it
 * holds one, closes the runner (the handler heeds the signal, leaving its
 * claim unmarked), prints `closed`, and stays alive until killed.
 * Usage: closingHolderChild.ts <db path>
 */
import { openEventLog } from "@software-factory/core";
import { defineAutomation, startAutomations } from "@software-factory/intelligence";
import { NoteAdded } from "../fixtures/counting.js";

const [path] = process.argv.slice(2);
if (path === undefined) {
  console.error("usage: closingHolderChild.ts <db path>");
  process.exit(2);
}
const log = await openEventLog({ path, events: [NoteAdded] });
let holding: () => void = () => undefined;
const held = new Promise<void>((resolve) => {
  holding = resolve;
});
const runner = await startAutomations({
  log,
  automations: [
    defineAutomation({
      name: "note-effects",
      description: "Holds its event until its runner closes.",
      on: [NoteAdded.type],
      exclusive: true,
      run: (_event, { signal }) => {
        holding();
        return new Promise<void>((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        );
      },
    }),
  ],
  services: {},
});
await held;
await runner.close();
// The process lives on, its claim's holder still running: only a release tells the others.
setInterval(() => undefined, 60_000);
process.stdout.write("closed\n");
