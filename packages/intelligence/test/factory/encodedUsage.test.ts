/**
 * `factory.encodedUsage` measures the use of all that factory operators
 * encode, per author, from the log: skills' runs (as `skills.usage`), rules'
 * gate refusals and scorecard holds, automations' handlings by outcome with
 * the lines and operators their events name. The numbers are hand-computed
 * on a real SQLite factory; a factory opened on the same folder without the
 * automations (they recorded their author) measures the same, and what was
 * recorded before the window is not counted.
 */
import { manualClock, type StoredEvent, ValidationError } from "@software-factory/core";
import type { LineInfo } from "@software-factory/floorplan";
import {
  defineAutomation,
  defineRule,
  defineScorecard,
  defineSkill,
  type Factory,
  IntelligenceService,
  makeIntelligenceShape,
  type OpenFactoryOptions,
  ruleGate,
} from "@software-factory/intelligence";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();
const DAY = 86_400_000;

const owned = defineRule<LineInfo>({
  id: "line-owned",
  description: "Every line has an owner.",
  severity: "error",
  appliesTo: "line",
  triggers: ["floorplan.plan.applied"],
  check: (line) => (line.owner ? [] : [{ message: `${line.id} has no owner` }]),
});
const saysWhy = defineRule<LineInfo>({
  id: "line-says-why",
  description: "Every line says what it is for.",
  severity: "error",
  appliesTo: "line",
  author: "ana",
  triggers: ["floorplan.plan.applied"],
  check: (line) => (line.description ? [] : [{ message: `${line.id} says not what it is for` }]),
});
const noDrafts = defineRule<{ title: string }>({
  id: "no-drafts",
  description: "No draft moves on.",
  severity: "error",
  appliesTo: "workItem",
  author: "ana",
  check: (item) => (item.title.startsWith("draft") ? [{ message: `${item.title} is a draft` }] : []),
});
const ready = defineScorecard({
  id: "ready",
  description: "Lines owned, then saying why.",
  levels: [
    { name: "owned", rules: ["line-owned"] },
    { name: "explained", rules: ["line-says-why"] },
  ],
});

let flaky = true;
const router = defineAutomation<Factory>({
  name: "route-to-checkout",
  description: "Routes every signal to checkout and tells its owner.",
  on: ["signal.captured"],
  author: "bo",
  run: (event, { emit, notify }) => {
    emit({ type: "signal.routed", subject: event.subject, data: { line: "checkout" } });
    notify({ to: "ana", title: "A signal for checkout", body: "" });
  },
});
const picky = defineAutomation<Factory>({
  name: "picky",
  description: "Fails on signals about booms, until fixed.",
  on: ["signal.captured"],
  author: "bo",
  retry: { attempts: 1 },
  run: (event) => {
    if (flaky && JSON.stringify(event.data).includes("boom")) throw new Error("boom");
  },
});
const quiet = defineAutomation<Factory>({
  name: "quiet",
  description: "Looks at signals and does nothing.",
  on: ["signal.captured"],
  run: () => {},
});
const shout = defineSkill({
  name: "shout",
  description: "Upper-cases its text.",
  author: "bo",
  input: z.object({ text: z.string() }),
  output: z.string(),
  run: async ({ text }) => text.toUpperCase(),
});

const plan = (lines: { id: string; owner?: string }[]) => ({
  product: { id: "shop" },
  operators: [{ id: "ana" }, { id: "bo" }],
  lines,
});

/** The automation marks' authors, as recorded. */
const authorsOf = (events: StoredEvent[]) =>
  events.map((event) => (event.data as { author?: string }).author);

