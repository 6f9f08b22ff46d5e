import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AssemblyLineService,
  ClockService,
  ClosedError,
  EventLogService,
  manualClock,
  NotFoundError,
} from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import {
  basicStandards,
  defineRule,
  estimateTokenCounter,
  FactoryService,
  type IntelligenceError,
  IntelligenceService,
  openFactory,
} from "@software-factory/intelligence";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Cause, Effect, Exit, Fiber, Layer } from "effect";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-layer-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const plan = {
  operators: [{ id: "ana" }],
  lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
};

describe("FactoryService.layer", () => {
  it("puts a missing work item's NotFoundError in the error channel, where catchTag handles it", async () => {
    const program = Effect.gen(function* () {
      const work = yield* AssemblyLineService;
      const advanced = work.advance("wi_nope");
      expectTypeOf<Effect.Error<typeof advanced>>().toExtend<{
        readonly _tag: string;
        readonly code: string;
      }>();
      return yield* advanced.pipe(
        Effect.map(() => "moved"),
        Effect.catchTag("NotFoundError", (error) => Effect.succeed(`${error.code}: ${error.message}`)),
      );
    });

    const answer = await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir })));

    expect(answer).toMatch(/^E_NOT_FOUND: .*wi_nope/);
  });

  it("fails with a ValidationError, not a defect, on bad input to each service", async () => {
    const program = Effect.gen(function* () {
      const work = yield* AssemblyLineService;
      const knowledge = yield* KnowledgeBaseService;
      const intelligence = yield* IntelligenceService;
      return [
        yield* Effect.flip(work.createWorkItem({ line: "checkout", title: "" })),
        yield* Effect.flip(
          knowledge.capture({ kind: "nope", title: "x", body: "x", source: { system: "t" } } as never),
        ),
        yield* Effect.flip(intelligence.route(42 as never)),
        yield* Effect.flip(intelligence.inbox.list("ana", { limit: -1 })),
      ];
    });

    const failures = await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir })));

    for (const failure of failures)
      expect(failure).toMatchObject({ _tag: "ValidationError", code: "E_VALIDATION" });
    expect(failures[0]?.message).toContain("title");
  });

  it("fails a check naming an unknown rule with a NotFoundError that names it and the known rules", async () => {
    const program = Effect.gen(function* () {
      const intelligence = yield* IntelligenceService;
      return yield* intelligence.check({ rules: ["no-such-rule"] }).pipe(
        Effect.map(() => "checked"),
        Effect.catchTag("NotFoundError", (error) => Effect.succeed(`${error.code}: ${error.message}`)),
      );
    });

    const answer = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir, rules: [basicStandards] })),
    );

    expect(answer).toMatch(/^E_NOT_FOUND: check scope: rules\[0\]: no rule "no-such-rule"; known rules: /);
    expect(answer).toContain("line-has-owner, line-has-description");
  });

  it("dies on what is not a typed error (a target source that throws a plain Error)", async () => {
    const program = Effect.gen(function* () {
      const factory = yield* FactoryService;
      const intelligence = yield* IntelligenceService;
      factory.standards
        .addSource({
          kind: "probe",
          all: () => {
            throw new Error("probe store unreachable");
          },
          get: () => undefined,
          idOf: () => "probe",
          lineOf: () => undefined,
        })
        .add(
          defineRule({
            id: "probe-answers",
            description: "A probe answers.",
            severity: "error",
            appliesTo: "probe",
            check: () => [],
          }),
        );
      return yield* intelligence.check({ kind: "probe" });
    });

    const exit = await Effect.runPromiseExit(Effect.provide(program, FactoryService.layer({ dir })));

    expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause) && !Cause.hasFails(exit.cause)).toBe(true);
  });

  it("closes the factory with the scope: the parts refuse calls after, and the folder reopens with the writes", async () => {
    const program = Effect.gen(function* () {
      const factory = yield* FactoryService;
      const floorplan = yield* FloorPlanService;
      const work = yield* AssemblyLineService;
      yield* floorplan.applyPlan(plan);
      const item = yield* work.createWorkItem({ line: "checkout", title: "Pay by link" });
      return { factory, item };
    });

    const { factory, item } = await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir })));

    await expect(factory.log.head()).rejects.toBeInstanceOf(ClosedError);
    const reopened = await openFactory({ dir });
    expect(reopened.work.get(item.id)?.title).toBe("Pay by link");
    await reopened.close();
  });

  it("gives services over one factory that see each other's writes", async () => {
    const program = Effect.gen(function* () {
      const floorplan = yield* FloorPlanService;
      const work = yield* AssemblyLineService;
      const knowledge = yield* KnowledgeBaseService;
      const intelligence = yield* IntelligenceService;
      const log = yield* EventLogService;
      yield* floorplan.applyPlan(plan);
      // The assembly line checks lines against the floor plan the other service just wrote.
      const item = yield* work.createWorkItem({ line: "checkout", title: "Refunds by card", owner: "ana" });
      yield* knowledge.capture({
        kind: "note",
        title: "Refunds go back to the card",
        body: "We refund to the card used for the payment.",
        source: { system: "t" },
        lines: ["checkout"],
      });
      const pack = yield* intelligence.context({ workItem: item.id, question: "refunds" });
      const routed = yield* intelligence.route("refunds of a card payment in the cart");
      yield* intelligence.inbox.notify({ to: "ana", title: "Look", body: "at the refunds" });
      const unread = yield* intelligence.inbox.unreadCount("ana");
      const types = (yield* log.read()).map((event) => event.type);
      return { item, pack, routed, unread, types };
    });

    const { item, pack, routed, unread, types } = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir, tokenCounter: estimateTokenCounter })),
    );

    expect(pack.workItem?.id).toBe(item.id);
    expect(JSON.stringify(pack.knowledge)).toContain("Refunds go back to the card");
    expect(routed[0]?.line).toBe("checkout");
    expect(unread).toBe(1);
    expect(types).toEqual(expect.arrayContaining(["work.created", "inbox.notified"]));
  });

  it("lets an interrupted move settle before the interruption returns", async () => {
    const program = Effect.gen(function* () {
      const floorplan = yield* FloorPlanService;
      const work = yield* AssemblyLineService;
      const log = yield* EventLogService;
      yield* floorplan.applyPlan(plan);
      const fiber = yield* Effect.forkChild(work.createWorkItem({ line: "checkout", title: "Pay by link" }));
      yield* Effect.yieldNow;
      yield* Fiber.interrupt(fiber);
      const headAtInterrupt = yield* log.head;
      yield* Effect.sleep("100 millis");
      return { headAtInterrupt, headLater: yield* log.head, items: work.line.list().length };
    });

    const { headAtInterrupt, headLater, items } = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir })),
    );

    expect(headLater).toBe(headAtInterrupt);
    expect(items).toBe(1);
  });

  it("stamps events with the ClockService of the context", async () => {
    const at = "2026-03-01T09:00:00.000Z";
    const program = Effect.gen(function* () {
      const floorplan = yield* FloorPlanService;
      const log = yield* EventLogService;
      yield* floorplan.applyPlan(plan);
      return (yield* log.read()).map((event) => event.at);
    });
    const layer = FactoryService.layer({ dir }).pipe(
      Layer.provide(Layer.succeed(ClockService, manualClock(at))),
    );

    const stamps = await Effect.runPromise(Effect.provide(program, layer));

    expect(stamps.length).toBeGreaterThan(0);
    expect(new Set(stamps)).toEqual(new Set([at]));
  });
});

