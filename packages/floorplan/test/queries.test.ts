import { NotFoundError, ValidationError } from "@software-factory/core";
import {
  buildFloorGraph,
  diffPlans,
  emptyPlan,
  healthOf,
  impactOf,
  type PlanInput,
} from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

function ownersPlan(patterns: readonly [string, string | undefined][]): PlanInput {
  // One line per pattern, in order, so the CODEOWNERS rule "last match wins" is the plan order.
  return {
    operators: [{ id: "o" }],
    lines: patterns.map(([pattern, line], index) => ({
      id: line ?? `l${index}`,
      owner: "o",
      paths: [pattern],
    })),
  };
}

describe("lineForPath (CODEOWNERS semantics)", () => {
  it("lets the last matching pattern win over an earlier catch-all", () => {
    const floor = buildFloorGraph(
      ownersPlan([
        ["*", "everything"],
        ["/docs/", "docs"],
        ["*.js", "js"],
      ]),
    );
    expect(floor.lineForPath("README.md")).toBe("everything");
    expect(floor.lineForPath(".github/workflows/ci.yml")).toBe("everything");
    expect(floor.lineForPath("docs/guide/intro.md")).toBe("docs");
    expect(floor.lineForPath("docs/app.js")).toBe("js");
    expect(floor.explainPath("docs/guide/intro.md")).toEqual({
      path: "docs/guide/intro.md",
      line: "docs",
      pattern: "/docs/",
      owner: "o",
    });
  });

  it("anchors /docs/ to the root but matches docs/ at any depth", () => {
    const anchored = buildFloorGraph(ownersPlan([["/docs/", "root-docs"]]));
    expect(anchored.lineForPath("docs/a.md")).toBe("root-docs");
    expect(anchored.lineForPath("packages/x/docs/a.md")).toBeUndefined();
    const floating = buildFloorGraph(ownersPlan([["docs/", "any-docs"]]));
    expect(floating.lineForPath("docs/a.md")).toBe("any-docs");
    expect(floating.lineForPath("packages/x/docs/deep/a.md")).toBe("any-docs");
    // Without its trailing slash a path is also the folder of that name (docs/floorplan.md, "How a path is read").
    expect(floating.lineForPath("docs")).toBe("any-docs");
  });

  it("answers for a folder asked with its trailing slash, as a directory pattern claims it", () => {
    const floor = buildFloorGraph(
      ownersPlan([
        ["/services/", "services"],
        ["/services/payments/", "payments"],
        ["docs/", "any-docs"],
      ]),
    );
    expect(floor.lineForPath("services/payments/")).toBe("payments");
    expect(floor.lineForPath("services/")).toBe("services");
    expect(floor.lineForPath("packages/x/docs/")).toBe("any-docs");
    expect(floor.lineForPath("services/payments")).toBe("payments");
    expect(floor.lineForPath("docs")).toBe("any-docs");
  });

  it("takes / as the root folder, so a line declared for the whole repository owns every file", () => {
    const floor = buildFloorGraph(ownersPlan([["/", "repo"]]));
    expect(floor.lineForPath("package.json")).toBe("repo");
    expect(floor.lineForPath("src/deep/index.ts")).toBe("repo");
  });

  it("keeps docs/* to files directly in docs, unlike docs/", () => {
    const floor = buildFloorGraph(ownersPlan([["docs/*", "shallow"]]));
    expect(floor.lineForPath("docs/getting-started.md")).toBe("shallow");
    expect(floor.lineForPath("docs/build-app/troubleshooting.md")).toBeUndefined();
    expect(floor.lineForPath("sub/docs/a.md")).toBeUndefined();
  });

  it("matches **/test/ in any directory named test", () => {
    const floor = buildFloorGraph(ownersPlan([["**/test/", "tests"]]));
    expect(floor.lineForPath("test/a.ts")).toBe("tests");
    expect(floor.lineForPath("packages/core/test/deep/b.ts")).toBe("tests");
    expect(floor.lineForPath("packages/core/testing/b.ts")).toBeUndefined();
  });

  it("is case-sensitive and matches a plain name as a file or a directory anywhere", () => {
    const floor = buildFloorGraph(
      ownersPlan([
        ["Makefile", "make"],
        ["/apps/web", "web"],
      ]),
    );
    expect(floor.lineForPath("Makefile")).toBe("make");
    expect(floor.lineForPath("tools/Makefile")).toBe("make");
    expect(floor.lineForPath("makefile")).toBeUndefined();
    expect(floor.lineForPath("apps/web")).toBe("web");
    expect(floor.lineForPath("apps/web/src/main.ts")).toBe("web");
    expect(floor.lineForPath("apps/website/x")).toBeUndefined();
    expect(floor.lineForPath("./apps/web/x")).toBe("web");
  });

  it("takes parentheses, bars, braces and plus signs in a pattern literally, as CODEOWNERS does", () => {
    const floor = buildFloorGraph(
      ownersPlan([
        ["/app/(marketing)/", "marketing"],
        ["a|b.ts", "bar"],
        ["+(x).ts", "extglob"],
        ["{c,d}.ts", "brace"],
      ]),
    );
    expect(floor.lineForPath("app/(marketing)/about/page.tsx")).toBe("marketing");
    expect(floor.lineForPath("app/marketing/about/page.tsx")).toBeUndefined();
    expect(floor.lineForPath("src/a|b.ts")).toBe("bar");
    expect(floor.lineForPath("a.ts")).toBeUndefined();
    expect(floor.lineForPath("+(x).ts")).toBe("extglob");
    expect(floor.lineForPath("xx.ts")).toBeUndefined();
    expect(floor.lineForPath("{c,d}.ts")).toBe("brace");
    expect(floor.lineForPath("c.ts")).toBeUndefined();
  });

  it("lets a later pattern of an unowned line leave a path unowned", () => {
    const floor = buildFloorGraph({
      operators: [{ id: "o" }],
      lines: [
        { id: "all", owner: "o", paths: ["*"] },
        { id: "vendored", paths: ["/vendor/"] },
      ],
    });
    expect(floor.lineForPath("vendor/lib.js")).toBe("vendored");
    expect(floor.ownerOf("vendored")).toBeUndefined();
    expect(floor.explainPath("vendor/lib.js")?.owner).toBeUndefined();
  });

  it("groups paths by line and lists the unclaimed ones", () => {
    const floor = buildFloorGraph(shopPlan());
    const { byLine, unclaimed } = floor.linesForPaths([
      "packages/cart/a.ts",
      "apps/web/b.ts",
      "apps/web/c.css",
      "LICENSE",
    ]);
    expect(Object.fromEntries(byLine)).toEqual({
      cart: ["packages/cart/a.ts"],
      web: ["apps/web/b.ts", "apps/web/c.css"],
    });
    expect(unclaimed).toEqual(["LICENSE"]);
  });

  it("rejects negation and character ranges in path patterns", () => {
    expect(() => buildFloorGraph(ownersPlan([["!docs/", "x"]]))).toThrow(ValidationError);
    expect(() => buildFloorGraph(ownersPlan([["[abc].md", "x"]]))).toThrow(/character ranges/);
  });
});

