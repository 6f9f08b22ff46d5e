/**
 * `factory signal route` takes one way to choose the line: --to or --best.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-signal-route-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory signal route's flags", () => {
  it("is a usage error naming both, and routes nothing", async () => {
    const captured = await factory(
      "signal",
      "capture",
      "--source",
      "support",
      "Refunds",
      "take",
      "weeks",
      "--json",
    );
    const { id } = JSON.parse(captured.stdout) as { id: string };
    const both = await factory("signal", "route", id, "--best", "--to", "payments");
    expect(both.stderr.split("\n")[0]).toBe("error: E_USAGE: give --to <line> or --best, not both");
    expect(both.code).toBe(2);
    const after = JSON.parse((await factory("signal", "route", id, "--json")).stdout);
    expect(after.signal.line).toBeUndefined();
    expect(after.routed).toBe(false);
  });

  it("refuses --limit over the router's 100 as a usage error naming it", async () => {
    const captured = await factory("signal", "capture", "--source", "support", "Pay", "later", "--json");
    const { id } = JSON.parse(captured.stdout) as { id: string };
    const over = await factory("signal", "route", id, "-n", "101");
    expect(over.stderr.split("\n")[0]).toBe('error: E_USAGE: --limit: must be at most 100 (got "101")');
    expect(over.code).toBe(2);
    expect((await factory("signal", "route", id, "-n", "100")).code).toBe(0);
  });

  it("says where a signal it ranks is routed already, and writes nothing", async () => {
    const captured = await factory("signal", "capture", "--source", "support", "Card", "refused", "--json");
    const { id } = JSON.parse(captured.stdout) as { id: string };
    const unrouted = await factory("signal", "route", id);
    expect(unrouted.stdout).not.toContain("routed to");
    expect((await factory("signal", "route", id, "--to", "payments")).code).toBe(0);
    const ranked = await factory("signal", "route", id);
    expect(ranked.code).toBe(0);
    expect(ranked.stdout.trimEnd().split("\n").at(-1)).toBe("routed to payments already (by tester)");
    expect(JSON.parse((await factory("signal", "route", id, "--json")).stdout)).toMatchObject({
      routed: false,
      changed: false,
      signal: { line: "payments" },
    });
  });
});
