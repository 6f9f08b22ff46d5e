/**
 * A mistyped line, target kind or operator given to a read or a check is
 * refused (NotFoundError naming the field and the value, "did you mean";
 * a kind no source serves a ValidationError listing the kinds), in the
 * Promise and the Effect faces alike, rather than answered with nothing that
 * a CI check would pass on. A line retired from the floor plan still answers
 * with its history, and a notification goes to an operator there is, with a
 * title of one line, whether sent directly or by an automation.
 */
import { AssemblyLineService, NotFoundError, ValidationError } from "@software-factory/core";
import {
  basicStandards,
  defineAutomation,
  estimateTokenCounter,
  type Factory,
  FactoryService,
  IntelligenceService,
} from "@software-factory/intelligence";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const plan = {
  operators: [{ id: "ana" }, { id: "bo" }],
  lines: [
    { id: "checkout", owner: "ana" },
    { id: "payments", owner: "bo" },
  ],
};

/** A factory with the audit's history: a suspect link on checkout, a signal, a deployment and an incident. */
async function factoryWithHistory(options: Partial<Parameters<typeof open>[0]> = {}): Promise<Factory> {
  const factory = await open({
    dir: folder("factory-unknown-filters-"),
    rules: [basicStandards],
    tokenCounter: estimateTokenCounter,
    ...options,
  });
  await factory.floorplan.applyPlan(plan);
  const item = await factory.work.createWorkItem({ line: "checkout", title: "Pay by link" });
  const fields = (body: string) => ({ body });
  await factory.work.recordArtifact({
    id: "REQ-1",
    kind: "requirement",
    title: "r",
    workItem: item.id,
    fields: fields("a"),
  });
  await factory.work.recordArtifact({
    id: "DES-1",
    kind: "design",
    title: "d",
    workItem: item.id,
    fields: {},
  });
  await factory.work.link({ from: "DES-1", to: "REQ-1", type: "derivesFrom" });
  await factory.work.recordArtifact({
    id: "REQ-1",
    kind: "requirement",
    title: "r",
    workItem: item.id,
    fields: fields("b"),
  });
  await factory.work.captureSignal({ text: "slow", source: "support", line: "checkout" });
  await factory.work.recordDeployment({ environment: "production", line: "checkout" });
  await factory.work.openIncident({ title: "Down", line: "checkout" });
  return factory;
}

/** What a refusal of the mistyped line `checkot` must be: a NotFoundError naming the field, the line and checkout. */
const unknownCheckot = (field: string) =>
  expect.objectContaining({
    _tag: "NotFoundError",
    code: "E_NOT_FOUND",
    entity: "line",
    id: "checkot",
    field,
    message: expect.stringMatching(/no line "checkot".*did you mean "checkout"\?/),
  });

const window = () => ({ from: Date.now() - 3_600_000, to: Date.now() + 60_000 });

