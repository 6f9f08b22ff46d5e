/**
 * Rules whose check returns an Effect: its violations are findings (a
 * scorecard's, a gate's), a failure or defect is a finding about the rule as
 * a throw is, and a close interrupts it, running its finalizers.
 */
import { ClosedError, GateFailedError, type WorkItem } from "@software-factory/core";
import { LineDeclared, type LineInfo, type PlanInput } from "@software-factory/floorplan";
import {
  defineRule,
  defineScorecard,
  openFactory,
  type Rule,
  ruleGate,
  type Violation,
} from "@software-factory/intelligence";
import { Context, Effect } from "effect";
import { describe, expect, expectTypeOf, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

/** One line, `checkout`, owned by ana, with what is given. */
function plan(line: { readonly description?: string } = {}): PlanInput {
  return {
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", ...line }],
  };
}

const described = defineRule<LineInfo>({
  id: "line-is-described",
  description: "Every line says what it is for.",
  severity: "error",
  appliesTo: "line",
  triggers: [LineDeclared.type],
  check: (line) =>
    Effect.gen(function* () {
      yield* Effect.yieldNow;
      return line.description ? [] : [{ message: `line ${line.id} has no description`, hint: "describe it" }];
    }),
});

const card = defineScorecard({
  id: "docs",
  description: "Lines are described.",
  levels: [{ name: "described", rules: [described.id] }],
});

describe("a rule whose check is an Effect", () => {
  it("gives its violations as the scorecard's findings, and lets the line reach the level once fixed", async () => {
    const factory = await open({
      dir: folder("factory-effect-rules-"),
      rules: [described],
      scorecards: [card],
    });
    await factory.floorplan.applyPlan(plan());

    expect(await factory.scorecards.evaluate("docs")).toEqual([
      {
        line: "checkout",
        level: undefined,
        next: {
          level: "described",
          failing: [
            {
              rule: "line-is-described",
              severity: "error",
              message: "line checkout has no description",
              hint: "describe it",
              target: { kind: "line", id: "checkout" },
            },
          ],
        },
      },
    ]);
    await factory.floorplan.applyPlan(plan({ description: "Cart and payment" }));
    expect(await factory.scorecards.evaluate("docs")).toEqual([{ line: "checkout", level: "described" }]);
  });

  it("is a finding about the rule when its Effect fails or dies, as a check that throws is", async () => {
    const broken = (id: string, check: () => never | Effect.Effect<never, unknown>) =>
      defineRule<LineInfo>({
        id,
        description: "Asks a service that is down.",
        severity: "warning",
        appliesTo: "line",
        check,
      });
    const rules = [
      broken("throws", () => {
        throw new RangeError("the service is down");
      }),
      broken("fails", () => Effect.fail(new RangeError("the service is down"))),
      broken("dies", () => Effect.die(new RangeError("the service is down"))),
      broken("fails-tagged", () => Effect.fail({ _tag: "ServiceDown", message: "the service is down" })),
    ];
    const factory = await open({ dir: folder("factory-effect-rules-"), rules });
    await factory.floorplan.applyPlan(plan());

    const findings = await factory.standards.check({ kind: "line" });
    expect(findings.map(({ rule, severity, message }) => ({ rule, severity, message }))).toEqual(
      ["throws", "fails", "dies", "fails-tagged"].map((rule) => ({
        rule,
        severity: "error",
        message: `rule ${rule} failed to run: the service is down`,
      })),
    );
  });

  it("blocks a move through a rule gate while it finds a violation", async () => {
    const shortTitle = defineRule<WorkItem>({
      id: "work-item-title-is-short",
      description: "A work item's title fits in 20 characters.",
      severity: "error",
      appliesTo: "workItem",
      check: (item) =>
        Effect.succeed(item.title.length <= 20 ? [] : [{ message: `work item ${item.id} has a long title` }]),
    });
    const factory = await open({ dir: folder("factory-effect-rules-"), rules: [shortTitle] });
    await factory.floorplan.applyPlan(plan());
    factory.work.registerGate(
      ruleGate(factory.standards, { stage: "implementation", rules: [shortTitle.id] }),
    );
    const long = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link, by card and by gift card",
      kind: "feature",
      flow: "tiny",
    });
    const short = await factory.work.createWorkItem({
      line: "checkout",
      title: "Pay by link",
      kind: "feature",
      flow: "tiny",
    });

    const refused = await factory.work.advance(long.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(GateFailedError);
    expect((refused as GateFailedError).findings).toEqual([
      {
        gate: "standards:implementation",
        message: `work-item-title-is-short (error): work item ${long.id} has a long title`,
      },
    ]);
    expect(factory.work.get(long.id)?.stage).toBe("intake");
    expect((await factory.work.advance(short.id)).stage).toBe("implementation");
  });

  it("is interrupted when the factory closes, its finalizer runs, and its caller gets a ClosedError", async () => {
    const steps: string[] = [];
    let reach = (): void => undefined;
    const started = new Promise<void>((resolve) => {
      reach = resolve;
    });
    const waits = defineRule<LineInfo>({
      id: "waits-for-ever",
      description: "Asks a service that never answers.",
      severity: "error",
      appliesTo: "line",
      check: () =>
        Effect.gen(function* () {
          steps.push("started");
          reach();
          return yield* Effect.never;
        }).pipe(Effect.ensuring(Effect.sync(() => steps.push("finalizer ran")))),
    });
    const factory = await openFactory({ dir: folder("factory-effect-rules-"), rules: [waits] });
    await factory.floorplan.applyPlan(plan());
    const checking = factory.standards.check({ kind: "line" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await started;
    await factory.close();

    expect(steps).toEqual(["started", "finalizer ran"]);
    expect(await checking).toBeInstanceOf(ClosedError);
  });

  it("takes an Effect that fails with anything and needs no service, in its type", () => {
    class Service extends Context.Service<Service, { readonly ok: boolean }>()("Service") {}
    type Returned = ReturnType<Rule["check"]>;
    expectTypeOf<Effect.Effect<readonly Violation[], RangeError>>().toExtend<Returned>();
    expectTypeOf<Effect.Effect<readonly Violation[], never, Service>>().not.toExtend<Returned>();
  });
});
