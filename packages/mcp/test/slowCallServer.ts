/**
 * A stdio server for answerBeforeExit.test.ts, run as its own process:
 * `factory-mcp`'s stdio path (serveStdio, stopOnSignals) over a factory in
 * the folder given as the first argument, with one skill, `finish-when-told-to-stop`,
 * whose run lasts until the client has closed stdin or a signal has asked the
 * server to stop. A call to it is therefore still running when the server is
 * told to stop, whatever the timing.
 */
import { defineSkill, openFactory } from "@software-factory/intelligence";
import { serveStdio, stopOnSignals } from "@software-factory/mcp";
import { z } from "zod";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: slowCallServer.ts <factory folder>");
const stop = stopOnSignals((line) => process.stderr.write(`slow-call-server: ${line}\n`));
const inputEnded = new Promise<void>((resolve) => {
  if (process.stdin.readableEnded) resolve();
  else process.stdin.once("end", resolve);
});
const factory = await openFactory({
  dir,
  actor: "agent",
  skills: [
    defineSkill({
      name: "finish-when-told-to-stop",
      description: "Finishes once stdin has ended or a signal asked the server to stop",
      input: z.object({}),
      output: z.object({ finished: z.literal(true) }),
      run: async () => {
        await Promise.race([inputEnded, stop.requested]);
        return { finished: true as const };
      },
    }),
  ],
});
try {
  await serveStdio(factory, { signal: stop.signal, skillsDir: false });
} finally {
  await factory.close();
}
process.exit(0);
