/**
 * `factory incident open` and `incident list` name the deployment an incident
 * is blamed on (the one the change fail rate counts it against), and warn
 * when there is none, so it counts in no change fail rate.
 */
import type { Incident } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { ok } = useShopFactory("factory-cli-incident-blame-");

/** Runs the bin with `--json`, expecting success; what it printed. */
const json = async <T>(...args: string[]): Promise<T> => JSON.parse((await ok(...args, "--json")).stdout);

describe("the deployment an incident is blamed on", () => {
  it("is named when the incident names only its line, and said to be none with a warning", SLOW, async () => {
    const release = await json<{ id: string }>("deployment", "record", "--line", "checkout");
    const opened = await ok("incident", "open", "--line", "checkout", "Card", "payments", "time", "out");
    const [, id] = /^opened (inc_\S+) /.exec(opened.stdout) ?? [];
    expect(opened.stdout).toBe(
      `opened ${id} on checkout (high), blamed on ${release.id} (the latest production deployment of checkout): Card payments time out\n`,
    );
    expect(opened.stderr).toBe("");

    await ok("deployment", "record", "--line", "search", "--environment", "staging");
    const unblamed = await ok("incident", "open", "--line", "search", "Results", "are", "stale");
    const [, other] = /^opened (inc_\S+) /.exec(unblamed.stdout) ?? [];
    expect(unblamed.stdout).toBe(`opened ${other} on search (high): Results are stale\n`);
    expect(unblamed.stderr).toBe(
      `warning: ${other} is blamed on no deployment (search has no production deployment recorded before it), so it counts in no change failure rate\n`,
    );
    const loose = await ok("incident", "open", "Something", "is", "off");
    expect(loose.stderr).toMatch(/is blamed on no deployment \(it names no deployment and no line\)/);

    const again = await json<Incident>("incident", "open", "--line", "checkout", "Cards", "declined");
    expect(again.blamedOn).toBe(release.id);
    expect((await json<Incident>("incident", "open", "--line", "search", "Slow")).blamedOn).toBeNull();
    const listed = await json<Incident[]>("incident", "list");
    expect(listed.map((incident) => incident.blamedOn)).toEqual([release.id, null, null, release.id, null]);
    const rows = (await ok("incident", "list")).stdout.trim().split("\n");
    expect(rows[0]).toContain(` ${release.id} `);
    expect(rows[1]).toMatch(/ search +- +Results are stale$/);
  });
});