describe("dependencies and dependents", () => {
  it("walks direct and transitive dependencies with depth and the connecting path", () => {
    const floor = buildFloorGraph(shopPlan());
    expect(floor.dependencies("web", { transitive: false }).map((d) => d.line)).toEqual(["checkout"]);
    const all = floor.dependencies("web");
    expect(all.map((d) => [d.line, d.depth])).toEqual([
      ["checkout", 1],
      ["cart", 2],
      ["payments", 2],
      ["catalog", 3],
    ]);
    expect(all.find((d) => d.line === "catalog")?.path.map((step) => `${step.from}->${step.to}`)).toEqual([
      "web->checkout",
      "checkout->cart",
      "cart->catalog",
    ]);
    expect(all.find((d) => d.line === "catalog")?.criticality).toBe("low");
    expect(floor.dependents("catalog", { depth: 2 }).map((d) => d.line)).toEqual(["cart", "checkout"]);
    expect(() => floor.dependents("ghost")).toThrow(NotFoundError);
  });
});

describe("impactOf", () => {
  it("ranks affected lines by distance and criticality, explains each, and groups owners to notify", () => {
    const floor = buildFloorGraph(shopPlan());
    const report = impactOf(floor, { paths: ["packages/payments/src/charge.ts", "LICENSE"] });
    expect(report.changed).toEqual([
      { line: "payments", owner: "alice", paths: ["packages/payments/src/charge.ts"] },
    ]);
    expect(report.unclaimedPaths).toEqual(["LICENSE"]);
    expect(report.affected.map((a) => [a.line, a.distance, a.criticality])).toEqual([
      ["checkout", 1, "high"],
      ["web", 2, "high"],
    ]);
    expect(report.affected[1]?.reason).toBe(
      "web depends on checkout (ui, high), checkout depends on payments (api, high), which changed".replace(
        ", checkout depends",
        ", which depends",
      ),
    );
    expect(report.notify).toEqual([
      { operator: "alice", changed: ["payments"], affected: ["checkout"], criticality: "high" },
      { operator: "bob", changed: [], affected: ["web"], criticality: "high" },
    ]);
    expect(report.cutoff).toBeUndefined();
  });

  it("reports an explicit cutoff when depth or size limits stop the walk", () => {
    const floor = buildFloorGraph(shopPlan());
    const shallow = impactOf(floor, { lines: ["catalog"] }, { depth: 1 });
    expect(shallow.affected.map((a) => a.line)).toEqual(["cart"]);
    expect(shallow.cutoff).toMatchObject({ by: "depth", depth: 1, omitted: 1 });
    expect(shallow.cutoff?.message).toBe(
      "stopped at depth 1: at least 1 more line depends on the reported ones; raise depth to see them",
    );
    const small = impactOf(floor, { lines: ["cart", "payments"] }, { limit: 1 });
    expect(small.affected.map((a) => a.line)).toEqual(["checkout"]);
    expect(small.cutoff).toMatchObject({ by: "limit", depth: 2, omitted: 1 });
    expect(small.cutoff?.message).toBe(
      "stopped at 1 line while reading depth 2: 1 line at that depth and any beyond were left out; raise limit to see them",
    );
  });

  it("refuses lines the floor plan lacks, naming each with its place and the known lines near it", () => {
    const floor = buildFloorGraph(shopPlan());
    const refusal = (change: Parameters<typeof impactOf>[1]) => {
      try {
        impactOf(floor, change);
      } catch (error) {
        return error;
      }
      throw new Error("impactOf answered a change naming unknown lines");
    };
    const mixed = refusal({ lines: ["web", "chekout", "ghost"], paths: ["packages/cart/a.ts"] });
    expect(mixed).toBeInstanceOf(NotFoundError);
    expect(mixed).toMatchObject({
      code: "E_NOT_FOUND",
      entity: "line",
      id: "chekout",
      field: "lines[1]",
      message:
        'lines[1]: no line "chekout" in the floor plan (did you mean "checkout"?); ' +
        'lines[2]: no line "ghost" in the floor plan; its lines are catalog, cart, payments, checkout, web',
    });
    expect(refusal({ lines: ["carts"] })).toMatchObject({
      message: 'lines[0]: no line "carts" in the floor plan (did you mean "cart"?)',
    });
    const many = Array.from({ length: 12 }, (_, index) => `ghost-${index}`);
    expect((refusal({ lines: many }) as NotFoundError).message).toMatch(
      /lines\[9\]: no line "ghost-9" in the floor plan; and 2 more line\(s\) not in the floor plan; its lines are /,
    );
    expect(() => impactOf(buildFloorGraph(emptyPlan()), { lines: ["web"] })).toThrow(
      /^lines\[0\]: no line "web" in the floor plan; the floor plan has no lines$/,
    );
  });

  it("rejects malformed input", () => {
    const floor = buildFloorGraph(shopPlan());
    expect(() => impactOf(floor, { lines: "web" as unknown as string[] })).toThrow(ValidationError);
    expect(() => impactOf(floor, { lines: ["web"] }, { depth: 0 })).toThrow(/depth/);
  });
});

