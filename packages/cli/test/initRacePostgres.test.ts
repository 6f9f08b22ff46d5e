/**
 * Several `factory init --store postgres://...` processes at once on a new
 * schema (CI jobs on several machines sharing one database): exactly one says
 * it created the factory, the others that it already exists, none fails.
 *
 * The runs are made to meet for certain, as in initRace.test: each reads its
 * `--plan` from a named pipe of its own, written only once every run waits on
 * its pipe, so all of them decide whether the factory exists in the same moment.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../../core/test/fixtures/postgresTestServer.js";
import { SHOP_YAML } from "./fixtures.js";
import { expectOneCreated, releasedTogether } from "./releasedTogether.js";
import { runFactory } from "./runFactory.js";

/** Processes started at once in each round. */
const RUNS = 8;
/** Rounds, each on a new schema. */
const ROUNDS = 3;
/** Eight subprocesses a round on a loaded 2-core machine: tens of seconds a test. */
const SLOW = { timeout: 300_000 };

const schemas = new TestSchemas();
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-init-race-pg-"));
  writeFileSync(join(cwd, "shop.yaml"), SHOP_YAML);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

/** The test server's URL with the given schema. */
function storeUrl(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("schema", schema);
  return url.toString();
}

describe.skipIf(skipPostgres)("factory init --store postgres:// run at once by several processes", () => {
  it("says created in exactly one of them on a new schema, and the plan is applied once", SLOW, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const url = storeUrl(schemas.next("cli_init_race"));
      const pipes = Array.from({ length: RUNS }, (_, run) => join(cwd, `plan-${round}-${run}.yaml`));
      const runs = await releasedTogether(
        pipes,
        (pipe) => ["--dir", `${pipe}.factory`, "init", "--store", url, "--plan", pipe, "--json"],
        cwd,
      );
      expectOneCreated(runs, `round ${round}`);
      const again = await runFactory(
        ["--dir", join(cwd, "check"), "--store", url, "plan", "apply", "shop.yaml", "--dry-run", "--json"],
        { cwd },
      );
      expect(again.stderr, `round ${round}`).toBe("");
      expect(JSON.parse(again.stdout), `round ${round}`).toMatchObject({ changes: 0 });
    }
  });
});
