/**
 * Several `factory init` processes at once on one new folder (CI jobs,
 * terminals, an agent fanning out): exactly one says it created the factory,
 * the others that it already exists, and the folder ends up one whole
 * factory, with no process failing.
 *
 * The runs are made to meet for certain: each reads its `--plan` from a
 * named pipe of its own, and the plans are written only once every run waits
 * on its pipe, so all of them decide whether the factory exists in the same
 * moment. A round without a plan, left to how the processes start, races too
 * (about half such rounds did before the fix).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { expectOneCreated, releasedTogether } from "./releasedTogether.js";
import { runFactory, runFactoryProcess } from "./runFactory.js";

/** Processes started at once in each round. */
const RUNS = 8;
/** Rounds, each on a new folder. */
const ROUNDS = 3;
/** Eight subprocesses a round on a loaded 2-core machine: tens of seconds a test. */
const SLOW = { timeout: 300_000 };

/** The folder of the rounds (in no git repository). */
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-init-race-"));
  writeFileSync(join(cwd, "shop.yaml"), SHOP_YAML);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** What a folder holds once every run ended: the log and the caches, nothing staged or left half-written. */
function expectWholeFolder(dir: string): void {
  expect(readdirSync(dir).sort()).toEqual(["cache", "factory.db"]);
}

describe("factory init run at once by several processes on a new folder", () => {
  it(
    "says created in exactly one of them, and the plan is applied once, when all decide in the same moment",
    SLOW,
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const dir = join(cwd, `round-${round}`, ".factory");
        const pipes = Array.from({ length: RUNS }, (_, run) => join(cwd, `plan-${round}-${run}.yaml`));
        const runs = await releasedTogether(
          pipes,
          (pipe) => ["--dir", dir, "init", "--plan", pipe, "--json"],
          cwd,
        );
        expectOneCreated(runs, `round ${round}`);
        expectWholeFolder(dir);
        // The factory opens, and whole: the plan is all there, so applying it again would change nothing.
        const again = await runFactory(["--dir", dir, "plan", "apply", "shop.yaml", "--dry-run", "--json"], {
          cwd,
        });
        expect(again.stderr, `round ${round}`).toBe("");
        expect(JSON.parse(again.stdout), `round ${round}`).toMatchObject({ changes: 0 });
      }
    },
  );

  it("says created in exactly one of them when they are only started together", SLOW, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(cwd, `round-${round}`, ".factory");
      const runs = await Promise.all(
        Array.from({ length: RUNS }, () => runFactoryProcess(["--dir", dir, "init"], { cwd })),
      );
      for (const run of runs) {
        expect(run.stderr, `round ${round}`).toBe("");
        expect(run.code, `round ${round}`).toBe(0);
      }
      const said = runs.map((run) => run.stdout.split("\n")[0]).sort();
      expect(said, `round ${round}`).toEqual([
        `created factory in ${dir}`,
        ...Array.from({ length: RUNS - 1 }, () => `factory already exists in ${dir}`),
      ]);
      expectWholeFolder(dir);
    }
  });
});
