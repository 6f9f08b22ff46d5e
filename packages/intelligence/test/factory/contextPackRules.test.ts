import {
  basicStandards,
  builtinStandards,
  type ContextPack,
  contextPackMarkdown,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

/** A `checkout` line with the rules the CLI installs and `documents` notes on it about refunds. */
async function checkoutFactory(documents: number) {
  const factory = await open({ dir: folder("factory-pack-rules-") });
  factory.standards.add(basicStandards, builtinStandards);
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [
      { id: "checkout", owner: "ana", paths: ["/apps/checkout/"], description: "Checkout and refunds" },
    ],
  });
  for (let n = 1; n <= documents; n++)
    await factory.knowledge.capture({
      kind: "note",
      title: `Refunds, note ${n}`,
      body: `Checkout refunds go back to the card they came from within ${n} days; partial refunds keep the order open.`,
      source: { system: "wiki", author: "ana" },
      lines: ["checkout"],
    });
  return factory;
}

/** Ids of the rules a pack's markdown lists in full, and of those it names on its line of process rules. */
function ruleIds(pack: ContextPack): { inFull: string[]; named: string[] } {
  const markdown = contextPackMarkdown(pack);
  const named = /\nProcess rules, by id: (.*)\.\n/.exec(markdown)?.[1] ?? "";
  return {
    inFull: Array.from(
      markdown.matchAll(/^- `([a-z-]+)` \((?:error|warning|info)\): /gm),
      (match) => match[1] as string,
    ),
    named: Array.from(named.matchAll(/`([a-z-]+)`/g), (match) => match[1] as string),
  };
}

describe("the checked rules of a context pack", () => {
  it("list the rules over the pack's subject in full and name those on the process around it by id", async () => {
    const factory = await checkoutFactory(1);
    const item = await factory.work.createWorkItem({ line: "checkout", title: "Partial refunds" });

    const forPath = await factory.context({ paths: ["apps/checkout/refund.ts"], budgetTokens: 2000 });
    const forItem = await factory.context({ workItem: item.id, budgetTokens: 2000 });

    expect(ruleIds(forPath).inFull).toEqual(["line-has-description", "line-has-owner", "line-has-paths"]);
    expect(ruleIds(forPath).named).toEqual(
      expect.arrayContaining([
        "change-set-links-work-item",
        "signal-routed-within-sla",
        "work-has-no-suspect-links",
      ]),
    );
    const markdown = contextPackMarkdown(forPath);
    expect(markdown).toContain("- `line-has-owner` (error): Every line has exactly one accountable owner.");
    expect(markdown).not.toContain("critical 4 h");
    // A work item's pack lists what its stage gates check in full: the item, its artifacts, its line.
    expect(ruleIds(forItem).inFull).toEqual(
      expect.arrayContaining(["change-set-links-work-item", "line-has-owner", "work-has-no-suspect-links"]),
    );
    expect(ruleIds(forItem).named).toEqual(["recorded-decision-is-complete", "signal-routed-within-sla"]);
    // Every rule is in the pack, those in full first.
    for (const pack of [forPath, forItem]) {
      const { inFull, named } = ruleIds(pack);
      expect(pack.standards.rules.map((rule) => rule.id)).toEqual([...inFull, ...named]);
      expect(pack.omitted.rules).toBe(0);
    }
  });

  it("leave the process rules out of a pack that left documents out, and keep every pack within its budget", async () => {
    const factory = await checkoutFactory(40);
    const request = { paths: ["apps/checkout/refund.ts"] };

    let withProcessRules = 0;
    let fullerPacks = 0;
    for (let budgetTokens = 300; budgetTokens <= 3000; budgetTokens += 150) {
      const pack = await factory.context({ ...request, budgetTokens });
      expect(pack.tokens).toBeLessThanOrEqual(budgetTokens);
      const named = pack.standards.rules.some((rule) => rule.id === "signal-routed-within-sla");
      if (named) withProcessRules += 1;
      if (pack.omitted.knowledge > 0) expect(named, `budget ${budgetTokens}`).toBe(false);
      else fullerPacks += 1;
    }
    // Once every document fits, the process rules are named too.
    expect(fullerPacks).toBeGreaterThan(0);
    expect(withProcessRules).toBeGreaterThan(0);
  });
});
