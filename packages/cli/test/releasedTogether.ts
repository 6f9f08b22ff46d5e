/**
 * Runs of the built CLI made to meet for certain: each reads its `--plan`
 * from a named pipe of its own, and the plans are written only once every run
 * waits on its pipe, so all of them decide in the same moment (initRace tests),
 * and the check of what such a round of `init` answered.
 */
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { expect } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactoryProcess } from "./runFactory.js";

/**
 * Makes a named pipe at each path, starts `factory <argsOf(pipe)>` once per
 * pipe in `cwd`, and writes SHOP_YAML into every pipe once each run has opened
 * its own (a non-blocking open for writing fails with ENXIO until the reader
 * is there), or ended without. Resolves with the runs, in the pipes' order.
 */
export async function releasedTogether(
  pipes: readonly string[],
  argsOf: (pipe: string) => string[],
  cwd: string,
): Promise<RunResult[]> {
  for (const pipe of pipes) execFileSync("mkfifo", [pipe]);
  const ended = new Set<string>();
  const started = pipes.map((pipe) =>
    runFactoryProcess(argsOf(pipe), { cwd }).then((run) => {
      ended.add(pipe);
      return run;
    }),
  );
  const writers = new Map<string, number>();
  const waiting = () => pipes.filter((pipe) => !writers.has(pipe) && !ended.has(pipe));
  while (waiting().length > 0) {
    for (const pipe of waiting()) {
      try {
        writers.set(pipe, openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw error;
      }
    }
    await new Promise((wake) => setTimeout(wake, 10));
  }
  for (const writer of writers.values()) {
    writeSync(writer, SHOP_YAML);
    closeSync(writer);
  }
  return Promise.all(started);
}

/**
 * Checks the runs of one round of `init --plan --json`: none failed or wrote
 * to stderr, exactly one created the factory and exactly one applied the plan.
 */
export function expectOneCreated(runs: readonly RunResult[], round: string): void {
  for (const run of runs) {
    expect(run.stderr, round).toBe("");
    expect(run.code, round).toBe(0);
  }
  const answers = runs.map((run) => JSON.parse(run.stdout) as { created: boolean; changes: number });
  expect(answers.filter((answer) => answer.created).length, round).toBe(1);
  expect(answers.filter((answer) => answer.changes > 0).length, round).toBe(1);
}
