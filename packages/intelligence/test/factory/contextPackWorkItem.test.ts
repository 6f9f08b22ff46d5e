import { contextPackMarkdown, type Factory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

async function factoryWithTwoLines(): Promise<Factory> {
  const factory = await open({ dir: folder("factory-pack-work-item-") });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "web", owner: "ana", paths: ["/apps/web/"], description: "The web app" },
      { id: "legacy", owner: "bo", paths: ["/legacy/"], description: "The old app" },
    ],
  });
  return factory;
}

describe("the work item of a context pack", () => {
  it("says who owns it, the signal it came from and why it is blocked", async () => {
    const factory = await factoryWithTwoLines();
    const signal = await factory.work.captureSignal({
      text: "Checkout is slow on mobile",
      source: "support",
    });
    const item = await factory.work.createWorkItem({
      line: "web",
      title: "Speed up checkout",
      signals: [signal.id],
    });
    await factory.work.block(item.id, { reason: "waiting for the CDN contract" });

    const markdown = contextPackMarkdown(await factory.context({ workItem: item.id }));

    expect(markdown).toContain(
      `feature on web, blocked in intake: waiting for the CDN contract. Owner: ana. From signal \`${signal.id}\`.`,
    );
  });

  it("says when its line is no longer on the floor plan", async () => {
    const factory = await factoryWithTwoLines();
    const item = await factory.work.createWorkItem({ line: "legacy", title: "Remove the old app" });
    await factory.floorplan.retireLine("legacy");

    const pack = await factory.context({ workItem: item.id });

    expect(pack.lines).toEqual([]);
    expect(contextPackMarkdown(pack)).toContain(
      "feature on legacy (not a line of the floor plan: no line owner sees this work), active in intake.",
    );
  });

  it("is not listed again as active work, where the other work on its line is", async () => {
    const factory = await factoryWithTwoLines();
    const item = await factory.work.createWorkItem({ line: "web", title: "Speed up checkout" });
    const other = await factory.work.createWorkItem({ line: "web", title: "Dark mode" });

    const pack = await factory.context({ workItem: item.id });

    expect(pack.activeWork.map((active) => active.id)).toEqual([other.id]);
    const markdown = contextPackMarkdown(pack);
    expect(markdown).toContain(`## Active work\n\n- \`${other.id}\` Dark mode (intake, web)\n`);
    expect(markdown.split(item.id)).toHaveLength(2);
  });

  it("names at most three of the signals it came from, and counts the others", async () => {
    const factory = await factoryWithTwoLines();
    const signals = [];
    for (let n = 1; n <= 5; n++)
      signals.push(
        await factory.work.captureSignal({ text: `Checkout is slow, report ${n}`, source: "support" }),
      );
    const item = await factory.work.createWorkItem({
      line: "web",
      title: "Speed up checkout",
      signals: signals.map((signal) => signal.id),
    });

    const markdown = contextPackMarkdown(await factory.context({ workItem: item.id }));

    const [first, second, third] = item.signals;
    expect(markdown).toContain(`From signals \`${first}\`, \`${second}\`, \`${third}\` and 2 more.`);
  });
});
