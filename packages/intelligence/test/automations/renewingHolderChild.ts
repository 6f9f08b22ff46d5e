/**
 * Child process: runs the exclusive `note-effects` automation over a SQLite
 * log with a claim lease of `<lease ms>`, whose handler prints `holding` and
 * holds its event until the file `<gate file>` exists (as long as the test
 * wants, many leases), then ends; the process runs until killed.
 * Usage: renewingHolderChild.ts <db path> <lease ms> <gate file>
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { openEventLog } from "@software-factory/core";
import { defineAutomation, startAutomations } from "@software-factory/intelligence";
import { NoteAdded } from "../fixtures/counting.js";

const [path, leaseMs, gateFile] = process.argv.slice(2);
if (path === undefined || leaseMs === undefined || gateFile === undefined) {
  console.error("usage: renewingHolderChild.ts <db path> <lease ms> <gate file>");
  process.exit(2);
}
const log = await openEventLog({ path, events: [NoteAdded] });
await startAutomations({
  log,
  automations: [
    defineAutomation({
      name: "note-effects",
      description: "Holds its event until the test opens the gate.",
      on: [NoteAdded.type],
      exclusive: { leaseMs: Number(leaseMs) },
      run: async () => {
        process.stdout.write("holding\n");
        while (!existsSync(gateFile)) await sleep(20);
      },
    }),
  ],
  services: {},
});
// The automations' subscription does not keep the process alive: this does, until the test kills it.
setInterval(() => undefined, 60_000);
process.stdout.write("started\n");
