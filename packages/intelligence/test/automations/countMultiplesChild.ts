/**
 * Child process: runs the count-multiples automation over a SQLite log,
 * printing `ran <seq>` for each note its handler ran on and `recorded <type>
 * <seq>` for each mark or record it writes, until killed.
 * Usage: countMultiplesChild.ts <db path> <k>
 */
import { openEventLog } from "@software-factory/core";
import { AutomationAdvanced, AutomationHandled, startAutomations } from "@software-factory/intelligence";
import { NoteAdded, NoteCounted } from "../fixtures/counting.js";
import { countMultiplesOf } from "./countMultiples.js";

const [path, k] = process.argv.slice(2);
if (path === undefined || k === undefined) {
  console.error("usage: countMultiplesChild.ts <db path> <k>");
  process.exit(2);
}
const log = await openEventLog({ path, events: [NoteAdded, NoteCounted] });
await log.subscribe((event) => void process.stdout.write(`recorded ${event.type} ${event.seq}\n`), {
  types: [AutomationHandled.type, AutomationAdvanced.type],
});
await startAutomations({
  log,
  automations: [countMultiplesOf(Number(k), (seq) => void process.stdout.write(`ran ${seq}\n`))],
  services: {},
});
process.stdout.write("started\n");