describe("healthOf", () => {
  it("finds unowned lines and paths, cycles, overloaded operators and central lines", () => {
    const plan = shopPlan();
    plan.lines = [
      ...(plan.lines ?? []),
      { id: "orphan", paths: ["/tools/"], dependsOn: ["web"] },
      { id: "loop", owner: "dan", dependsOn: ["orphan"] },
    ];
    plan.lines = plan.lines.map((line) =>
      line.id === "web" ? { ...line, dependsOn: [...(line.dependsOn ?? []), "loop"] } : line,
    );
    const floor = buildFloorGraph(plan);
    const health = healthOf(floor, { files: ["packages/cart/a.ts", "tools/x.sh", "LICENSE"], central: 2 });
    expect(health.unownedLines).toEqual(["orphan"]);
    expect(health.unownedPaths).toEqual(["LICENSE"]);
    expect(health.cycles).toEqual([["web", "loop", "orphan", "web"]]);
    expect(health.overloadedOperators).toEqual([{ operator: "alice", lines: 2, wip: 3, over: ["lines"] }]);
    expect(health.centralLines[0]?.line).toBe("checkout");
    expect(health.centralLines).toHaveLength(2);
    expect(health.undeclaredLines).toEqual([]);
  });

  it("tells imported and stale lines from declared ones by their provenance", () => {
    const floor = buildFloorGraph(shopPlan(), { source: "workspaces", at: "2026-01-01T00:00:00.000Z" });
    const health = healthOf(floor, { staleBefore: "2026-02-01T00:00:00.000Z", central: 0 });
    expect(health.undeclaredLines).toHaveLength(5);
    expect(health.undeclaredLines[0]).toEqual({ line: "catalog", source: "workspaces" });
    expect(health.staleLines[0]).toEqual({ line: "catalog", lastSeen: "2026-01-01T00:00:00.000Z" });
    expect(healthOf(floor, { staleBefore: "2025-12-01T00:00:00.000Z", central: 0 }).staleLines).toEqual([]);
  });
});

