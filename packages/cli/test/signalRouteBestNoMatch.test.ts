/**
 * `factory signal route --best` for a signal no line matches answers as
 * `who-owns` answers a path no line claims: exit 1, the answer on standard
 * output (the text says nothing was routed, `--json` has `routed: false`),
 * nothing on standard error, and nothing written.
 */
import { describe, expect, it } from "vitest";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { factory, ok, withSdk } = useShopFactory("factory-cli-signal-route-best-");

describe("factory signal route --best when no line matches", () => {
  it("exits 1 with the answer on stdout, nothing on stderr, and routes nothing", SLOW, async () => {
    const captured = await ok("signal", "capture", "--source", "support", "Xyzzy", "plugh", "--json");
    const { id } = JSON.parse(captured.stdout) as { id: string };
    const head = await withSdk((opened) => opened.log.head());

    const text = await factory("signal", "route", id, "--best");
    expect(text.code).toBe(1);
    expect(text.stderr).toBe("");
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe(
      "  no line matches: nothing routed (route it with --to <line>)",
    );
    const json = await factory("signal", "route", id, "--best", "--json");
    expect(json.code).toBe(1);
    expect(json.stderr).toBe("");
    expect(JSON.parse(json.stdout)).toMatchObject({ candidates: [], routed: false, changed: false });
    expect(await withSdk((opened) => opened.log.head())).toEqual(head);

    // Ranked only, no line matching is no failure.
    const ranked = await factory("signal", "route", id);
    expect(ranked.code).toBe(0);
    expect(ranked.stdout.trimEnd().split("\n").at(-1)).toBe("  no line matches");
  });
});
