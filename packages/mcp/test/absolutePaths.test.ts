import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, useSeededServer } from "./fixtures.js";

// The server runs in this repository (fixtures start it in repoRoot); the
// seeded floor plan claims /src/checkout/ and /src/payments/ there.
const { call } = useSeededServer("absolute-paths-test");
const cart = join(repoRoot, "src/checkout/cart.ts");

describe("an absolute path inside the repository the server runs in", () => {
  it("is owned by the line that claims it relative to the root, as who_owns says", async () => {
    const owners = await call("who_owns", { paths: [cart, "/elsewhere/src/checkout/cart.ts"] });
    expect(owners.structuredContent).toEqual({
      paths: [expect.objectContaining({ path: cart, line: "checkout", owner: "ana" })],
      unclaimedPaths: ["/elsewhere/src/checkout/cart.ts"],
    });
  });

  it("changes its line in impact_of_change and is covered by get_context", async () => {
    const impact = await call("impact_of_change", { paths: [join(repoRoot, "src/payments/refund.ts")] });
    expect(impact.structuredContent).toMatchObject({
      changed: [{ line: "payments", paths: ["src/payments/refund.ts"] }],
      unclaimedPaths: [],
    });
    const pack = await call("get_context", { paths: [cart] });
    expect(pack.structuredContent).toMatchObject({
      lines: [{ line: { id: "checkout" } }],
      unclaimedPaths: [],
    });
  });
});
