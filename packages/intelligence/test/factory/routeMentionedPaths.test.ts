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

  it("credits a line once however often and however many of its paths a stack trace names", async () => {
    const frames = Array.from(
      { length: 20 },
      (_, n) => `    at charge (services/billing/${n % 5 === 0 ? "charge" : "invoice"}.ts:${n + 1}:7)`,
    );
    const trace = (lines: readonly string[]) => `TypeError: cannot read amount\n${lines.join("\n")}`;
    const [once] = await factory.route(trace([frames[1] as string, frames[0] as string]));
    const [often] = await factory.route(trace(frames));

    expect(often?.line).toBe("billing");
    // The path evidence weighs 3 at most: twenty mentions scored 60.
    expect(often?.score ?? 0).toBeLessThan((once?.score ?? 0) + 1);
    expect(often?.reasons.filter((reason) => reason.startsWith("mentions"))).toEqual([
      "mentions services/billing/charge.ts, services/billing/invoice.ts, which belong to billing",
    ]);
  });
});
