import { describe, expect, it } from "vitest";
import { Router } from "../../src/index.js";

const lines = [
  {
    id: "checkout",
    title: "Checkout",
    description: "Cart, payment and order confirmation",
    paths: ["src/checkout/**"],
  },
  {
    id: "search",
    title: "Search",
    description: "Product search, ranking and autocomplete",
    paths: ["src/search/**"],
  },
  {
    id: "accounts",
    title: "Accounts",
    description: "Sign up, login, passwords and sessions",
    paths: ["src/accounts/**"],
  },
];

describe("Router", () => {
  it("ranks lines by their profile before it has any history, with reasons", () => {
    const router = new Router();
    router.setLines(lines);
    const [first] = router.route("the payment step fails on confirmation");
    expect(first?.line).toBe("checkout");
    expect(first?.reasons[0]).toMatch(/description/);
  });

  it("learns from routed signals and takes corrections", () => {
    const router = new Router();
    router.setLines(lines);
    router.learn({ id: "s1", text: "Typeahead suggestions lag on slow networks", line: "search" });
    router.learn({ id: "s2", text: "Suggestions dropdown flickers", line: "checkout" });
    router.learn({ id: "s2", text: "Suggestions dropdown flickers", line: "search" });
    expect(router.examples).toBe(2);
    const [first] = router.route("suggestions flicker while typing");
    expect(first?.line).toBe("search");
    expect(first?.reasons.join(" ")).toMatch(/past signals/);
  });

  it("follows paths and explicit mentions of a line", () => {
    const router = new Router({
      lineForPath: (path) => (path.startsWith("src/accounts/") ? "accounts" : undefined),
    });
    router.setLines(lines);
    const [byPath] = router.route("crash in src/accounts/session.ts after deploy");
    expect(byPath?.line).toBe("accounts");
    expect(byPath?.reasons[0]).toMatch(/src\/accounts\/session.ts/);
    expect(router.route("the search team should look at this")[0]?.line).toBe("search");
  });

  it("rejects a bad limit with the field named", () => {
    const router = new Router();
    router.setLines(lines);
    expect(() => router.route("x", { limit: 0 })).toThrow(/limit/);
  });
});
