import {
  createMemoryEventStore,
  defineEvent,
  type EventLog,
  openEventLog,
  ValidationError,
} from "@software-factory/core";
import {
  defineRule,
  defineRulePack,
  defineScorecard,
  type Rule,
  type RulePack,
  Scorecards,
  Standards,
  startAutomations,
  type TargetSource,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const LineDescribed = defineEvent(
  "line.described",
  z.object({ description: z.string(), owner: z.string().optional() }),
);

interface TestLine {
  readonly id: string;
  readonly description: string;
  readonly owner?: string | undefined;
}

/** Lines folded from the log on demand, as a real source would serve them from a projection. */
function linesOf(log: EventLog): TargetSource<TestLine> {
  const fold = async () => {
    const lines = new Map<string, TestLine>();
    for await (const event of log.readAll()) {
      if (LineDescribed.is(event)) lines.set(event.subject, { id: event.subject, ...event.data });
    }
    return [...lines.values()];
  };
  return {
    kind: "line",
    all: fold,
    get: async (id) => (await fold()).find((line) => line.id === id),
    idOf: (line) => line.id,
    lineOf: (line) => line.id,
  };
}

const hasOwner = defineRule<TestLine>({
  id: "line-has-owner",
  description: "Every line has an owner.",
  severity: "error",
  appliesTo: "line",
  triggers: [LineDescribed.type],
  check: (line) => (line.owner ? [] : [{ message: `line ${line.id} has no owner`, hint: "set owner" }]),
});
const describedWell = defineRule<TestLine>({
  id: "line-described",
  description: "Every line has a description of at least three words.",
  severity: "warning",
  appliesTo: "line",
  triggers: [LineDescribed.type],
  check: (line) =>
    line.description.split(/\s+/).length >= 3
      ? []
      : [{ message: `line ${line.id} is described too briefly` }],
});
const readiness = defineScorecard({
  id: "readiness",
  description: "Lines ready for production.",
  // Warnings (a brief description) keep a line from a level on this scorecard.
  severity: "warning",
  levels: [
    { name: "bronze", rules: ["line-has-owner"] },
    { name: "silver", rules: ["line-described"] },
  ],
});

async function factoryLog(): Promise<EventLog> {
  return openEventLog({ store: createMemoryEventStore(), events: [LineDescribed] });
}

describe("standards", () => {
  it("reports findings target by target, with the rule, severity, hint and target, scoped by line and rule", async () => {
    const log = await factoryLog();
    await log.append([
      { type: LineDescribed.type, subject: "checkout", data: { description: "pay", owner: "ada" } },
      { type: LineDescribed.type, subject: "search", data: { description: "find things in the catalog" } },
    ]);
    const standards = new Standards({}).addSource(linesOf(log)).add(
      defineRulePack({
        id: "basics",
        description: "Basic hygiene.",
        rules: [hasOwner, describedWell],
      }),
    );
    expect(await standards.check()).toEqual([
      {
        rule: "line-described",
        severity: "warning",
        message: "line checkout is described too briefly",
        target: { kind: "line", id: "checkout" },
      },
      {
        rule: "line-has-owner",
        severity: "error",
        message: "line search has no owner",
        hint: "set owner",
        target: { kind: "line", id: "search" },
      },
    ]);
    expect((await standards.check({ line: "checkout" })).map((finding) => finding.rule)).toEqual([
      "line-described",
    ]);
    expect(await standards.check({ rules: ["line-has-owner"], kind: "line", id: "checkout" })).toEqual([]);
    await expect(standards.check({ rules: ["nope"] })).rejects.toThrow(/no rule "nope"/);
    expect(standards.packs().map((pack) => pack.id)).toEqual(["basics"]);
  });

  it("turns a rule that throws into an error finding instead of failing the check", async () => {
    const log = await factoryLog();
    await log.append({ type: LineDescribed.type, subject: "checkout", data: { description: "x" } });
    const broken = defineRule<TestLine>({
      id: "broken",
      description: "Throws.",
      severity: "info",
      appliesTo: "line",
      check: () => {
        throw new Error("boom");
      },
    });
    const standards = new Standards({}).addSource(linesOf(log)).add(broken);
    expect(await standards.check()).toMatchObject([
      { rule: "broken", severity: "error", message: "rule broken failed to run: boom" },
    ]);
  });

  it("refuses malformed rules at definition and when added, naming the rule and the field", async () => {
    const log = await factoryLog();
    const standards = () => new Standards({}).addSource(linesOf(log));
    expect(() => defineRule({ ...hasOwner, id: "Has Owner" })).toThrow(
      'rule "Has Owner" is invalid: id: must be kebab-case',
    );
    expect(() => defineRule({ ...hasOwner, id: "Has Owner" })).toThrow(ValidationError);
    const raw = { id: "Bad Id", description: "", severity: "fatal", appliesTo: "line" };
    expect(() => standards().add(raw as unknown as Rule<never, never>)).toThrow(
      /rule "Bad Id" is invalid: id: must be kebab-case.*description: must say what the rule demands.*severity: .*check: must be a function/,
    );
    expect(() => standards().add({ ...hasOwner, id: "typo", appliesTo: "lines" })).toThrow(
      'rule "typo" is invalid: appliesTo: no source serves kind "lines" (kinds with a source: line); add its source first with standards.addSource',
    );
    expect(() =>
      standards().add(defineRulePack({ id: "basics", description: "Basic hygiene.", rules: [] }), {
        id: "Second Pack",
        description: "x",
        rules: [],
      }),
    ).toThrow('rule pack "Second Pack" is invalid: id: must be kebab-case');
    expect(() =>
      standards()
        .add(hasOwner)
        .add({ ...hasOwner }),
    ).toThrow(/already taken/);
  });

  it("refuses a pack that gives one rule id twice when it is defined, naming both places", () => {
    const call = () =>
      defineRulePack({
        id: "basics",
        description: "Basic hygiene.",
        rules: [hasOwner, describedWell, { ...hasOwner }],
      });
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(
      'rule pack "basics" is invalid: rules[2].id: rule id "line-has-owner" is given twice, at rules[0] and here',
    );
  });

  it("adds a pack all or none: a bad rule in it leaves the standards unchanged", async () => {
    const log = await factoryLog();
    const standards = new Standards({}).addSource(linesOf(log));
    const pack = {
      id: "mixed",
      description: "One good rule, one typo.",
      rules: [hasOwner, { ...describedWell, appliesTo: "lien" }],
    };
    expect(() => standards.add(pack as RulePack)).toThrow(/appliesTo: no source serves kind "lien"/);
    expect(standards.rules()).toEqual([]);
    expect(standards.packs()).toEqual([]);
  });
});

describe("scorecards", () => {
  it("scores levels cumulatively and names what keeps a line from the next", async () => {
    const log = await factoryLog();
    await log.append([
      { type: LineDescribed.type, subject: "a", data: { description: "x" } },
      { type: LineDescribed.type, subject: "b", data: { description: "x", owner: "ada" } },
      {
        type: LineDescribed.type,
        subject: "c",
        data: { description: "a long enough description", owner: "ada" },
      },
      // Described well but unowned: silver's rule passes, bronze's fails, so no level at all.
      { type: LineDescribed.type, subject: "d", data: { description: "a long enough description" } },
    ]);
    const standards = new Standards({}).addSource(linesOf(log)).add(hasOwner, describedWell);
    const scorecards = await Scorecards.open({
      log,
      standards,
      scorecards: [readiness],
      lines: () => ["a", "b", "c", "d"],
    });
    const scores = await scorecards.evaluate("readiness");
    expect(scores.map((score) => [score.line, score.level ?? null, score.next?.level ?? null])).toEqual([
      ["a", null, "bronze"],
      ["b", "bronze", "silver"],
      ["c", "silver", null],
      ["d", null, "bronze"],
    ]);
    expect(scores[1]?.next?.failing.map((finding) => finding.message)).toEqual([
      "line b is described too briefly",
    ]);
    await expect(scorecards.evaluate("nope")).rejects.toThrow(/no scorecard "nope"/);
    await scorecards.close();
  });

  it("changes a line's recorded level when an event its rules depend on lands", async () => {
    const log = await factoryLog();
    // The line exists before the scorecards open (which score it), as the floor plan's lines do.
    await log.append({ type: LineDescribed.type, subject: "checkout", data: { description: "pay" } });
    const standards = new Standards({}).addSource(linesOf(log)).add(hasOwner, describedWell);
    const scorecards = await Scorecards.open({
      log,
      standards,
      scorecards: [readiness],
      lines: () => ["checkout"],
    });
    const runner = await startAutomations({ log, automations: [scorecards.automation()], services: {} });
    await runner.idle();
    expect(await scorecards.levelOf("readiness", "checkout")).toBeUndefined();

    await log.append({
      type: LineDescribed.type,
      subject: "checkout",
      data: { description: "pay", owner: "ada" },
    });
    await runner.idle();
    expect(await scorecards.levelOf("readiness", "checkout")).toBe("bronze");

    await log.append({
      type: LineDescribed.type,
      subject: "checkout",
      data: { description: "take payments for orders", owner: "ada" },
    });
    await runner.idle();
    expect(await scorecards.levelOf("readiness", "checkout")).toBe("silver");

    const changes = (await log.read({ types: ["scorecard.level.changed"] })).map((event) => event.data);
    expect(changes).toEqual([
      { scorecard: "readiness", line: "checkout", from: null, to: "bronze", failing: ["line-described"] },
      { scorecard: "readiness", line: "checkout", from: "bronze", to: "silver", failing: [] },
    ]);
    await runner.close();
    await scorecards.close();
  });
});
