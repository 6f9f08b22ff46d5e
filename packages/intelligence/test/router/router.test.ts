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

  it("matches the names of a line's source files, naming them in the reason", () => {
    const router = new Router();
    router.setLines([
      { id: "web", files: ["packages/web/src/CartDrawer.tsx", "packages/web/src/ProductGrid.tsx"] },
      { id: "mobile", files: ["packages/mobile/src/PushNotifications.ts", "packages/mobile/src/Wallet.ts"] },
    ]);
    const [first] = router.route("push notifications arrive twice");
    expect(first?.line).toBe("mobile");
    expect(first?.reasons[0]).toMatch(/source files.*PushNotifications\.ts/);
  });

  it("follows a line named as a phrase, without its stage word, and a commit scope naming it", () => {
    const router = new Router();
    router.setLines([
      { id: "angular-query-experimental", description: "Angular adapter" },
      { id: "query-core", description: "The framework agnostic core" },
      { id: "vue-query", description: "Vue adapter" },
    ]);
    const [named] = router.route("port the angular-query injectors to signals");
    expect(named?.line).toBe("angular-query-experimental");
    expect(named?.reasons).toContain("names the line angular-query-experimental");
    expect(named?.reasons).toContain("names angular, query");
    const [scoped] = router.route("refetch on window focus\n\n* fix(query-core): keep the previous data");
    expect(scoped?.line).toBe("query-core");
    expect(scoped?.reasons[0]).toBe("a commit scope names it: (query-core)");
  });

  it("does not take a longer id for the shorter one it starts with", () => {
    const router = new Router();
    router.setLines([{ id: "react-query" }, { id: "react-query-devtools" }]);
    const [first, second] = router.route(
      "fix(react-query-devtools): the react-query-devtools panel flickers",
    );
    expect(first?.line).toBe("react-query-devtools");
    expect(first?.reasons).toContain("names the line react-query-devtools");
    expect(second?.reasons.join(" ")).not.toMatch(/names the line|commit scope/);
  });

  it("adds up the similarity of the nearest past signals per line, so many close signals outweigh the single nearest", () => {
    const examples = [
      { id: "s1", text: "filtering by brand is slow", line: "search" },
      { id: "s2", text: "filtering by price is slow", line: "search" },
      { id: "s3", text: "brand filter shows no results", line: "search" },
      { id: "s4", text: "price filter shows no results", line: "search" },
      { id: "s5", text: "filtering by brand and price is slow", line: "checkout" },
    ];
    const text = "slow when filtering by brand and price";
    const onlyNeighbours = { weights: { history: 0, recency: 0 } };
    const nearestOnly = new Router({ ...onlyNeighbours, neighbours: 1 });
    const router = new Router(onlyNeighbours);
    for (const each of [nearestOnly, router]) {
      each.setLines(lines);
      for (const example of examples) each.learn(example);
    }
    expect(nearestOnly.route(text)[0]?.line).toBe("checkout");
    const [first, second] = router.route(text);
    expect(first?.line).toBe("search");
    expect(second?.line).toBe("checkout");
    expect(first?.reasons[0]).toMatch(/close to past signals routed here: "filtering by/);
  });

  it("quotes a past signal's long first line cut to 80 characters, never inside a surrogate pair", () => {
    const router = new Router({ weights: { history: 0, recency: 0 } });
    router.setLines(lines);
    router.learn({ id: "s1", text: `${"x".repeat(76)}\u{1F6D2} basket empties on reload`, line: "checkout" });
    const [first] = router.route("basket empties on reload");
    expect(first?.reasons[0]).toBe(`close to past signals routed here: "${"x".repeat(76)}..."`);
  });

  it("leaves an excluded example out of every kind of evidence, so a routed signal does not vote for itself", () => {
    const router = new Router();
    router.setLines(lines);
    router.learn({ id: "s1", text: "quantum widget frobnicates", line: "checkout" });
    router.learn({ id: "s2", text: "filter results are slow", line: "search" });

    const withItself = router.route("quantum widget frobnicates");
    const without = router.route("quantum widget frobnicates", { exclude: "s1" });

    expect(withItself[0]?.line).toBe("checkout");
    expect(withItself[0]?.reasons.join(" ")).toContain('"quantum widget frobnicates"');
    expect(without.flatMap((candidate) => candidate.reasons).join(" ")).not.toContain("quantum");
    expect(without).toEqual([]);
    const [filter] = router.route("quantum widget filter", { exclude: "s1" });
    expect(filter?.line).toBe("search");
    expect(filter?.reasons).toContain("1 of the latest 1 routed signals went here");
    expect(router.route("quantum widget frobnicates")).toEqual(withItself);
  });

  it("rejects a bad limit with the field named, and an empty or blank text", () => {
    const router = new Router();
    router.setLines(lines);
    expect(() => router.route("x", { limit: 0 })).toThrow(/limit/);
    expect(() => router.route("")).toThrow(/the text to route is empty/);
    expect(() => router.route(" \n\t")).toThrow(/the text to route is empty/);
  });
});
