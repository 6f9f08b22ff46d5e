/**
 * A create retried with its `--idempotency-key` says so, as `work create`
 * does: `signal capture`, `deployment record` and `incident open` print
 * `already captured|recorded|opened <id> ...: --idempotency-key <key> was
 * used for it before (nothing written)` and carry `alreadyCaptured`,
 * `alreadyRecorded`, `alreadyOpened` in `--json` (false on the run that
 * wrote). Before, a retry printed the first run's `captured sig_...` again
 * and its JSON had no such field. The built bin, run as a subprocess.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactoryProcess } from "./runFactory.js";

let cwd: string;
const SLOW = { timeout: 240_000 };
const factory = (...args: string[]) => runFactoryProcess(["--dir", ".factory", ...args], { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-idempotent-retries-"));
  expect((await factory("init")).code).toBe(0);
}, SLOW.timeout);
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a create retried with its --idempotency-key", () => {
  const cases = [
    {
      verb: "captured",
      field: "alreadyCaptured",
      args: ["signal", "capture", "--source", "ci", "Checkout is slow"],
    },
    {
      verb: "recorded",
      field: "alreadyRecorded",
      args: ["deployment", "record", "--deployed-version", "v1"],
    },
    { verb: "opened", field: "alreadyOpened", args: ["incident", "open", "Checkout returns 500"] },
  ];
  for (const { verb, field, args } of cases) {
    it(
      `${args.slice(0, 2).join(" ")} says ${verb} once, then already ${verb} (nothing written)`,
      SLOW,
      async () => {
        const key = `ci-${field}`;
        const first = await factory(...args, "--idempotency-key", key);
        expect(first.code, first.stderr).toBe(0);
        expect(first.stdout).toMatch(new RegExp(`^${verb} \\w+_`));
        const retried = await factory(...args, "--idempotency-key", key);
        expect(retried.code, retried.stderr).toBe(0);
        expect(retried.stdout).toBe(
          `already ${first.stdout.trimEnd()}: --idempotency-key ${key} was used for it before (nothing written)\n`,
        );
        const json = JSON.parse((await factory("--json", ...args, "--idempotency-key", key)).stdout);
        expect(json).toMatchObject({ [field]: true });
        expect(first.stdout).toContain(json.id);
        const fresh = JSON.parse((await factory("--json", ...args, "--idempotency-key", `${key}-2`)).stdout);
        expect(fresh).toMatchObject({ [field]: false });
        expect(fresh.id).not.toBe(json.id);
      },
    );
  }
});
