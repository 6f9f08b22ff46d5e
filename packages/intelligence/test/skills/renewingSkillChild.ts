/**
 * Child process: opens the factory in `<dir>` with the `capture-note` skill
 * and a claim lease of `<lease ms>`, runs it once with the idempotency key
 * `<key>`, its handler printing `started` and waiting until the file `<gate
 * file>` exists (as long as the test wants, many leases), and prints the run
 * as JSON (or the error's code and message); then closes the factory.
 * Usage: renewingSkillChild.ts <factory dir> <key> <lease ms> <gate file>
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { openFactory } from "@software-factory/intelligence";
import { noteSkill } from "../fixtures/noteSkill.js";

const [dir, key, leaseMs, gateFile] = process.argv.slice(2);
if (dir === undefined || key === undefined || leaseMs === undefined || gateFile === undefined) {
  console.error("usage: renewingSkillChild.ts <factory dir> <key> <lease ms> <gate file>");
  process.exit(2);
}
const factory = await openFactory({
  dir,
  actor: "child",
  skillClaimLeaseMs: Number(leaseMs),
  skills: [
    noteSkill({
      started: () => process.stdout.write("started\n"),
      gate: async () => {
        while (!existsSync(gateFile)) await sleep(20);
      },
    }),
  ],
});
try {
  const run = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: key });
  process.stdout.write(`${JSON.stringify(run)}\n`);
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  process.stdout.write(`${JSON.stringify({ code, message })}\n`);
} finally {
  await factory.close();
}
