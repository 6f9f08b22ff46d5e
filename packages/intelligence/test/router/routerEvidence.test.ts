import { Router } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";

const lines = [
  { id: "checkout", title: "Checkout", description: "Cart, payment and order confirmation" },
  {
    id: "billing",
    title: "Billing",
    description: "Acme's own subscription plans and invoices to merchants.",
  },
  { id: "search", title: "Search", description: "Product search, ranking and autocomplete" },
];

/** A router that has learned a few routed signals, most of them for checkout. */
function routerWithHistory(): Router {
  const router = new Router();
  router.setLines(lines);
  router.learn({ id: "s1", text: "Payment step times out on confirmation", line: "checkout" });
  router.learn({ id: "s2", text: "Cart total wrong after a coupon", line: "checkout" });
  router.learn({ id: "s3", text: "Order confirmation email never arrives", line: "checkout" });
  router.learn({ id: "s4", text: "Autocomplete suggests discontinued products", line: "search" });
  return router;
}

describe("Router evidence", () => {
  it("gives no candidate for a text that matches no line, however many signals a line received", () => {
    const router = routerWithHistory();
    expect(router.route("xyzzy plugh")).toEqual([]);
    expect(router.route("Die Rücksendungen dauern zu lange")).toEqual([]);
    expect(router.route("配送ラベルが印刷できません")).toEqual([]);
  });

  it("counts how often a line received signals only for the lines the text matched", () => {
    const router = routerWithHistory();
    const candidates = router.route("autocomplete is slow", { limit: 3 });
    expect(candidates.map((candidate) => candidate.line)).toEqual(["search"]);
    expect(candidates[0]?.reasons).toContain("1 of the latest 4 routed signals went here");
  });
});
