/**
 * Work items through the tiny flow on SQLite: create, advance, record a change
 * set and test evidence, advance, complete, each awaited in turn; then the fold
 * when a process opens the line on that log.
 */
import { join } from "node:path";
import { type AssemblyLine, openAssemblyLine, openEventLog } from "@software-factory/core";
import { clock } from "./clock.js";
import { changeSet, directory, LINES, lineIds, testRun } from "./setup.js";

/** Moves `items` work items through the pipeline in a new log under `root`, then folds the log on open. */
export async function pipelineRun(root: string, durability: "full" | "normal", items: number) {
  const path = join(root, `pipeline-${durability}.db`);
  const log = await openEventLog({ path, durability });
  const line = await openAssemblyLine({ log, lines: directory });
  let moves = 0;
  let writes = 0;
  const run = await clock(async () => {
    for (let index = 0; index < items; index++) {
      const item = await line.createWorkItem({
        line: lineIds[index % LINES] as string,
        title: `item ${index}`,
        flow: "tiny",
      });
      await line.advance(item.id);
      await line.recordArtifact({ kind: "changeSet", title: "change", fields: changeSet, workItem: item.id });
      await line.advance(item.id);
      await line.recordArtifact({ kind: "testEvidence", title: "run", fields: testRun, workItem: item.id });
      await line.advance(item.id);
      await line.complete(item.id);
      moves += 5;
      writes += 7;
    }
  });
  const head = await log.head();
  await line.close();
  await log.close();

  const reader = await openEventLog({ path, durability });
  let reopened: AssemblyLine | undefined;
  const fold = await clock(async () => {
    reopened = await openAssemblyLine({ log: reader, lines: directory });
  });
  const done = reopened?.list({ state: "done" }).length ?? 0;
  await reopened?.close();
  await reader.close();
  return { durability, items, run, moves, writes, head, fold, done };
}