describe("FactoryService.fromFactory", () => {
  it("gives the services of a factory opened with openFactory and leaves it open", async () => {
    const factory = await openFactory({ dir });
    const program = Effect.gen(function* () {
      const work = yield* AssemblyLineService;
      return yield* Effect.flip(work.trace("wi_nope"));
    });

    const failure = await Effect.runPromise(Effect.provide(program, FactoryService.fromFactory(factory)));

    expect(failure).toBeInstanceOf(NotFoundError);
    expectTypeOf(failure).toExtend<IntelligenceError>();
    expect(await factory.log.head()).toBe(0);
    await factory.close();
  });
});

describe("openFactory clock option", () => {
  it("stamps every event with the given clock", async () => {
    const clock = manualClock("2026-01-01T00:00:00.000Z");
    const factory = await openFactory({ dir, clock });
    await factory.floorplan.applyPlan(plan);
    clock.advance(60_000);
    await factory.work.createWorkItem({ line: "checkout", title: "Pay by link" });

    const stamps = (await factory.log.read()).map((event) => `${event.type} ${event.at}`);
    await factory.close();

    expect(stamps.at(-1)).toBe("work.created 2026-01-01T00:01:00.000Z");
    expect(stamps[0]).toMatch(/ 2026-01-01T00:00:00.000Z$/);
  });

  it("refuses a clock without now(), naming the option", async () => {
    await expect(openFactory({ dir, clock: {} as never })).rejects.toMatchObject({
      _tag: "ValidationError",
      issues: [{ path: "clock" }],
    });
  });
});

describe("AssemblyLineService.layer", () => {
  it("opens an assembly line over an EventLogService layer and closes it with the scope", async () => {
    const path = join(dir, "line.db");
    const layer = AssemblyLineService.layer().pipe(Layer.provideMerge(EventLogService.layer({ path })));
    const program = Effect.gen(function* () {
      const work = yield* AssemblyLineService;
      const item = yield* work.createWorkItem({ line: "checkout", title: "Pay by link" });
      const failure = yield* Effect.flip(work.complete(item.id));
      return { line: work.line, failure };
    });

    const { line, failure } = await Effect.runPromise(Effect.provide(program, layer));

    expect(failure).toMatchObject({ _tag: "IllegalTransitionError" });
    expect(() => line.list()).toThrow(ClosedError);
  });
});
