import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, EventLogService, openEventLog } from "@software-factory/core";
import {
  buildFloorGraph,
  codeownersToPlan,
  emptyPlan,
  type FloorPlan,
  FloorPlanService,
  healthOf,
  importBackstage,
  importCodeowners,
  importWorkspaces,
  loadFactoryYaml,
  openFloorPlan,
  parseCodeowners,
  parseFactoryYaml,
  planChanges,
  safeLoadFactoryYaml,
  safeParseFactoryYaml,
  toDot,
  toMermaid,
  validatePlan,
} from "@software-factory/floorplan";
import { Effect, Layer } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let log: EventLog;
const closing: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "floorplan-unknown-options-"));
  log = await openEventLog({ path: join(dir, "factory.db") });
  closing.push(log);
});

afterEach(async () => {
  for (const part of closing.splice(0).reverse()) await part.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openPlan(): Promise<FloorPlan> {
  const plan = await openFloorPlan({ log, live: false });
  closing.push(plan);
  await plan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "payments", owner: "ana" }] });
  return plan;
}

describe("floor plan options", () => {
  it("openFloorPlan refuses an unknown key, naming it and the keys, before anything is read", async () => {
    await expect(openFloorPlan({ log, nope: 1 } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'floor plan options is invalid: (root): unknown key "nope"; the keys are log, relations, live, cacheDir, saveCaches',
    });
    await expect(openFloorPlan({ log, live: "no" } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [expect.objectContaining({ path: "live" })],
    });
  });

  it("FloorPlanService.layer fails with a ValidationError for an unknown key", async () => {
    const layer = FloorPlanService.layer({ cachedir: join(dir, "cache") } as never).pipe(
      Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
    );
    const program = Effect.gen(function* () {
      yield* FloorPlanService;
      return "opened";
    });
    const opened = Effect.provide(program, layer).pipe(
      Effect.catchTag("ValidationError", (error) => Effect.succeed(error.message)),
    );

    await expect(Effect.runPromise(opened)).resolves.toBe(
      'floor plan options is invalid: (root): unknown key "cachedir"; the keys are log, relations, live, cacheDir, saveCaches',
    );
  });

  it("applyPlan refuses an unknown key (dryrun for dryRun) and appends nothing", async () => {
    const plan = await openPlan();
    const head = await log.head();

    await expect(
      plan.applyPlan({ operators: [{ id: "ana" }], lines: [] }, {
        dryrun: true,
        allowRemoveAllLines: true,
      } as never),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(
        /^applyPlan options is invalid: \(root\): unknown key "dryrun"; the keys are source, actor, mode, label, files, refs, allowRemoveAllLines, dryRun$/,
      ),
    });
    expect(await log.head()).toBe(head);
    expect(plan.lines().map((line) => line.id)).toEqual(["payments"]);
  });

  it("the single-change methods refuse a key they do not take, naming it and the keys", async () => {
    const plan = await openPlan();

    await expect(plan.declareOperator({ id: "bo" }, { mode: "replace" } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message: 'change options is invalid: (root): unknown key "mode"; the keys are source, actor',
    });
    await expect(plan.assignOwner("payments", "ana", { actr: "me" } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message: 'change options is invalid: (root): unknown key "actr"; the keys are source, actor',
    });
  });

  it("linesOf refuses an unknown key, naming it and the keys", async () => {
    const plan = await openPlan();

    expect(() => plan.linesOf("ana", { contributors: true } as never)).toThrow(
      'linesOf options is invalid: (root): unknown key "contributors"; the keys are contributions',
    );
  });

  it("dependencies and dependents refuse an unknown key, naming it and the keys", async () => {
    const plan = await openPlan();

    expect(() => plan.dependencies("payments", { transitve: false } as never)).toThrow(
      'reach options is invalid: (root): unknown key "transitve"; the keys are transitive, depth',
    );
    expect(() => plan.graph.dependents("payments", { deep: 2 } as never)).toThrow(
      'reach options is invalid: (root): unknown key "deep"; the keys are transitive, depth',
    );
  });
});

describe("floor plan functions", () => {
  const yaml = "version: 1\noperators:\n  - id: ana\nlines:\n  - id: payments\n    owner: ana\n";
  const floor = () => buildFloorGraph(parseFactoryYaml(yaml));
  const file = () => {
    const path = join(dir, "factory.yaml");
    writeFileSync(path, yaml);
    return path;
  };
  const cases: [string, () => unknown, string][] = [
    [
      "parseFactoryYaml",
      () => parseFactoryYaml(yaml, "factory.yaml", { file: "x" } as never),
      "factory.yaml options",
    ],
    [
      "safeParseFactoryYaml",
      () => safeParseFactoryYaml(yaml, "factory.yaml", { repoRoot: "." } as never),
      "factory.yaml options",
    ],
    ["loadFactoryYaml", () => loadFactoryYaml(file(), { root: "." } as never), "factory.yaml options"],
    [
      "safeLoadFactoryYaml",
      () => safeLoadFactoryYaml(file(), { onwarning: () => {} } as never),
      "factory.yaml options",
    ],
    [
      "validatePlan",
      () => validatePlan(emptyPlan(), { requireOwner: false } as never),
      "validatePlan options",
    ],
    [
      "planChanges",
      () => planChanges(emptyPlan(), emptyPlan(), { sources: "codeowners" } as never),
      "planChanges options",
    ],
    [
      "buildFloorGraph",
      () => buildFloorGraph(emptyPlan(), { when: "2026-01-01" } as never),
      "buildFloorGraph options",
    ],
    ["healthOf", () => healthOf(floor(), { centrality: 3 } as never), "health options"],
    [
      "importBackstage",
      () => importBackstage("", "catalog-info.yaml", { groups: [] } as never),
      "importBackstage options",
    ],
    [
      "codeownersToPlan",
      () => codeownersToPlan(parseCodeowners("* @ana\n").rules, { owners: [] } as never),
      "codeowners options",
    ],
    ["importCodeowners", () => importCodeowners(dir, { owners: [] } as never), "codeowners options"],
    [
      "importWorkspaces",
      () => importWorkspaces(dir, { domains: false } as never),
      "importWorkspaces options",
    ],
    ["toMermaid", () => toMermaid(floor(), { rankdir: "TB" } as never), "toMermaid options"],
    ["toDot", () => toDot(floor(), { title: "x" } as never), "toDot options"],
  ];

  it.each(cases)("%s refuses an unknown key, naming it and the keys", async (_name, call, subject) => {
    const refused = await Promise.resolve()
      .then(call)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({
      _tag: "ValidationError",
      message: expect.stringMatching(
        new RegExp(
          `^${subject.replace(".", "\\.")} is invalid: \\(root\\): unknown key "\\w+"; the keys are `,
        ),
      ),
    });
  });
});
