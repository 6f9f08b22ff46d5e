/**
 * `factory deployment record --json` and `factory incident open --json` print
 * the record as `deployment list --json` and `incident list --json` print it:
 * one shape for a script, whichever command it read, with one field more:
 * `alreadyRecorded` / `alreadyOpened`, true when a retry with the same
 * idempotency key wrote nothing.
 */
import { describe, expect, it } from "vitest";
import { SLOW, useShopFactory } from "./shopFactory.js";

const { ok } = useShopFactory("factory-cli-production-record-json-");

/** Runs the bin with `--json`, expecting success; what it printed. */
const json = async (...args: string[]) => JSON.parse((await ok(...args, "--json")).stdout);

/** The record a create printed, without the field saying whether a retry wrote nothing. */
const recordOf = ({ alreadyRecorded, alreadyOpened, ...record }: Record<string, unknown>) => record;

describe("the JSON of factory deployment record and factory incident open", () => {
  it("is the deployment deployment list prints, recordedAt and recordedBy included", SLOW, async () => {
    const recordedJson = await json("deployment", "record", "--line", "checkout", "--deployed-version", "v1");
    const bareJson = await json("deployment", "record", "--status", "failed", "--deployed-version", "v2");
    expect([recordedJson.alreadyRecorded, bareJson.alreadyRecorded]).toEqual([false, false]);
    const [recorded, bare] = [recordOf(recordedJson), recordOf(bareJson)];
    const listed = await json("deployment", "list");
    expect(listed).toEqual([recorded, bare]);
    expect(bare).toMatchObject({ version: "v2", status: "failed", recordedBy: "tester" });
    expect(recorded).toMatchObject({ line: "checkout", version: "v1", recordedBy: "tester" });
    expect(Object.keys(recorded).sort()).toEqual(
      [
        "environment",
        "id",
        "line",
        "recordedAt",
        "recordedBy",
        "remediates",
        "status",
        "version",
        "workItems",
      ].sort(),
    );
  });

  it("is the incident incident list prints, with the line it took from its deployment", SLOW, async () => {
    const [deployment] = await json("deployment", "list", "--line", "checkout");
    const opened = await json(
      "incident",
      "open",
      "--deployment",
      deployment.id,
      "Checkout",
      "returns",
      "500",
    );
    expect(opened).toMatchObject({
      deployment: deployment.id,
      line: "checkout",
      openedBy: "tester",
      alreadyOpened: false,
    });
    expect(await json("incident", "list")).toEqual([recordOf(opened)]);
    const text = await ok("incident", "open", "--deployment", deployment.id, "Cart", "empties");
    expect(text.stdout).toMatch(
      new RegExp(`^opened inc_\\S+ on checkout \\(high\\), caused by ${deployment.id}: Cart empties\\n$`),
    );
  });

  it("is the first record on a retry with the same idempotency key", SLOW, async () => {
    const key = ["--idempotency-key", "ci-77"];
    const record = ["deployment", "record", "--environment", "staging", "--deployed-version", "v3", ...key];
    const first = await json(...record);
    const retried = await json(...record);
    expect([first.alreadyRecorded, retried.alreadyRecorded]).toEqual([false, true]);
    expect(recordOf(retried)).toEqual(recordOf(first));
    expect(await json("deployment", "list", "--environment", "staging")).toEqual([recordOf(retried)]);
  });
});
