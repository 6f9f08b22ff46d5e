import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConcurrencyConflictError, type EventLog, openEventLog } from "@software-factory/core";
import { floorPlanEvents, openFloorPlan } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture } from "../../core/test/fixtures/runChild.js";
import { shopPlan } from "./fixtures.js";

const child = join(import.meta.dirname, "fixtures", "planWriterChild.ts");
const WRITERS = 4;
const ROUNDS = 12;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("plan writes from several processes on one SQLite file", () => {
  it("lands every declare, edit, merge and retire, each made to the latest plan, none undoing another's", {
    timeout: 240_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-writers-"));
    dirs.push(dir);
    const path = join(dir, "factory.db");
    const log = await openEventLog({ path, events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(shopPlan());

    const start = join(dir, "start");
    const writers = await Promise.all(
      Array.from({ length: WRITERS }, (_, index) =>
        startFixture(child, [path, `w${index}`, String(ROUNDS), start], "ready", { timeoutMs: 60_000 }),
      ),
    );
    writeFileSync(start, "");
    const exits = await Promise.all(writers.map((writer) => writer.exited));
    expect(
      exits.map((exit) =>
        exit.stdout
          .trim()
          .split("\n")
          .filter((line) => line.startsWith("failed")),
      ),
    ).toEqual(Array.from({ length: WRITERS }, () => []));
    expect(exits.map((exit) => exit.code)).toEqual(Array.from({ length: WRITERS }, () => 0));

    await floorplan.refresh();
    const lines = new Set(floorplan.lines().map((line) => line.id));
    for (const line of shopPlan().lines ?? []) expect(lines.has(line.id), line.id).toBe(true);
    for (let writer = 0; writer < WRITERS; writer++)
      for (let round = 0; round < ROUNDS; round++) {
        const id = `w${writer}-${round}`;
        // Odd rounds retire the line of the round before; the last round's line stays too.
        expect(lines.has(id), id).toBe(round % 2 === 1 || round === ROUNDS - 1);
        expect(lines.has(`m-${id}`), `m-${id}`).toBe(true);
        if (lines.has(id))
          expect(
            floorplan.dependencies(id, { depth: 1 }).map((step) => step.line),
            id,
          ).toEqual(["catalog"]);
      }
    await floorplan.close();
    await log.close();
  });
});

describe("a plan write on a log that never stops moving", () => {
  it("gives up after its attempts with a conflict that says nothing was applied and to run it again", {
    timeout: 60_000,
  }, async () => {
    const log = await openEventLog({ path: ":memory:", events: floorPlanEvents });
    let appends = 0;
    // Every append finds that another writer got there first.
    const busy = new Proxy(log, {
      get(target, key) {
        if (key === "append")
          return async () => {
            appends += 1;
            throw new ConcurrencyConflictError({ message: "moved", expected: 0, actual: appends });
          };
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as EventLog;
    const floorplan = await openFloorPlan({ log: busy });
    const failure = await floorplan
      .applyPlan(shopPlan(), { label: "factory.yaml" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConcurrencyConflictError);
    expect((failure as ConcurrencyConflictError).message).toMatch(
      /^factory\.yaml: other processes kept writing to the factory, .* 50 attempts .*; nothing was applied: run it again/,
    );
    expect(appends).toBe(50);
    expect(floorplan.lines()).toEqual([]);
    await floorplan.close();
    await log.close();
  });
});
