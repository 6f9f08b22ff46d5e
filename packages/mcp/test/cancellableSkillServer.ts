/**
 * A stdio server for cancelSkillRun.test.ts, run as its own process:
 * `serveStdio` over a factory in the folder given as the first argument, with
 * one skill, `mark-when-released`, whose run waits until its `release` file
 * exists and then writes its `marker` file. It heeds its signal: a cancelled
 * run stops waiting and writes nothing.
 */
import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { defineSkill, openFactory } from "@software-factory/intelligence";
import { serveStdio } from "@software-factory/mcp";
import { z } from "zod";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: cancellableSkillServer.ts <factory folder>");
const factory = await openFactory({
  dir,
  actor: "agent",
  skills: [
    defineSkill({
      name: "mark-when-released",
      description: "Writes its marker file once its release file exists, unless cancelled first",
      input: z.object({ started: z.string(), release: z.string(), marker: z.string() }),
      output: z.object({ marked: z.literal(true) }),
      run: async ({ started, release, marker }, context) => {
        writeFileSync(started, "started\n");
        for (;;) {
          // Before runs could be cancelled the context had no signal, and the run went on until released.
          context.signal?.throwIfAborted();
          if (existsSync(release)) break;
          await sleep(20);
        }
        writeFileSync(marker, "not cancelled\n");
        return { marked: true as const };
      },
    }),
  ],
});
try {
  await serveStdio(factory, { skillsDir: false });
} finally {
  await factory.close();
}
