/**
 * `work list`, `deployment list` and `incident list` take `-n, --limit <n>`
 * as `knowledge list`, `search` and `inbox` do: they show the newest n (50
 * by default), oldest first, and a dimmed line says how many older ones were
 * left out; `--json` prints the same array, cut the same way.
 */
import { describe, expect, it } from "vitest";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, ok } = useShopFactory("factory-list-limits-");

/** The ids a `--json` list printed, in its order. */
async function ids(...args: string[]): Promise<string[]> {
  return (JSON.parse((await ok(...args, "--json")).stdout) as { id: string }[]).map((row) => row.id);
}

/** The lists, each with the command that adds one row and the noun of its note. */
const LISTS = [
  { list: ["work", "list"], add: ["work", "create", "--line", "checkout"], noun: "work item" },
  { list: ["deployment", "list"], add: ["deployment", "record", "--deployed-version"], noun: "deployment" },
  { list: ["incident", "list"], add: ["incident", "open"], noun: "incident" },
] as const;

describe("factory work|deployment|incident list --limit", () => {
  it.each(LISTS)(
    "$list.0 list shows the newest n and says how many older ones it left out",
    SLOW,
    async ({ list, add, noun }) => {
      for (const name of ["first", "second", "third"]) await ok(...add, name);
      const all = await ids(...list);
      expect(all).toHaveLength(3);

      expect(await ids(...list, "-n", "2")).toEqual(all.slice(1));
      const text = (await ok(...list, "--limit", "2")).stdout.trimEnd().split("\n");
      expect(text).toHaveLength(3);
      expect(text[0]).toContain(all[1]);
      expect(text[1]).toContain(all[2]);
      expect(text[2]).toBe(`1 older ${noun} not shown: raise --limit`);

      const whole = (await ok(...list)).stdout.trimEnd().split("\n");
      expect(whole).toHaveLength(3);
      expect(whole.join("\n")).not.toContain("raise --limit");

      const zero = await factory(...list, "-n", "0");
      expect(zero.code).toBe(2);
      expect(firstLine(zero)).toBe('error: E_USAGE: --limit: must be at least 1 (got "0")');
    },
  );

  it.each(LISTS)("$list.0 list --help says the default, 50, as knowledge list does", async ({ list }) => {
    const help = (await ok(...list, "--help")).stdout.replace(/\s+/g, " ");
    expect(help).toContain("-n, --limit <n> show the newest n (default 50)");
  });
});
