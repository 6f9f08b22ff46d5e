import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import type { LineInfo } from "@software-factory/floorplan";
import { LineDeclared } from "@software-factory/floorplan";
import {
  defineRule,
  defineScorecard,
  estimateTokenCounter,
  openFactory,
  ScorecardLevelChanged,
  Standards,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TIMEOUT_MS = 200;

const owned = defineRule<LineInfo>({
  id: "has-owner",
  description: "A line has an owner.",
  severity: "error",
  appliesTo: "line",
  triggers: [LineDeclared.type],
  check: (line) => (line.owner ? [] : [{ message: `${line.id} has no owner` }]),
});

const readiness = defineScorecard({
  id: "readiness",
  description: "Lines owned and passing the remote check.",
  levels: [
    { name: "bronze", rules: ["has-owner"] },
    { name: "silver", rules: ["stuck-check"] },
  ],
});

/** A rule whose check never settles and ignores its signal; it counts its calls and keeps each signal. */
function stuckRule() {
  const signals: AbortSignal[] = [];
  const rule = defineRule<LineInfo>({
    id: "stuck-check",
    description: "Asks a service that never answers.",
    severity: "error",
    appliesTo: "line",
    triggers: [LineDeclared.type],
    check: (_line, _factory, { signal }) => {
      signals.push(signal);
      return new Promise(() => undefined);
    },
  });
  return { rule, signals };
}

describe("a rule check that never settles", () => {
  it("does not hold a factory's open while it scores the scorecards: the check times out and fails, naming the rule", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-stuck-rule-"));
    dirs.push(dir);
    const planned = await openFactory({ dir, actor: "ana", tokenCounter: estimateTokenCounter });
    await planned.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [
        { id: "checkout", owner: "ana" },
        { id: "payments", owner: "ana" },
      ],
    });
    await planned.close();
    const stuck = stuckRule();

    const factory = await openFactory({
      dir,
      actor: "ana",
      rules: [owned, stuck.rule],
      scorecards: [readiness],
      ruleCheckTimeoutMs: TIMEOUT_MS,
      tokenCounter: estimateTokenCounter,
    });
    try {
      // Scored at open: owned, but the stuck rule cannot pass, so bronze and not silver.
      expect(await factory.scorecards.levelOf("readiness", "checkout")).toBe("bronze");
      expect(await factory.scorecards.levelOf("readiness", "payments")).toBe("bronze");
      const changes = await factory.log.read({ types: [ScorecardLevelChanged.type] });
      expect(changes.map((event) => event.data)).toEqual([
        expect.objectContaining({ line: "checkout", to: "bronze", failing: ["stuck-check"] }),
        expect.objectContaining({ line: "payments", to: "bronze", failing: ["stuck-check"] }),
      ]);
      // The open ran the stuck check once, not once per line, and aborted it as timed out.
      expect(stuck.signals).toHaveLength(1);
      expect(stuck.signals[0]?.reason).toMatchObject({ name: "TimeoutError" });

      await factory.automations?.idle();
      const calls = stuck.signals.length;
      const findings = await factory.standards.check({ rules: ["stuck-check"] });
      expect(stuck.signals.length - calls).toBe(1);
      expect(findings).toHaveLength(2);
      const [first, second] = findings;
      const other = first?.target.id === "checkout" ? "payments" : "checkout";
      expect(first).toMatchObject({
        rule: "stuck-check",
        severity: "error",
        message: `rule stuck-check did not finish checking line ${first?.target.id} within ${TIMEOUT_MS} ms, so it cannot pass`,
        hint: expect.stringContaining("ruleCheckTimeoutMs"),
      });
      expect(second).toMatchObject({
        rule: "stuck-check",
        severity: "error",
        target: { kind: "line", id: other },
        message: `rule stuck-check was not run on line ${other}: it did not finish on line ${first?.target.id} within ${TIMEOUT_MS} ms, so it cannot pass`,
      });
    } finally {
      await factory.close();
    }
  }, 20_000);

  it("fails one check of Standards after checkTimeoutMs, aborting the rule's signal, and leaves the next check to run it again", async () => {
    const stuck = stuckRule();
    const standards = new Standards({}, { checkTimeoutMs: TIMEOUT_MS });
    standards.addSource<LineInfo>({
      kind: "line",
      all: () => [],
      get: () => undefined,
      idOf: (line) => line.id,
      lineOf: (line) => line.id,
    });
    standards.add(stuck.rule);
    const line = { id: "checkout" } as LineInfo;

    for (const round of [1, 2]) {
      const findings = await standards.checkTarget("line", line);
      expect(findings).toEqual([
        expect.objectContaining({
          rule: "stuck-check",
          target: { kind: "line", id: "checkout" },
          message: `rule stuck-check did not finish checking line checkout within ${TIMEOUT_MS} ms, so it cannot pass`,
        }),
      ]);
      expect(stuck.signals).toHaveLength(round);
      expect(stuck.signals[round - 1]?.aborted).toBe(true);
    }
    await standards.close();
  }, 20_000);

  it("refuses a rule check timeout that is not a whole number of milliseconds from 1 to an hour", async () => {
    expect(() => new Standards({}, { checkTimeoutMs: 0 })).toThrow(
      "standards options is invalid: checkTimeoutMs: must be at least 1 ms",
    );
    await expect(openFactory({ dir: "unused", ruleCheckTimeoutMs: 1.5 })).rejects.toThrow(ValidationError);
    await expect(openFactory({ dir: "unused", ruleCheckTimeoutMs: 1.5 })).rejects.toThrow(
      "openFactory options is invalid: ruleCheckTimeoutMs: must be a whole number of milliseconds",
    );
  });
});
