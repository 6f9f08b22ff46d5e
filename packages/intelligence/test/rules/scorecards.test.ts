import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateFailedError, ValidationError } from "@software-factory/core";
import type { LineInfo, PlanInput } from "@software-factory/floorplan";
import {
  type AutomationRunner,
  basicStandards,
  defineRule,
  defineScorecard,
  type Factory,
  openFactory,
  ruleGate,
  type Scorecard,
  ScorecardLevelChanged,
  Scorecards,
  startAutomations,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;
const closing: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-scorecards-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal", rules: [basicStandards] });
});

afterEach(async () => {
  for (const part of closing.splice(0).reverse()) await part.close();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One line, `checkout`, owned by ana (a plan needs owners), with what is given. */
function plan(line: { readonly description?: string; readonly paths?: string[] }): PlanInput {
  return {
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", ...line }],
  };
}

/** Scorecards kept by an automation runner over the factory, as the factory would host them. */
async function keep(
  scorecards: readonly Scorecard[],
  over: Factory = factory,
): Promise<{ scorecards: Scorecards; runner: AutomationRunner }> {
  const kept = await Scorecards.open({
    log: over.log,
    standards: over.standards,
    scorecards,
    lines: () => over.floorplan.lines().map((line) => line.id),
    refresh: async () => {
      await over.floorplan.refresh();
      await over.work.refresh();
    },
  });
  const runner = await startAutomations({ log: over.log, automations: [kept.automation()], services: over });
  closing.push(kept, runner);
  return { scorecards: kept, runner };
}

const basics = defineScorecard({
  id: "basics",
  description: "Lines owned, described and claiming code.",
  severity: "warning",
  levels: [
    { name: "bronze", rules: ["line-has-owner"] },
    { name: "silver", rules: ["line-has-description", "line-has-paths"] },
  ],
});

describe("scorecards over the basic standards", () => {
  it("records a new level when a plan is applied, when the line gets its description, and when it loses it", async () => {
    const { scorecards, runner } = await keep([basics]);
    await factory.floorplan.applyPlan(plan({}));
    await runner.idle();
    expect(await scorecards.levelOf("basics", "checkout")).toBe("bronze");

    await factory.floorplan.applyPlan(plan({ paths: ["/src/checkout/"] }));
    await runner.idle();
    expect(await scorecards.levelOf("basics", "checkout")).toBe("bronze");

    await factory.floorplan.applyPlan(plan({ paths: ["/src/checkout/"], description: "Cart and payment" }));
    await runner.idle();
    expect(await scorecards.levelOf("basics", "checkout")).toBe("silver");

    await factory.floorplan.applyPlan(plan({ paths: ["/src/checkout/"] }));
    await runner.idle();
    expect(await scorecards.levelOf("basics", "checkout")).toBe("bronze");

    const changes = (await factory.log.read({ types: ["scorecard.level.changed"] })).map(
      (event) => event.data,
    );
    expect(changes).toEqual([
      {
        scorecard: "basics",
        line: "checkout",
        from: null,
        to: "bronze",
        failing: ["line-has-description", "line-has-paths"],
      },
      { scorecard: "basics", line: "checkout", from: "bronze", to: "silver", failing: [] },
      {
        scorecard: "basics",
        line: "checkout",
        from: "silver",
        to: "bronze",
        failing: ["line-has-description"],
      },
    ]);
  });

  it("takes the level of a line retired from the floor plan away", async () => {
    const { scorecards, runner } = await keep([basics]);
    const search = { id: "search", owner: "ana", description: "Find products", paths: ["/src/search/"] };
    const checkout = { id: "checkout", owner: "ana" };
    await factory.floorplan.applyPlan({ ...plan({}), lines: [checkout, search] });
    await runner.idle();
    expect(await scorecards.levelOf("basics", "search")).toBe("silver");

    await factory.floorplan.applyPlan({ ...plan({}), lines: [search] });
    await runner.idle();
    const changes = (await factory.log.read({ types: ["scorecard.level.changed"] })).map(
      (event) => event.data,
    );
    expect(changes.at(-1)).toMatchObject({ line: "checkout", to: null });
    // The retired line is no line of the floor plan any more: asking for its level is a mistake, not "no level".
    await expect(scorecards.levelOf("basics", "checkout")).rejects.toMatchObject({
      code: "E_NOT_FOUND",
      entity: "line",
    });
    expect(await scorecards.levelOf("basics", "search")).toBe("silver");
  });

  it("tells an unknown scorecard or line from a line without a level yet", async () => {
    const { scorecards } = await keep([basics]);
    await factory.floorplan.applyPlan(plan({}));

    expect(await scorecards.levelOf("basics", "checkout")).toBeUndefined();
    await expect(scorecards.levelOf("nope", "checkout")).rejects.toMatchObject({
      code: "E_NOT_FOUND",
      entity: "scorecard",
      id: "nope",
      message: expect.stringContaining("scorecards kept: basics"),
    });
    await expect(scorecards.levelOf("basics", "zzz")).rejects.toMatchObject({
      code: "E_NOT_FOUND",
      entity: "line",
      id: "zzz",
      message: expect.stringContaining("lines: checkout"),
    });
    await expect(scorecards.evaluate("nope")).rejects.toMatchObject({ code: "E_NOT_FOUND", id: "nope" });
    await expect(scorecards.evaluate("basics", ["checkout", "zzz"])).rejects.toMatchObject({
      code: "E_NOT_FOUND",
      id: "zzz",
    });
  });

  it("knows a line another process added when asked for its level", async () => {
    const { scorecards } = await keep([basics]);
    const other = await openFactory({ dir, actor: "bo", durability: "normal" });
    await other.floorplan.applyPlan(plan({}));
    await other.close();
    expect(await scorecards.levelOf("basics", "checkout")).toSatisfy(
      (level: string | undefined) => level === undefined || level === "bronze",
    );
  });

  it("re-evaluates on a plan another process applied", async () => {
    const { scorecards, runner } = await keep([basics]);
    const other = await openFactory({ dir, actor: "bo", durability: "normal" });
    await other.floorplan.applyPlan(plan({ paths: ["/src/checkout/"], description: "Cart and payment" }));
    await other.close();
    await runner.idle();
    expect(await scorecards.levelOf("basics", "checkout")).toBe("silver");
  });

  it("counts a dependency cycle against every line in it, not only the line its finding names", async () => {
    const acyclic = defineScorecard({
      id: "acyclic",
      description: "Lines in no dependency cycle.",
      severity: "warning",
      levels: [{ name: "bronze", rules: ["no-dependency-cycles"] }],
    });
    await factory.floorplan.applyPlan({
      product: { id: "shop" },
      operators: [{ id: "ana" }],
      lines: [
        { id: "cart", owner: "ana", dependsOn: ["payments"] },
        { id: "payments", owner: "ana", dependsOn: ["ledger"] },
        { id: "ledger", owner: "ana", dependsOn: ["cart"] },
        { id: "search", owner: "ana", dependsOn: ["cart"] },
      ],
    });
    const { scorecards } = await keep([acyclic]);

    const scores = await scorecards.evaluate("acyclic");
    expect(scores.map((score) => [score.line, score.level])).toEqual([
      ["cart", undefined],
      ["payments", undefined],
      ["ledger", undefined],
      ["search", "bronze"],
    ]);
    // One finding for the one cycle, as factory check reports it.
    const [finding] = scores[0]?.next?.failing ?? [];
    expect(scores.slice(1, 3).map((score) => score.next?.failing)).toEqual([[finding], [finding]]);
  });

  it("refuses a scorecard whose rule has no triggers or is unknown, naming the scorecard, level and rule", async () => {
    factory.standards.add(
      defineRule<LineInfo>({
        id: "line-has-runbook",
        description: "Every line has a runbook.",
        severity: "error",
        appliesTo: "line",
        check: () => [],
      }),
    );
    const card = defineScorecard({
      id: "on-call",
      description: "Lines someone can be paged for.",
      levels: [
        { name: "bronze", rules: ["line-has-owner"] },
        { name: "silver", rules: ["line-has-runbook", "line-has-pager"] },
      ],
    });
    const opening = Scorecards.open({
      log: factory.log,
      standards: factory.standards,
      scorecards: [card],
      lines: () => [],
    });
    await expect(opening).rejects.toBeInstanceOf(ValidationError);
    await expect(opening).rejects.toThrow(
      'scorecards[0].levels[1].rules[0]: scorecard "on-call", level "silver": rule "line-has-runbook" has no triggers',
    );
    await expect(opening).rejects.toThrow(
      'scorecards[0].levels[1].rules[1]: scorecard "on-call", level "silver": no rule "line-has-pager" in the standards',
    );
    expect(() => defineScorecard({ ...card, id: "On Call" })).toThrow(
      'scorecard "On Call" is invalid: id: must be kebab-case',
    );
    expect(() => defineScorecard({ ...card, levels: [] })).toThrow(/levels: needs at least one level/);
    const none = await Scorecards.open({
      log: factory.log,
      standards: factory.standards,
      scorecards: [],
      lines: () => [],
    });
    closing.push(none);
    expect(none.triggers()).toEqual([]);
    expect(() => none.automation()).toThrow(
      "scorecards automation is invalid: scorecards: no scorecard is kept, so the automation would have nothing to re-evaluate",
    );
  });
});

describe("scorecards and rule gates agree on warnings", () => {
  const described = (severity?: "warning") =>
    defineScorecard({
      id: "described",
      description: "Lines that say what they are for.",
      ...(severity === undefined ? {} : { severity }),
      levels: [
        { name: "bronze", rules: ["line-has-owner"] },
        { name: "silver", rules: ["line-has-description"] },
      ],
    });

  /** Whether a work item of checkout may enter implementation under the gate of the card's silver level. */
  async function silverGatePasses(card: Scorecard): Promise<boolean> {
    const unregister = factory.work.registerGate(
      ruleGate(factory.standards, { stage: "implementation", rules: { scorecard: card, level: "silver" } }),
    );
    try {
      const item = await factory.work.createWorkItem({
        line: "checkout",
        title: "Pay by link",
        kind: "feature",
        flow: "tiny",
      });
      await factory.work.advance(item.id);
      return true;
    } catch (error) {
      if (error instanceof GateFailedError) return false;
      throw error;
    } finally {
      unregister();
    }
  }

  it("by default a warning advises: the line reaches the level and passes its gate", async () => {
    await factory.floorplan.applyPlan(plan({ paths: ["/src/checkout/"] }));
    const card = described();
    const { scorecards } = await keep([card]);
    expect(await scorecards.evaluate("described")).toEqual([{ line: "checkout", level: "silver" }]);
    expect(await silverGatePasses(card)).toBe(true);
  });

  it("with severity warning a warning blocks both the level and its gate", async () => {
    await factory.floorplan.applyPlan(plan({ paths: ["/src/checkout/"] }));
    const card = described("warning");
    const { scorecards } = await keep([card]);
    const [score] = await scorecards.evaluate("described");
    expect(score?.level).toBe("bronze");
    expect(score?.next?.failing.map((finding) => [finding.rule, finding.severity])).toEqual([
      ["line-has-description", "warning"],
    ]);
    expect(await silverGatePasses(card)).toBe(false);
  });
});

describe("scorecards hosted by openFactory", () => {
  /** Polls until the level recorded for checkout is `level` (the factory's automation records it in the background). */
  async function levelBecomes(over: Factory, level: string | undefined): Promise<void> {
    for (let tries = 0; tries < 500; tries++) {
      if ((await over.scorecards.levelOf("basics", "checkout")) === level) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`checkout never reached ${level}`);
  }

  it("re-evaluates the factory's scorecards as events land, and closes them with the factory", async () => {
    const hostDir = mkdtempSync(join(tmpdir(), "factory-hosted-scorecards-"));
    const hosted = await openFactory({
      dir: hostDir,
      actor: "ana",
      durability: "normal",
      rules: [basicStandards],
      scorecards: [basics],
    });
    try {
      expect(hosted.scorecards.list().map((card) => card.id)).toEqual(["basics"]);
      await hosted.floorplan.applyPlan(plan({}));
      await levelBecomes(hosted, "bronze");
      await hosted.floorplan.applyPlan(plan({ description: "Cart and payment", paths: ["/src/checkout/"] }));
      await levelBecomes(hosted, "silver");
    } finally {
      await hosted.close();
    }
    const reopened = await openFactory({
      dir: hostDir,
      durability: "normal",
      rules: [basicStandards],
      scorecards: [basics],
    });
    expect(await reopened.scorecards.levelOf("basics", "checkout")).toBe("silver");
    await reopened.close();
    rmSync(hostDir, { recursive: true, force: true });
  });

  it("re-scores at open when a scorecard or one of its rules changed since the levels were recorded, and only then", async () => {
    const hostDir = mkdtempSync(join(tmpdir(), "factory-hosted-scorecards-"));
    const described = defineRule<LineInfo>({
      id: "line-is-described",
      description: "A line says what it is for.",
      severity: "error",
      appliesTo: "line",
      triggers: ["floorplan.plan.applied"],
      check: (line) => (line.description ? [] : [{ message: `${line.id} has no description` }]),
    });
    const card = (levels: Scorecard["levels"]) =>
      defineScorecard({ id: "card", description: "Lines described.", levels });
    const bronze = { name: "bronze", rules: ["line-has-owner"] };
    const silver = { name: "silver", rules: ["line-is-described"] };
    const reopen = async (scorecard: Scorecard, rule = described) => {
      const over = await openFactory({
        dir: hostDir,
        actor: "ana",
        durability: "normal",
        rules: [basicStandards, rule],
        scorecards: [scorecard],
      });
      const level = await over.scorecards.levelOf("card", "checkout");
      const head = await over.log.head();
      await over.close();
      return { level, head };
    };
    try {
      const first = await openFactory({
        dir: hostDir,
        actor: "ana",
        durability: "normal",
        rules: [basicStandards, described],
        scorecards: [card([bronze])],
      });
      await first.floorplan.applyPlan(plan({ description: "Cart and payment" }));
      await first.automations?.idle();
      expect(await first.scorecards.levelOf("card", "checkout")).toBe("bronze");
      await first.close();

      // A level added: checkout meets it, with no event its rules trigger on since.
      const added = await reopen(card([bronze, silver]));
      expect(added.level).toBe("silver");
      // Unchanged: nothing is re-scored or written.
      expect(await reopen(card([bronze, silver]))).toEqual(added);
      // The rule re-registered with a stricter check: checkout no longer meets silver.
      const stricter = defineRule<LineInfo>({
        ...described,
        check: (line) => (line.description?.includes("refunds") ? [] : [{ message: "say refunds" }]),
      });
      expect((await reopen(card([bronze, silver]), stricter)).level).toBe("bronze");
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it("scores a line added after open on a scorecard whose levels have no rules, and takes the level of a line retired", async () => {
    const hostDir = mkdtempSync(join(tmpdir(), "factory-hosted-scorecards-"));
    const listed = defineScorecard({
      id: "listed",
      description: "Lines in the floor plan.",
      levels: [{ name: "listed", rules: [] }],
    });
    const hosted = await openFactory({
      dir: hostDir,
      actor: "ana",
      durability: "normal",
      scorecards: [listed],
    });
    try {
      await hosted.floorplan.applyPlan({
        ...plan({}),
        lines: [
          { id: "checkout", owner: "ana" },
          { id: "search", owner: "ana" },
        ],
      });
      await hosted.automations?.idle();
      expect(await hosted.scorecards.levelOf("listed", "checkout")).toBe("listed");
      expect(await hosted.scorecards.levelOf("listed", "search")).toBe("listed");

      await hosted.floorplan.applyPlan(plan({}));
      await hosted.automations?.idle();
      const changes = await hosted.log.read({ types: [ScorecardLevelChanged.type] });
      expect(changes.filter(ScorecardLevelChanged.is).map((event) => event.data)).toEqual([
        { scorecard: "listed", line: "checkout", from: null, to: "listed", failing: [] },
        { scorecard: "listed", line: "search", from: null, to: "listed", failing: [] },
        { scorecard: "listed", line: "search", from: "listed", to: null, failing: [] },
      ]);
    } finally {
      await hosted.close();
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it("refuses a scorecard whose rules the factory lacks, and opens nothing", async () => {
    const hostDir = mkdtempSync(join(tmpdir(), "factory-hosted-scorecards-"));
    await expect(openFactory({ dir: hostDir, scorecards: [basics] })).rejects.toThrow(ValidationError);
    rmSync(hostDir, { recursive: true, force: true });
  });
});
