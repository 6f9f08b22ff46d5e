/**
 * `factory metrics`' text says what its `--json` says: the median time to
 * resolve a signal beside the median time to route one; and a rate per week
 * only over a window of a week or more, where it is not a count stretched out.
 */
import { describe, expect, it } from "vitest";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { ok } = useShopFactory("factory-cli-metrics-text-");

/** The line of `factory metrics`' text that starts with `label`. */
const lineOf = (stdout: string, label: string) =>
  stdout.split("\n").find((line) => line.trimStart().startsWith(label)) ?? "";

describe("factory metrics' text", () => {
  it("gives the median time to resolve a signal beside the time to route it", SLOW, async () => {
    const captured = await ok(
      "signal",
      "capture",
      "--source",
      "support",
      "--line",
      "checkout",
      "Pay",
      "--json",
    );
    const { id: signal } = JSON.parse(captured.stdout) as { id: string };
    const created = await ok(
      ...`work create --line checkout --flow tiny --signal ${signal} --json Pay by link`.split(" "),
    );
    const { id: item } = JSON.parse(created.stdout) as { id: string };
    await ok("work", "advance", item);
    await ok(
      ...`work artifact ${item} --kind changeSet --title Link`.split(" "),
      "--fields",
      '{"commit":"9c4e1a7","paths":["src/checkout/link.ts"]}',
    );
    await ok("work", "advance", item);
    await ok(
      ...`work artifact ${item} --kind testEvidence --title Tests`.split(" "),
      "--fields",
      '{"runId":"r1","passed":3,"failed":0}',
    );
    await ok("work", "advance", item);

    const json = JSON.parse((await ok("metrics", "--json")).stdout);
    expect(json.signals).toMatchObject({ resolved: 1, medianHoursToResolve: expect.any(Number) });
    const text = (await ok("metrics")).stdout;
    expect(lineOf(text, "signal resolution")).toMatch(
      /100% resolved; median (<1|\d+) s to route, (<1|\d+) s to resolve$/,
    );
  });

  it("gives weekly rates over a week or more, and only the counts over a shorter window", SLOW, async () => {
    await ok("deployment", "record", "--line", "checkout");
    const month = (await ok("metrics")).stdout;
    expect(lineOf(month, "throughput")).toMatch(/ \d+ delivered, \d+\.\d\/week; lead time/);
    expect(lineOf(month, "DORA")).toMatch(/ 1 deployment, 0\.2\/week; change lead time/);
    const week = (await ok("metrics", "--since", "7d")).stdout;
    expect(lineOf(week, "DORA")).toMatch(/ 1 deployment, 1\.0\/week; change lead time/);

    const day = (await ok("metrics", "--since", "1d")).stdout;
    expect(lineOf(day, "throughput")).toMatch(
      / \d+ delivered \(window under a week: no weekly rate\); lead time/,
    );
    expect(lineOf(day, "DORA")).toMatch(/ 1 deployment \(window under a week: no weekly rate\); change/);
    // --json keeps the rate, with the window's length to judge it by.
    const json = JSON.parse((await ok("metrics", "--since", "1d", "--json")).stdout);
    // The default end is a millisecond after now: a day and a millisecond.
    expect(json.window.days).toBeCloseTo(1, 6);
    expect(json.dora.deployments).toBe(1);
    expect(json.dora.deploymentsPerWeek).toBeCloseTo(7, 4);
  });
});