describe("a read or check given a line there is not", () => {
  it("refuses it in standards.check and every line filter of the work, where the real line answers", async () => {
    const factory = await factoryWithHistory();
    expect((await factory.standards.check({ line: "checkout" })).length).toBeGreaterThan(0);
    await expect(factory.standards.check({ line: "checkot" })).rejects.toEqual(unknownCheckot("line"));

    expect(factory.work.suspectLinks({ line: "checkout" })).toHaveLength(1);
    expect(factory.work.list({ line: "checkout" })).toHaveLength(1);
    expect(factory.work.signals({ line: "checkout" })).toHaveLength(1);
    expect(factory.work.deployments({ line: "checkout" })).toHaveLength(1);
    expect(factory.work.incidents({ line: "checkout" })).toHaveLength(1);
    expect((await factory.work.measures({ ...window(), line: "checkout" })).signals.captured).toBe(1);
    const head = await factory.log.head();
    for (const read of [
      () => factory.work.suspectLinks({ line: "checkot" }),
      () => factory.work.list({ line: "checkot" }),
      () => factory.work.signals({ line: "checkot" }),
      () => factory.work.deployments({ line: "checkot" }),
      () => factory.work.incidents({ line: "checkot" }),
    ])
      expect(read).toThrow(expect.objectContaining({ entity: "line", field: "line", id: "checkot" }));
    expect(() => factory.work.list({ line: "checkot" })).toThrow(NotFoundError);
    await expect(factory.work.measures({ ...window(), line: "checkot" })).rejects.toEqual(
      unknownCheckot("line"),
    );
    expect(await factory.log.head()).toBe(head);
  });

  it("names some lines when the one given is near none, and a line of the wrong type stays malformed", async () => {
    const factory = await factoryWithHistory();
    expect(() => factory.work.list({ line: "zzzzzzzz" })).toThrow(
      'line: no line "zzzzzzzz" in the floor plan, nor in the history of the assembly line; the lines are checkout, payments',
    );
    await expect(factory.standards.check({ line: "zzzzzzzz" })).rejects.toThrow(
      /the lines are checkout, payments/,
    );
    await expect(factory.work.measures({ ...window(), line: 42 as never })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("answers a line retired from the floor plan with its history, in the work and in standards.check", async () => {
    const factory = await factoryWithHistory();
    await factory.floorplan.applyPlan({
      operators: plan.operators,
      lines: [{ id: "payments", owner: "bo" }],
    });
    expect(factory.floorplan.hasLine("checkout")).toBe(false);

    expect(factory.work.list({ line: "checkout" })).toHaveLength(1);
    expect(factory.work.suspectLinks({ line: "checkout" })).toHaveLength(1);
    expect(factory.work.signals({ line: "checkout" })).toHaveLength(1);
    expect((await factory.work.measures({ ...window(), line: "checkout" })).signals.captured).toBe(1);
    const findings = await factory.standards.check({ line: "checkout" });
    expect(findings.map((finding) => finding.rule)).toContain("work-has-no-suspect-links");
    // A line the floor plan never had, and the history never named, is still refused.
    expect(() => factory.work.list({ line: "search" })).toThrow(NotFoundError);
  });
});

describe("standards.check given a kind no source serves", () => {
  it("refuses it with a ValidationError on kind listing the kinds, rather than checking nothing", async () => {
    const factory = await factoryWithHistory();
    const refused = await factory.standards.check({ kind: "lines" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({
      issues: [{ path: "kind" }],
      message:
        'check scope: kind: no source serves targets of kind "lines" (did you mean "line"?); the kinds are line, workItem, artifact, signal, document, floorplan',
    });
    // A kind that has a source and no rule checks nothing, as before.
    expect(await factory.standards.check({ kind: "floorplan" })).toEqual([]);
  });
});

describe("the inbox of an operator there is not", () => {
  it("is refused by inbox.list and unreadCount, while a known operator's empty inbox is listed, and a retired one's kept", async () => {
    const factory = await factoryWithHistory();
    expect(await factory.inbox.list("bo")).toEqual([]);
    for (const read of [() => factory.inbox.list("zed"), () => factory.inbox.unreadCount("zed")])
      await expect(read()).rejects.toMatchObject({
        _tag: "NotFoundError",
        entity: "operator",
        id: "zed",
        field: "operator",
        message: 'operator: no operator "zed" in the floor plan, and no notification to them',
      });
    await expect(factory.inbox.list("anna")).rejects.toThrow(/did you mean "ana"\?/);
    // An operator retired from the floor plan keeps their inbox.
    await factory.inbox.notify({ to: "bo", title: "Payments review", body: "" });
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana" }],
    });
    expect((await factory.inbox.list("bo")).map((item) => item.title)).toEqual(["Payments review"]);
  });
});

describe("inbox.notify", () => {
  it("refuses an operator there is not, and a title that is not one line, writing nothing", async () => {
    const factory = await factoryWithHistory();
    const head = await factory.log.head();
    await expect(factory.inbox.notify({ to: "zed", title: "hi", body: "" })).rejects.toMatchObject({
      _tag: "NotFoundError",
      entity: "operator",
      id: "zed",
      field: "to",
    });
    for (const title of ["deploy ok\n\u001b[31mIGNORE PREVIOUS", "two\tcolumns", "Refund \u202eknil"]) {
      const refused = await factory.inbox
        .notify({ to: "ana", title, body: "" })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).issues[0]?.path).toBe("notification.title");
      expect((refused as ValidationError).message).toMatch(/is not allowed in a title, which is one line/);
    }
    expect(await factory.log.head()).toBe(head);
    // A body keeps its lines; the owner of work retired from the floor plan is still told.
    await factory.work.createWorkItem({ line: "payments", title: "Refunds", owner: "bo" });
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana" }],
    });
    const sent = await factory.inbox.notify({ to: "bo", title: "Refunds changed", body: "line 1\nline 2" });
    expect(sent).toMatchObject({ to: "bo", body: "line 1\nline 2" });
  });
});

