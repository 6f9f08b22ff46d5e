import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClosedError, EventLogService, type ValidationError } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floorplan-arguments-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("FloorPlanService lookups given an id that is no string by a JavaScript caller", () => {
  it("fail line, hasLine, hasOperator, ownerOf, wipLimitOf and relationsOf with a ValidationError, not a defect", async () => {
    const program = Effect.gen(function* () {
      const floorplan = yield* FloorPlanService;
      const id = 42 as never;
      const lookups: Effect.Effect<unknown, ValidationError | ClosedError>[] = [
        floorplan.line(id),
        floorplan.hasLine(id),
        floorplan.hasOperator(id),
        floorplan.ownerOf(id),
        floorplan.wipLimitOf(id),
        floorplan.relationsOf(id),
      ];
      return yield* Effect.forEach(lookups, (lookup) =>
        lookup.pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.message))),
      );
    });
    const layer = FloorPlanService.layer().pipe(
      Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
    );

    const messages = await Effect.runPromise(Effect.provide(program, layer));

    expect(messages).toEqual([
      expect.stringContaining("a call of line is invalid: id"),
      expect.stringContaining("a call of hasLine is invalid: lineId"),
      expect.stringContaining("a call of hasOperator is invalid: operatorId"),
      expect.stringContaining("a call of ownerOf is invalid: lineId"),
      expect.stringContaining("a call of wipLimitOf is invalid: lineId"),
      expect.stringContaining("a call of relationsOf is invalid: type"),
    ]);
  });
});
