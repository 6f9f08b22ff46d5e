import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService, openEventLog, ValidationError } from "@software-factory/core";
import {
  defineRelation,
  FloorPlanService,
  floorPlanEvents,
  openFloorPlan,
  RelationRegistry,
} from "@software-factory/floorplan";
import { Effect, Layer } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "floorplan-relation-errors-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const supersedes = defineRelation({
  name: "supersedes",
  inverse: "supersededBy",
  from: ["line"],
  to: ["line"],
  attributes: z.object({}),
});
/** A relation whose inverse is the name of the built-in `owns`. */
const clashing = defineRelation({ ...supersedes, name: "replaces", inverse: "owns" });

describe("relation registry errors", () => {
  it("throws a ValidationError naming the field of a relation whose name is taken, registering nothing", () => {
    const registry = new RelationRegistry();
    const other = defineRelation({ ...supersedes, inverse: "replacedBy" });
    expect(() => registry.register(supersedes, other)).toThrow(ValidationError);
    expect(() => registry.register(supersedes, other)).toThrow(
      'relation definitions is invalid: relations[1].name: relation name "supersedes" is already registered by relation "supersedes"',
    );
    expect(registry.get("supersedes")).toBeUndefined();
    registry.register(supersedes, supersedes);
    expect(registry.get("supersededBy")).toBe(supersedes);
  });

  it("throws a ValidationError naming each malformed field of a relation definition", () => {
    try {
      defineRelation({ ...supersedes, name: "Not camel", to: [] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ _tag: "ValidationError", code: "E_VALIDATION" });
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["name", "to"]);
    }
  });

  it("rejects openFloorPlan with a ValidationError naming the extra relation that clashes", async () => {
    await using log = await openEventLog({ path: dbPath(), events: floorPlanEvents });
    await expect(openFloorPlan({ log, relations: [supersedes, clashing] })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "relations[1].inverse" }],
    });
  });

  it("fails FloorPlanService.layer with a ValidationError catchTag handles, instead of dying", async () => {
    const layer = FloorPlanService.layer({ relations: [clashing] }).pipe(
      Layer.provide(EventLogService.layer({ path: dbPath() })),
    );
    const program = Effect.gen(function* () {
      return (yield* FloorPlanService).health();
    });
    const opened = Effect.provide(program, layer).pipe(
      Effect.map(() => "opened"),
      Effect.catchTag("ValidationError", (error) => Effect.succeed(error.issues.map((issue) => issue.path))),
    );
    await expect(Effect.runPromise(opened)).resolves.toEqual(["relations[0].inverse"]);
  });
});
