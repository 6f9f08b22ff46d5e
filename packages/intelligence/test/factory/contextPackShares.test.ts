import {
  basicStandards,
  builtinStandards,
  contextPackMarkdown,
  type Factory,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

/** An empty factory in a temp folder. */
const freshFactory = () => open({ dir: folder("factory-pack-shares-") });

/** A checkout line with the built-in rules, 8 other active tasks, 40 documents about refunds on it, and a work item about refunds. */
async function busyLine(): Promise<{ factory: Factory; item: string }> {
  const factory = await freshFactory();
  factory.standards.add(basicStandards, builtinStandards);
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", paths: ["/apps/checkout/"], description: "The checkout" }],
  });
  for (let n = 1; n <= 8; n++)
    await factory.work.createWorkItem({ line: "checkout", title: `Polish the checkout page, part ${n}` });
  for (let n = 1; n <= 40; n++)
    await factory.knowledge.capture({
      kind: "note",
      title: `Refunds to cards, note ${n}`,
      body: `Partial refunds to cards go through the payment provider's refund API within 30 days (${n}).`,
      source: { system: "wiki", author: "ana" },
      lines: ["checkout"],
    });
  const item = await factory.work.createWorkItem({ line: "checkout", title: "Partial refunds to cards" });
  return { factory, item: item.id };
}

/** A line that 300 lines depend on, a tenth of them through an api. */
async function popularLine(): Promise<Factory> {
  const factory = await freshFactory();
  const users = Array.from({ length: 300 }, (_, n) => ({
    id: `user-${String(n).padStart(3, "0")}`,
    owner: "ana",
    dependsOn: [{ line: "auth", kind: n % 10 === 7 ? ("api" as const) : ("library" as const) }],
  }));
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [
      { id: "auth", owner: "ana", paths: ["/auth/"], description: "Sign-in", dependsOn: ["store"] },
      { id: "store", owner: "ana" },
      ...users,
    ],
  });
  return factory;
}

describe("the shares of a context pack's budget", () => {
  it("keep room for the best documents when rules and active work would fill a small budget", async () => {
    const { factory, item } = await busyLine();

    const pack = await factory.context({ workItem: item, budgetTokens: 700 });

    expect(pack.tokens).toBeLessThanOrEqual(700);
    expect(pack.knowledge.length).toBeGreaterThan(0);
    expect(pack.standards.rules.length + pack.activeWork.length).toBeGreaterThan(0);
    // The documents that did not fit are counted as before.
    expect(pack.omitted.knowledge).toBeGreaterThan(0);
  });

  it("list the most relevant neighbours that fit and count the others", async () => {
    const factory = await popularLine();

    const pack = await factory.context({ line: "auth", budgetTokens: 1500 });

    expect(pack.tokens).toBeLessThanOrEqual(1500);
    const [auth] = pack.lines;
    expect(auth?.dependsOn.map((next) => next.line)).toEqual(["store"]);
    const listed = auth?.dependents ?? [];
    expect(listed.length).toBeGreaterThan(30);
    expect(listed.length).toBeLessThan(300);
    // Those through an api first: all 30 of them are listed, then the others by id.
    expect(listed.filter((next) => next.kind === "api")).toHaveLength(30);
    expect(listed.some((next) => next.line === "user-000")).toBe(true);
    expect(auth?.neighboursOmitted).toEqual({ dependsOn: 0, dependents: 300 - listed.length });
    expect(pack.omitted.neighbours).toBe(300 - listed.length);
    expect(contextPackMarkdown(pack)).toContain(
      `and ${300 - listed.length} more lines, left out to fit the budget`,
    );
  });

  it("let the neighbours use the budget the other parts leave", async () => {
    const factory = await popularLine();

    const pack = await factory.context({ line: "auth", budgetTokens: 1500 });

    // Nothing else competes: capped at 40 % of the budget, the neighbours left 871 of 1,500 tokens unused (52 listed, up to user-023).
    expect(pack.tokens).toBeLessThanOrEqual(1500);
    expect(pack.tokens).toBeGreaterThan(1400);
    const listed = pack.lines[0]?.dependents ?? [];
    expect(listed.map((next) => next.line)).toContain("user-100");
    expect(pack.omitted.neighbours).toBe(300 - listed.length);
  });

  it("are the same for the same factory", async () => {
    const { factory, item } = await busyLine();
    const popular = await popularLine();

    const packs = [
      await factory.context({ workItem: item, budgetTokens: 700 }),
      await popular.context({ line: "auth", budgetTokens: 1500 }),
    ];
    const again = [
      await factory.context({ workItem: item, budgetTokens: 700 }),
      await popular.context({ line: "auth", budgetTokens: 1500 }),
    ];

    expect(again.map((pack) => contextPackMarkdown(pack))).toEqual(
      packs.map((pack) => contextPackMarkdown(pack)),
    );
  });
});
