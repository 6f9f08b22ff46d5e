/**
 * A mistyped required flag is told as the typo: the unknown option, with
 * commander's suggestion, wins over the required option it was meant to be,
 * in every command; a required option really missing is still refused. Both
 * are E_USAGE, exit 2, from the built bin.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactoryProcess } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactoryProcess(args, { cwd });
/** Each case starts the bin, a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-unknown-required-"));
  expect((await factory("init")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("an unknown option in place of a required one", () => {
  it("is named with a suggestion, not reported as the required option missing", SLOW, async () => {
    const cases: [args: string[], typo: string, meant: string][] = [
      [["work", "create", "--lien", "checkout", "x"], "--lien", "--line"],
      [["work", "back", "wi_x", "--reson", "scope"], "--reson", "--reason"],
      [["signal", "capture", "--sorce", "support", "refunds fail"], "--sorce", "--source"],
      [["knowledge", "capture", "--knd", "note", "--title", "t", "--body", "b"], "--knd", "--kind"],
    ];
    for (const [args, typo, meant] of cases) {
      const result = await factory(...args);
      const label = args.join(" ");
      expect(result.code, label).toBe(2);
      expect(result.stderr.split("\n").slice(0, 2), label).toEqual([
        `error: E_USAGE: unknown option '${typo}'`,
        `(Did you mean ${meant}?)`,
      ]);
    }
    const list = await factory("work", "list", "--json");
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it("leaves a required option that is missing refused as before", SLOW, async () => {
    const result = await factory("work", "create", "x");
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "error: E_USAGE: required option '--line <line>' not specified",
    );
  });
});
