import { Router } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";

const lines = [
  { id: "checkout", title: "Checkout", description: "Cart, payment and order confirmation" },
  {
    id: "billing",
    title: "Billing",
    description: "Acme's own subscription plans and invoices to merchants.",
  },
];

describe("Router words", () => {
  it("does not match on the s of a possessive or a contraction", () => {
    const router = new Router();
    router.setLines(lines);
    expect(router.route("it's slow")).toEqual([]);
    expect(router.route("it’s slow")).toEqual([]);
    expect(router.route("that's the plan")[0]?.line).toBe("billing");
    expect(router.route("that's the plan")[0]?.reasons).toEqual(["its name and description match the text"]);
    expect(router.route("merchant's invoices are late")[0]?.line).toBe("billing");
  });
});