describe("factory.encodedUsage", () => {
  it("measures each author's skills, rules and automations in the window from the log, alike from a second factory", async () => {
    const now = Date.now();
    const dir = folder("factory-encoded-usage-");
    const clock = manualClock(now - 10 * DAY);
    const parts: OpenFactoryOptions = {
      dir,
      actor: "ana",
      clock,
      rules: [owned, saysWhy, noDrafts],
      scorecards: [ready],
      skills: [shout],
    };
    const withGate = async (factory: Factory) => {
      factory.work.registerGate(ruleGate(factory.standards, { stage: "*", rules: ["no-drafts"] }));
      return factory;
    };

    // Before the window: a plan, a signal each automation handles, a refusal. Closed there, so even the
    // handlings that emitted nothing are recorded before the window.
    const before = await withGate(await open({ ...parts, automations: [router, picky, quiet] }));
    await before.floorplan.applyPlan(plan([{ id: "checkout", owner: "ana" }]));
    await before.work.captureSignal({ text: "early refunds", source: "support", severity: "low" });
    const early = await before.work.createWorkItem({
      line: "checkout",
      title: "draft early",
      kind: "feature",
    });
    await expect(before.work.advance(early.id)).rejects.toThrow(/no-drafts/);
    await before.automations?.idle();
    await before.close();

    clock.set(now - DAY);
    const during = await withGate(await open({ ...parts, automations: [router, picky, quiet] }));
    await during.work.captureSignal({ text: "refunds fail", source: "support", severity: "low" });
    await during.work.captureSignal({ text: "a boom at checkout", source: "support", severity: "low" });
    await during.automations?.idle();
    const [failure] = (await during.automations?.failures("picky")) ?? [];
    expect(failure).toBeDefined();
    flaky = false;
    expect(await during.automations?.retry("picky", failure?.event ?? "")).toEqual({ outcome: "ok" });
    // A second line, owned but not saying why: held at "owned" by line-says-why.
    await during.floorplan.applyPlan(
      plan([
        { id: "checkout", owner: "ana" },
        { id: "returns", owner: "bo" },
      ]),
    );
    const draft = await during.work.createWorkItem({
      line: "returns",
      title: "draft refunds",
      kind: "feature",
    });
    await expect(during.work.advance(draft.id)).rejects.toThrow(/no-drafts/);
    await expect(during.work.advance(draft.id)).rejects.toThrow(/no-drafts/);
    await during.skills.run("shout", { text: "hi" }, { actor: "ana" });
    await during.automations?.idle();
    await during.close();

    const window = { from: new Date(now - 2 * DAY), to: new Date(now + DAY) };
    // Reopened with the automations (none has anything left to handle): they are listed as this factory's.
    const again = await open({ ...parts, automations: [router, picky, quiet] });
    const usage = await again.encodedUsage(window);
    await again.close();

    expect(usage.window).toEqual({ from: window.from.toISOString(), to: window.to.toISOString() });
    expect(usage.authors.map((author) => author.author)).toEqual(["ana", "bo", null]);
    const [ana, bo, none] = usage.authors;
    expect(ana).toEqual({
      author: "ana",
      skills: [],
      runs: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
      refused: 0,
      operators: [],
      rules: [
        { rule: "line-says-why", refusedMoves: 0, items: 0, heldLevels: 1, lines: ["returns"] },
        { rule: "no-drafts", refusedMoves: 2, items: 1, heldLevels: 0, lines: ["returns"] },
      ],
      automations: [],
    });
    expect(bo).toMatchObject({ author: "bo", runs: 1, succeeded: 1, operators: ["ana"], rules: [] });
    expect(bo?.automations).toEqual([
      {
        automation: "picky",
        handled: 2,
        failed: 1,
        retried: 1,
        recovered: 1,
        emitted: 0,
        lines: [],
        operators: [],
      },
      {
        automation: "route-to-checkout",
        handled: 2,
        failed: 0,
        retried: 0,
        recovered: 0,
        emitted: 4,
        lines: ["checkout"],
        operators: ["ana"],
      },
    ]);
    expect(none?.rules).toEqual([
      // returns reached "owned" in the window; checkout did before it.
      { rule: "line-owned", refusedMoves: 0, items: 0, heldLevels: 0, lines: [] },
    ]);
    expect(none?.automations.find((use) => use.automation === "quiet")).toEqual({
      automation: "quiet",
      handled: 2,
      failed: 0,
      retried: 0,
      recovered: 0,
      emitted: 0,
      lines: [],
      operators: [],
    });
    // The scorecards' own automation recorded the level change of returns.
    expect(none?.automations.find((use) => use.automation === "rescore-lines")).toMatchObject({
      lines: ["returns"],
    });

    // Another factory on the folder, running none of these automations: their records name their author.
    const { clock: _, ...unclocked } = parts;
    const second = await open(unclocked);
    const records = await second.log.read({
      types: ["automation.handled", "automation.advanced"],
      subjects: ["automation:picky"],
    });
    expect(new Set(authorsOf(records))).toEqual(new Set(["bo"]));
    expect(await second.encodedUsage(window)).toEqual(usage);
    // One author's, and the Effect face's.
    const onlyBo = await Effect.runPromise(
      Effect.gen(function* () {
        const intelligence = yield* IntelligenceService;
        return yield* intelligence.encodedUsage({ ...window, operator: "bo" });
      }).pipe(Effect.provideService(IntelligenceService, makeIntelligenceShape(second))),
    );
    expect(onlyBo).toEqual({ window: usage.window, operator: "bo", authors: [bo] });
  });

  it("refuses a window that ends before it starts, and a misspelt option, naming them", async () => {
    const factory = await open({ dir: folder("factory-encoded-usage-bad-") });
    const refused = await factory
      .encodedUsage({ from: "2026-03-01", to: "2026-02-01" })
      .catch((error) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.message).toContain("encodedUsage options");
    expect(refused.message).toContain("from must be before to");
    const misspelt = await factory
      .encodedUsage({ from: "2026-01-01", to: "2026-02-01", operater: "ana" } as never)
      .catch((error) => error);
    expect(misspelt).toBeInstanceOf(ValidationError);
    expect(misspelt.message).toContain("operater");
  });

  it("refuses an automation author that is no non-empty string", () => {
    expect(() => defineAutomation({ ...quiet, author: "" })).toThrow(/must name its author/);
    expect(() => defineAutomation({ ...quiet, author: 7 as never })).toThrow(ValidationError);
  });
});