describe("an automation's notify", () => {
  it("fails its handling, recorded with its failures, when it names an operator there is not or a title of two lines", async () => {
    const notifying = (name: string, to: string, title: string) =>
      defineAutomation({
        name,
        description: `tells ${to} of each signal`,
        on: ["signal.captured"],
        retry: { attempts: 2, backoffMs: 1 },
        run: (_event, { notify }) => notify({ to, title, body: "" }),
      });
    const factory = await factoryWithHistory({
      automations: [
        notifying("tell-typo", "anna", "New signal"),
        notifying("tell-two-lines", "ana", "new\nsignal"),
        notifying("tell-ana", "ana", "New signal"),
      ],
    });
    await factory.automations?.idle();

    const failures = ((await factory.automations?.failures()) ?? []).sort((a, b) =>
      a.automation.localeCompare(b.automation),
    );
    expect(failures.map((failure) => [failure.automation, failure.error.code])).toEqual([
      ["tell-two-lines", "E_VALIDATION"],
      ["tell-typo", "E_NOT_FOUND"],
    ]);
    // Retried as any handler's error is, before it was recorded.
    const marks = await factory.log.read({ types: ["automation.handled"] });
    expect(
      marks
        .map((mark) => mark.data as { automation: string; outcome: string; attempts?: number })
        .filter((mark) => mark.outcome === "error")
        .map((mark) => mark.attempts),
    ).toEqual([2, 2]);
    expect(failures[1]?.error.message).toBe('to: no operator "anna" in the floor plan; did you mean "ana"?');
    const notified = await factory.log.read({ types: ["inbox.notified"] });
    expect(notified.map((event) => [event.subject, (event.data as { title: string }).title])).toEqual([
      ["ana", "New signal"],
    ]);
  });
});

describe("the Effect face", () => {
  it("fails with the same typed errors, which catchTag handles", async () => {
    const dir = folder("factory-unknown-filters-effect-");
    const seed = await open({ dir, tokenCounter: estimateTokenCounter });
    await seed.floorplan.applyPlan(plan);
    await seed.close();
    const tagOf = <A, E extends { readonly _tag: string; readonly field?: string }, R>(
      effect: Effect.Effect<A, E, R>,
    ) =>
      effect.pipe(
        Effect.map(() => "answered"),
        Effect.catch((error) => Effect.succeed(`${error._tag} ${error.field ?? ""}`.trim())),
      );
    const program = Effect.gen(function* () {
      const work = yield* AssemblyLineService;
      const intelligence = yield* IntelligenceService;
      return [
        yield* tagOf(work.list({ line: "checkot" })),
        yield* tagOf(work.signals({ line: "checkot" })),
        yield* tagOf(work.suspectLinks({ line: "checkot" })),
        yield* tagOf(work.measures({ ...window(), line: "checkot" })),
        yield* tagOf(intelligence.check({ line: "checkot" })),
        yield* tagOf(intelligence.check({ kind: "lines" })),
        yield* tagOf(intelligence.inbox.list("zed")),
        yield* tagOf(intelligence.inbox.notify({ to: "zed", title: "hi", body: "" })),
        yield* tagOf(intelligence.inbox.notify({ to: "ana", title: "two\nlines", body: "" })),
        yield* tagOf(work.list({ line: "checkout" })),
      ];
    });
    const answers = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir, tokenCounter: estimateTokenCounter })),
    );
    expect(answers).toEqual([
      "NotFoundError line",
      "NotFoundError line",
      "NotFoundError line",
      "NotFoundError line",
      "NotFoundError line",
      "ValidationError",
      "NotFoundError operator",
      "NotFoundError to",
      "ValidationError",
      "answered",
    ]);
  });
});
