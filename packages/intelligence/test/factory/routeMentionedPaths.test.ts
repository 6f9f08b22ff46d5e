import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-route-paths-"));
  factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [
      { id: "billing", owner: "ana", paths: ["/services/billing/"] },
      { id: "web", owner: "ana", paths: ["/apps/web/"] },
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("factory.route and the paths a text mentions", () => {
  it("reads a mentioned path as the floor plan does, and skips one that climbs out of the repository", async () => {
    const candidates = await factory.route(
      "the import of ../shared/util.ts breaks apps/web/../../services/billing/invoice.ts",
    );
    expect(candidates[0]?.line).toBe("billing");
    expect(candidates[0]?.reasons).toContain(
      "mentions apps/web/../../services/billing/invoice.ts, which belongs to billing",
    );
  });
});
