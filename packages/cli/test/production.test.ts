/**
 * `factory deployment record|list` and `factory incident open|resolve|list`:
 * the SDK's `recordDeployment`, `openIncident`, `resolveIncident`,
 * `deployments` and `incidents` from a shell, and `factory metrics` reporting
 * them (per line with `--line`). The built bin, run as a subprocess, on a
 * real SQLite file.
 */
import type { AssemblyMeasures, Deployment, Incident, WorkItem } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import type { RunResult } from "./runFactory.js";
import { firstLine, SLOW, useShopFactory } from "./shopFactory.js";

const { factory, ok, withSdk } = useShopFactory("factory-production-");

/** Runs the bin with `--json` and expects it to succeed; what it printed. */
async function json<T>(...args: string[]): Promise<T> {
  return JSON.parse((await ok(...args, "--json")).stdout) as T;
}

/** The position of the log's last event: unchanged when a refused command wrote nothing. */
const head = () => withSdk((opened) => opened.log.head());

/** The DORA measures `factory metrics --json` reports. */
const dora = async () => (await json<AssemblyMeasures>("metrics")).dora;

describe("factory deployment record and factory incident open|resolve", () => {
  it("names the shipped work items --work-item in its help, as context and import junit do", async () => {
    const help = await ok("deployment", "record", "--help");
    expect(help.stdout).toContain("--work-item <id>");
    expect(help.stdout).not.toContain("--item <id>");
  });

  it("records deployments and incidents, in text and JSON, that factory metrics reports", SLOW, async () => {
    expect(await dora()).toBeNull();
    const item = await json<WorkItem>("work", "create", "--line", "checkout", "Pay by link");

    const shipped = await ok("deployment", "record", "--work-item", item.id);
    const [, first] = /^recorded (dep_\S+) /.exec(shipped.stdout) ?? [];
    expect(shipped.stdout).toBe(`recorded ${first} to production (succeeded), shipping ${item.id}\n`);
    const failed = await json<Record<string, unknown>>(
      "deployment",
      "record",
      "--status",
      "failed",
      "--deployed-version",
      "v2",
    );
    expect(failed).toEqual({
      id: expect.stringMatching(/^dep_/),
      environment: "production",
      status: "failed",
      workItems: [],
      remediates: [],
      version: "v2",
      recordedAt: expect.any(String),
      recordedBy: "tester",
      alreadyRecorded: false,
    });
    // --item, the flag's first name, still works.
    await ok("deployment", "record", "--environment", "staging", "--item", item.id);

    const opened = await ok(
      "incident",
      "open",
      "--deployment",
      first as string,
      "--severity",
      "critical",
      "Checkout",
      "down",
    );
    const [, incident] = /^opened (inc_\S+) /.exec(opened.stdout) ?? [];
    expect(opened.stdout).toBe(`opened ${incident} (critical), caused by ${first}: Checkout down\n`);
    const other = await json<Record<string, unknown>>("incident", "open", "Refunds slow");
    expect(other).toEqual({
      id: expect.stringMatching(/^inc_/),
      title: "Refunds slow",
      severity: "high",
      blamedOn: null,
      openedAt: expect.any(String),
      openedBy: "tester",
      alreadyOpened: false,
    });

    const resolved = await ok("incident", "resolve", incident as string, "--note", "rolled back");
    expect(resolved.stdout).toBe(`resolved ${incident} (rolled back)\n`);
    expect(await json("incident", "resolve", other.id as string)).toEqual({ id: other.id, changed: true });
    const fix = await ok("deployment", "record", "--remediates", incident as string);
    expect(fix.stdout).toMatch(
      new RegExp(`^recorded dep_\\S+ to production \\(succeeded\\), fixing ${incident}\\n$`),
    );

    // Production only: the caused incident and the failed deployment fail 2 of 3; the fix is rework.
    expect(await dora()).toMatchObject({
      deployments: 3,
      changeFailRate: 2 / 3,
      deploymentReworkRate: 1 / 3,
      failedDeploymentRecoveryHours: { count: 2 },
    });
    // All five DORA measures, durations in the unit that reads (the recovery took well under a minute).
    expect((await ok("metrics")).stdout).toMatch(
      /DORA {27}3 deployments, 0\.7\/week; change lead time p50 -; change fail rate 67%; recovery p50 (<1|\d+) s; rework rate 33%\n/,
    );
  });

  it(
    "refuses malformed flags with E_USAGE naming the flag or argument, and unknown ids with E_NOT_FOUND, writing nothing",
    SLOW,
    async () => {
      const before = await head();
      const usage: [RunResult, string][] = [
        [
          await factory("deployment", "record", "--environment", " "),
          'error: E_USAGE: --environment: must not be empty (got " ")',
        ],
        [
          await factory("deployment", "record", "--status", "rolled-back"),
          'error: E_USAGE: --status: must be one of "succeeded", "failed" (got "rolled-back")',
        ],
        [
          await factory("deployment", "record", "--work-item", ""),
          'error: E_USAGE: --work-item: must not be empty (got "")',
        ],
        [
          await factory("deployment", "record", "--item", ""),
          'error: E_USAGE: --item: must not be empty (got "")',
        ],
        [await factory("incident", "open", " "), "error: E_USAGE: <title>: title must not be empty"],
        [
          await factory("incident", "open", "--severity", "huge", "Down"),
          'error: E_USAGE: --severity: must be one of "low", "medium", "high", "critical" (got "huge")',
        ],
        [
          await factory("incident", "resolve", "inc_nope", "--note", ""),
          'error: E_USAGE: --note: must not be empty (got "")',
        ],
        [await factory("incident", "resolve", ""), 'error: E_USAGE: <id>: must not be empty (got "")'],
        [
          await factory("deployment", "record", "--deployed-version", "v1\nv2"),
          "error: E_USAGE: --deployed-version: version must be one line, without control characters",
        ],
      ];
      for (const [result, message] of usage) {
        expect(result.code, result.stderr).toBe(2);
        expect(firstLine(result)).toContain(message);
      }

      const missing: [RunResult, string][] = [
        [
          await factory("deployment", "record", "--work-item", "wi_nope"),
          'error: E_NOT_FOUND: --work-item: no work item "wi_nope" (see factory work list)',
        ],
        [
          await factory("deployment", "record", "--item", "wi_nope"),
          'error: E_NOT_FOUND: --item: no work item "wi_nope" (see factory work list)',
        ],
        [
          await factory("deployment", "record", "--remediates", "inc_nope"),
          'error: E_NOT_FOUND: --remediates: no incident "inc_nope" in this factory',
        ],
        [
          await factory("incident", "open", "--deployment", "dep_nope", "Down"),
          'error: E_NOT_FOUND: --deployment: no deployment "dep_nope" in this factory',
        ],
        [
          await factory("incident", "resolve", "inc_nope"),
          'error: E_NOT_FOUND: <id>: no incident "inc_nope"',
        ],
        [
          await factory("deployment", "record", "--line", "ghost"),
          'error: E_NOT_FOUND: --line: no line "ghost" in the floor plan (see factory floorplan)',
        ],
      ];
      for (const [result, message] of missing) {
        expect(result.code, result.stderr).toBe(1);
        expect(firstLine(result)).toBe(message);
      }
      expect(await head()).toBe(before);
    },
  );

  it(
    "records a deployment retried with its --idempotency-key once: the same deployment printed, counted once by metrics",
    SLOW,
    async () => {
      const before = (await dora())?.deployments ?? 0;
      const item = await json<WorkItem>("work", "create", "--line", "checkout", "Pay by bank");
      const deploy = ["deployment", "record", "--work-item", item.id, "--idempotency-key", "ci-pipeline-77"];
      const first = await ok(...deploy);
      expect(first.stdout).toMatch(
        new RegExp(`^recorded dep_\\S+ to production \\(succeeded\\), shipping ${item.id}\\n$`),
      );
      const retried = await ok(...deploy);
      expect(retried.stdout).toBe(
        `already ${first.stdout.trimEnd()}: --idempotency-key ci-pipeline-77 was used for it before (nothing written)\n`,
      );
      const [, id] = /^recorded (dep_\S+) /.exec(first.stdout) ?? [];
      expect(await json(...deploy)).toMatchObject({ id, workItems: [item.id] });
      expect((await dora())?.deployments).toBe(before + 1);

      const conflict = await factory(
        "deployment",
        "record",
        "--status",
        "failed",
        "--deployed-version",
        "v9",
        "--idempotency-key",
        "ci-pipeline-77",
      );
      expect(conflict.code).toBe(1);
      expect(firstLine(conflict)).toMatch(
        /^error: E_IDEMPOTENCY_CONFLICT: --idempotency-key: idempotency key "ci-pipeline-77" was already used to record deployment dep_\S+ with a different /,
      );
      const blank = await factory("deployment", "record", "--idempotency-key", " ");
      expect(blank.code).toBe(2);
      expect(firstLine(blank)).toBe('error: E_USAGE: --idempotency-key: must not be empty (got " ")');
      expect((await dora())?.deployments).toBe(before + 1);
    },
  );

  it(
    "opens an incident retried with its --idempotency-key once, and resolves an incident once",
    SLOW,
    async () => {
      const open = [
        "incident",
        "open",
        "--severity",
        "low",
        "--idempotency-key",
        "alert-5",
        "Search",
        "slow",
      ];
      const first = await ok(...open);
      const [, id] = /^opened (inc_\S+) /.exec(first.stdout) ?? [];
      expect(first.stdout).toBe(`opened ${id} (low): Search slow\n`);
      expect((await ok(...open)).stdout).toBe(
        `already opened ${id} (low): Search slow: --idempotency-key alert-5 was used for it before (nothing written)\n`,
      );

      expect((await ok("incident", "resolve", id as string, "--note", "reindexed")).stdout).toBe(
        `resolved ${id} (reindexed)\n`,
      );
      const before = await head();
      const again = await ok("incident", "resolve", id as string, "--note", "restarted");
      expect(again.stdout).toBe(`${id} was already resolved: nothing changed\n`);
      expect(await json("incident", "resolve", id as string)).toEqual({ id, changed: false });
      expect(await head()).toBe(before);
    },
  );

  it(
    "records deployments and incidents on a line with a version, lists them by line, and measures the line",
    SLOW,
    async () => {
      const shipped = await ok("deployment", "record", "--line", "payments", "--deployed-version", "v2.4.1");
      const [, id] = /^recorded (dep_\S+) /.exec(shipped.stdout) ?? [];
      expect(shipped.stdout).toBe(`recorded ${id} of payments v2.4.1 to production (succeeded)\n`);
      const staged = await json<Record<string, unknown>>(
        "deployment",
        "record",
        "--line",
        "payments",
        "--environment",
        "staging",
      );
      expect(staged).toMatchObject({ environment: "staging", line: "payments" });
      const incident = await json<Record<string, unknown>>(
        "incident",
        "open",
        "--line",
        "payments",
        "Refunds fail",
      );
      expect(incident).toMatchObject({ line: "payments", title: "Refunds fail" });

      const listed = (await ok("deployment", "list", "--line", "payments")).stdout.split("\n");
      expect(listed).toHaveLength(3);
      expect(listed[0]).toMatch(new RegExp(`^${id}  \\S+Z  production +succeeded +payments +v2\\.4\\.1$`));
      expect(listed[1]).toMatch(new RegExp(`^${staged.id}  \\S+Z  staging +succeeded +payments +-$`));
      const production = await json<Deployment[]>(
        "deployment",
        "list",
        "--line",
        "payments",
        "--environment",
        "production",
      );
      expect(production).toEqual([expect.objectContaining({ id, line: "payments", version: "v2.4.1" })]);
      expect(await json<Incident[]>("incident", "list", "--open", "--line", "payments")).toEqual([
        expect.objectContaining({ id: incident.id, line: "payments", title: "Refunds fail" }),
      ]);

      // The incident names no deployment: it counts against payments' latest, v2.4.1.
      const payments = await json<AssemblyMeasures>("metrics", "--line", "payments");
      expect(payments.dora).toMatchObject({ deployments: 1, changeFailRate: 1 });
    },
  );
});
