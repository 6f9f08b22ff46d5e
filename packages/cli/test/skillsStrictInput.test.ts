/**
 * `factory skills run` refuses input keys the skill's input schema does not
 * take, as MCP's `run_skill` does, and records the refusal as an
 * invalid-input run: a misspelt key is not dropped unread by the skill's zod
 * object.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-skills-strict-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The outcome and error of each `skill.ran` event of the factory's log, read with the SDK. */
async function skillRuns(): Promise<{ outcome: string; error?: string }[]> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    const events = await log.read({ types: ["skill.ran"] });
    return events.map((event) => {
      const { outcome, error } = event.data as { outcome: string; error?: string };
      return error === undefined ? { outcome } : { outcome, error };
    });
  } finally {
    await log.close();
  }
}

describe("factory skills run with an input key the skill does not take", () => {
  it("exits 2 naming the key and the fields it takes, and records the run as invalid-input", async () => {
    const typo = await factory("skills", "run", "summarize-line", "--input", '{"lnie":"checkout"}');
    expect(typo.code).toBe(2);
    // The key is at the top of the input: the message names no field for it (the SDK's says `(root): `).
    expect(typo.stderr).toMatch(
      /^error: E_USAGE: --input: unknown field "lnie"; it takes line \(got \{"lnie":"checkout"\}\)\n/,
    );
    // Beside a valid input too: the extra key is refused, not dropped unread.
    const extra = await factory(
      "skills",
      "run",
      "summarize-line",
      "--input",
      '{"line":"checkout","verbose":true}',
    );
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain(
      'E_USAGE: --input: unknown field "verbose"; it takes line (got {"line":"checkout","verbose":true})\n',
    );
    expect(extra.stdout).toBe("");
    expect(await skillRuns()).toEqual([
      { outcome: "invalid-input", error: expect.stringContaining('unknown field "lnie"') },
      { outcome: "invalid-input", error: expect.stringContaining('unknown field "verbose"') },
    ]);
  });
});
