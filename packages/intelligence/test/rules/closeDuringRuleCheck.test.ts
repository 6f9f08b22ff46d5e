import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClosedError, type StoredEvent } from "@software-factory/core";
import { LineDeclared, type LineInfo, type PlanInput } from "@software-factory/floorplan";
import {
  defineRule,
  defineScorecard,
  openFactory,
  ScorecardLevelChanged,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-rule-close-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const plan: PlanInput = {
  product: { id: "shop" },
  operators: [{ id: "ana" }],
  lines: [{ id: "checkout", owner: "ana" }],
};

/** Resolves when called: tells the test a check is under way. */
function entered(): { readonly reached: Promise<void>; readonly reach: () => void } {
  let reach = (): void => undefined;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  return { reached, reach };
}

const readiness = defineScorecard({
  id: "readiness",
  description: "Lines pass the slow check.",
  levels: [{ name: "bronze", rules: ["slow-check"] }],
});

describe("closing a factory while rules are being checked", () => {
  it("cancels a check that never ends and one that heeds its signal, and leaves the scorecard event for the next start", async () => {
    const hung = entered();
    const heeding = entered();
    let heard: unknown;
    // Never settles and ignores its signal: before rule checks could be cancelled, close() waited for it forever.
    const never = defineRule<LineInfo>({
      id: "slow-check",
      description: "Asks a service that never answers.",
      severity: "error",
      appliesTo: "line",
      triggers: [LineDeclared.type],
      check: () => {
        hung.reach();
        return new Promise(() => undefined);
      },
    });
    const careful = defineRule<LineInfo>({
      id: "careful-check",
      description: "Asks a service, and stops when told to.",
      severity: "error",
      appliesTo: "line",
      check: (_line, _factory, { signal }) => {
        heeding.reach();
        return new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            heard = signal.reason;
            reject(signal.reason);
          });
        });
      },
    });
    const factory = await openFactory({
      dir,
      actor: "ana",
      durability: "normal",
      rules: [never, careful],
      scorecards: [readiness],
    });
    await factory.floorplan.applyPlan(plan);
    const direct = factory.standards.check({ rules: ["careful-check"] });
    const outcome = direct.then(
      () => undefined,
      (error: unknown) => error,
    );
    await Promise.all([hung.reached, heeding.reached]);

    await factory.close();

    const error = await outcome;
    expect(error).toBeInstanceOf(ClosedError);
    expect((error as ClosedError).message).toContain('rule "careful-check" was cancelled');
    expect((error as ClosedError).code).toBe("E_CLOSED");
    expect(heard).toBe(error);
    await expect(factory.standards.check()).rejects.toThrow(/standards are closed/);

    // Nothing was written for the re-scoring cut off: no level, no mark or record that the line's event was handled.
    const written = await readAll(dir);
    const declared = written.find((event) => event.type === LineDeclared.type);
    expect(declared).toBeDefined();
    expect(written.filter((event) => event.type === ScorecardLevelChanged.type)).toEqual([]);
    expect(written.filter((event) => isMarkOf(event, declared?.id))).toEqual([]);
    const past = (event: StoredEvent) =>
      (event.data as { position: number }).position >= (declared?.seq ?? 0);
    expect(written.filter((event) => event.type === "automation.advanced" && past(event))).toEqual([]);

    // Reopened without the bad rule (its check answers now), the event is handled.
    const fixed = defineRule<LineInfo>({ ...never, check: () => [] });
    const reopened = await openFactory({
      dir,
      actor: "ana",
      durability: "normal",
      rules: [fixed],
      scorecards: [readiness],
    });
    try {
      await reopened.automations?.idle();
      // Handled well: past the automation's position, and not a failure (it emitted nothing, so it has no mark).
      expect(reopened.automations?.positions()["rescore-lines"]).toBeGreaterThanOrEqual(declared?.seq ?? 0);
      expect(await reopened.automations?.failures("rescore-lines")).toEqual([]);
      expect(await reopened.scorecards.levelOf("readiness", "checkout")).toBe("bronze");
    } finally {
      await reopened.close();
    }
  }, 30_000);
});

/** Every event of the factory's log, read through a factory opened without rules or automations. */
async function readAll(at: string): Promise<StoredEvent[]> {
  const reader = await openFactory({ dir: at, actor: "ana", durability: "normal" });
  try {
    return await collect(reader.log.readAll());
  } finally {
    await reader.close();
  }
}

/** The events an iteration of the log gives. */
async function collect(events: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** Whether an event is the scorecards' automation's mark that it handled `id`. */
function isMarkOf(event: StoredEvent, id: string | undefined): boolean {
  const data = event.data as { automation?: string; event?: string };
  return event.type === "automation.handled" && data.automation === "rescore-lines" && data.event === id;
}
