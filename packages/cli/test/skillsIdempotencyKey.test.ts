/**
 * `factory skills run --idempotency-key`: a CI job that retries the command
 * with its key runs the skill once and prints the first run's output; the key
 * reused for other input is refused with E_IDEMPOTENCY_CONFLICT naming the
 * flag; a blank key is a usage error. The built bin, run as a subprocess, on
 * a real SQLite file, checked through the SDK.
 */
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { cwd, factory } = useShopFactory("factory-skills-idempotency-key-");
const summarize = (line: string, ...flags: string[]) =>
  factory("skills", "run", "summarize-line", "--input", JSON.stringify({ line }), ...flags);

/** The outcomes and keys of the `skill.ran` events of the factory's log, read with the SDK. */
async function skillRuns(): Promise<{ outcome: string; idempotencyKey?: string }[]> {
  const log = await openEventLog({ path: join(cwd(), ".factory", "factory.db") });
  try {
    return (await log.read({ types: ["skill.ran"] })).map(
      (event) => event.data as { outcome: string; idempotencyKey?: string },
    );
  } finally {
    await log.close();
  }
}

describe("factory skills run --idempotency-key", () => {
  it(
    "runs a retried command once, printing the first run, and refuses the key for other input naming the flag",
    SLOW,
    async () => {
      const first = await summarize("payments", "--idempotency-key", "ci-run-7", "--json");
      expect(first.code, first.stderr).toBe(0);
      const retried = await summarize("payments", "--idempotency-key", "ci-run-7", "--json");
      expect(retried.code, retried.stderr).toBe(0);
      expect(JSON.parse(retried.stdout)).toEqual(JSON.parse(first.stdout));
      expect(await skillRuns()).toEqual([
        expect.objectContaining({ outcome: "ok", idempotencyKey: "ci-run-7" }),
      ]);

      const other = await summarize("checkout", "--idempotency-key", "ci-run-7");
      expect(other.code).toBe(1);
      expect(firstLine(other)).toMatch(
        /^error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-run-7" was already used to run skill summarize-line on a different input \(input hash [0-9a-f]{12}, this call's [0-9a-f]{12}\); use a new key$/,
      );
      expect(await skillRuns()).toHaveLength(1);
    },
  );

  it("refuses a blank key before running anything", SLOW, async () => {
    const empty = await summarize("payments", "--idempotency-key", "");
    expect(empty.code).toBe(2);
    expect(firstLine(empty)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got "")');
  });
});
