/**
 * A factory in a temp folder with two lines and two operators, for the connector tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Factory, openFactory } from "../../src/index.js";

/** A factory with lines `cart` (`/packages/cart/`) and `billing` (`/billing/`), and a way to remove it. */
export async function openTestFactory(): Promise<{ factory: Factory; remove(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "factory-connectors-"));
  const factory = await openFactory({ dir, actor: "ana" });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "cart", description: "The basket", owner: "ana", paths: ["/packages/cart/"] },
      { id: "billing", description: "Invoices", owner: "bo", paths: ["/billing/"] },
    ],
  });
  return {
    factory,
    async remove() {
      await factory.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
