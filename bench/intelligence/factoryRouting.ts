/**
 * Routing through a whole factory (`openFactory`), with or without the
 * built-in automations, as a {@link Method} of the test split.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinAutomations, openFactory } from "@software-factory/intelligence";
import type { Method } from "./routingMethods.js";
import { type RoutingSet, textOf } from "./routingSet.js";

/**
 * The protocol of the issue: lines, their README and file-list documents and
 * the history as routed signals, loaded into a factory, then each test item
 * routed with `factory.route`. With the built-in automations, each test item
 * is captured as a signal, ranked, and then left to the `route-new-signals`
 * automation, which routes it when the router is confident. `close` closes the
 * factory and removes its folder.
 */
export async function throughFactory(
  set: RoutingSet,
  withAutomations: boolean,
): Promise<Method & { close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "bench-route-"));
  let factory = await openFactory({ dir, durability: "normal" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "maintainers" }],
    lines: set.lines.map((line) => ({ id: line.id, description: line.description, owner: "maintainers" })),
  });
  for (const record of set.knowledge) {
    await factory.knowledge.capture({
      kind: record.kind === "code-map" ? "code" : "note",
      title: record.title,
      body: record.text,
      source: { system: "routing-set", uri: `${record.line}/${record.kind}` },
      lines: [record.line],
    });
  }
  for (const item of set.history) {
    const signal = await factory.work.captureSignal({ text: textOf(item), source: "git" });
    await factory.work.routeSignal(signal.id, item.line);
  }
  if (withAutomations) {
    // Loaded without automations, so none races the routings above; reopened, they catch up on the log.
    await factory.close();
    factory = await openFactory({ dir, durability: "normal", automations: builtinAutomations });
    await factory.automations?.idle();
  }
  const rank = withAutomations
    ? async (text: string) => {
        const signal = await factory.work.captureSignal({ text, source: "git" });
        const ranked = await factory.route({ signal: signal.id }, { limit: 3 });
        await factory.automations?.idle();
        return ranked.map((candidate) => candidate.line);
      }
    : async (text: string) => (await factory.route(text, { limit: 3 })).map((candidate) => candidate.line);
  return {
    name: withAutomations
      ? "a factory with the built-in automations (the row above, through openFactory: each test item captured as a signal, ranked, then routed by route-new-signals when confident)"
      : "factory.route (Router history only, loaded into a factory: lines, README and file-list documents, history as routed signals)",
    rank,
    close: async () => {
      await factory.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