describe("diffPlans", () => {
  it("lists lines added, removed, changed and re-owned, and dependency changes", () => {
    const before = shopPlan();
    const after = shopPlan();
    after.lines = (after.lines ?? [])
      .filter((line) => line.id !== "catalog")
      .map((line) => {
        if (line.id === "cart") return { ...line, owner: "carol", dependsOn: [] };
        if (line.id === "web")
          return {
            ...line,
            tags: ["frontend"],
            dependsOn: [{ line: "checkout", kind: "ui" as const, criticality: "medium" as const }],
          };
        return line;
      });
    after.lines.push({ id: "search", owner: "dan" });
    const diff = diffPlans(before, after);
    expect(diff.linesAdded).toEqual(["search"]);
    expect(diff.linesRemoved).toEqual(["catalog"]);
    expect(diff.linesChanged).toEqual(["web"]);
    expect(diff.reowned).toEqual([{ line: "cart", from: "bob", to: "carol" }]);
    expect(diff.dependenciesRemoved.map((d) => `${d.from}->${d.to}`)).toEqual(["cart->catalog"]);
    expect(diff.dependenciesChanged.map((c) => [c.before.criticality, c.after.criticality])).toEqual([
      ["high", "medium"],
    ]);
    expect(diff.empty).toBe(false);
    expect(diffPlans(before, shopPlan()).empty).toBe(true);
  });
});

describe("health of an empty floor plan", () => {
  it("reports nothing instead of failing", async () => {
    const { createMemoryEventStore, openEventLog } = await import("@software-factory/core");
    const { openFloorPlan } = await import("../src/index.js");
    const log = await openEventLog({ store: createMemoryEventStore() });
    const plan = await openFloorPlan({ log });
    expect(plan.health().centralLines).toEqual([]);
    await plan.close();
    await log.close();
  });
});
