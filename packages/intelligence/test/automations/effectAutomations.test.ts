/**
 * Automations whose handler returns an Effect: it runs once per event, its
 * failures and defects are retried and recorded as a thrown error is, and a
 * close interrupts it, running its finalizers.
 */
import { type Automation, defineAutomation, openFactory } from "@software-factory/intelligence";
import { Context, Effect } from "effect";
import { describe, expect, expectTypeOf, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const CAPTURED = "knowledge.document.captured";
const source = { system: "test" };
/** The floor plan declaring ana, whom the handlers notify (a notification to an operator there is not is refused). */
const plan = { operators: [{ id: "ana" }], lines: [{ id: "docs", owner: "ana" }] };

/** An automation on captured documents, retried once after 1 ms, with the given handler. */
function onCaptured(name: string, run: Automation["run"]): Automation {
  return defineAutomation({
    name,
    description: `${name} on each captured document`,
    on: [CAPTURED],
    retry: { attempts: 2, backoffMs: 1 },
    run,
  });
}

/** A promise and the function that resolves it. */
function signal(): { readonly reached: Promise<void>; readonly reach: () => void } {
  let reach = (): void => undefined;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  return { reached, reach };
}

describe("an automation whose handler is an Effect", () => {
  it("runs once per event, landing what it notifies with the handled mark", async () => {
    const calls: string[] = [];
    const welcome = onCaptured("welcome-documents", (event, { notify }) =>
      Effect.gen(function* () {
        yield* Effect.yieldNow;
        calls.push(event.subject);
        notify({ to: "ana", title: `Captured ${event.subject}`, body: "" });
      }),
    );
    const factory = await open({ dir: folder("factory-effect-automations-"), automations: [welcome] });
    await factory.floorplan.applyPlan(plan);
    const ids: string[] = [];
    for (const title of ["One", "Two", "Three"])
      ids.push((await factory.knowledge.capture({ kind: "note", title, body: title, source })).id);
    await factory.automations?.idle();

    expect(calls).toEqual(ids);
    const notified = await factory.log.read({ types: ["inbox.notified"] });
    expect(notified.map((event) => (event.data as { title: string }).title)).toEqual(
      ids.map((id) => `Captured ${id}`),
    );
    const handled = await factory.log.read({ types: ["automation.handled"] });
    expect(handled.map((event) => event.data)).toMatchObject([
      { outcome: "ok", attempts: 1, emitted: 1 },
      { outcome: "ok", attempts: 1, emitted: 1 },
      { outcome: "ok", attempts: 1, emitted: 1 },
    ]);
  });

  it("is retried and recorded as failed when its Effect fails or dies, as a handler that throws is", async () => {
    const calls = new Map<string, number>();
    const counted = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
    const automations = [
      onCaptured("throws", () => {
        counted("throws");
        throw new RangeError("the model is down");
      }),
      onCaptured("fails", () =>
        Effect.suspend(() => {
          counted("fails");
          return Effect.fail(new RangeError("the model is down"));
        }),
      ),
      onCaptured("dies", () =>
        Effect.suspend(() => {
          counted("dies");
          return Effect.die(new RangeError("the model is down"));
        }),
      ),
    ];
    const factory = await open({ dir: folder("factory-effect-automations-"), automations });
    await factory.knowledge.capture({ kind: "note", title: "Poison", body: "b", source });
    await factory.automations?.idle();

    expect(Object.fromEntries(calls)).toEqual({ throws: 2, fails: 2, dies: 2 });
    const failed = await factory.automations?.failures();
    const byName = new Map(failed?.map((failure) => [failure.automation, failure.error]));
    const error = { code: "HANDLER_FAILED", message: "the model is down" };
    expect(Object.fromEntries(byName)).toEqual({ throws: error, fails: error, dies: error });
    const handled = await factory.log.read({ types: ["automation.handled"] });
    expect(handled.map((event) => event.data)).toMatchObject([
      { outcome: "error", attempts: 2, error },
      { outcome: "error", attempts: 2, error },
      { outcome: "error", attempts: 2, error },
    ]);
  });

  it("is interrupted when the factory closes, its finalizer runs, and its event is handled at the next start", async () => {
    const dir = folder("factory-effect-automations-");
    const steps: string[] = [];
    const started = signal();
    const waits = onCaptured("waits-for-ever", () =>
      Effect.gen(function* () {
        steps.push("started");
        started.reach();
        yield* Effect.never;
      }).pipe(Effect.ensuring(Effect.sync(() => steps.push("finalizer ran")))),
    );
    const first = await openFactory({ dir, automations: [waits] });
    await first.floorplan.applyPlan(plan);
    await first.knowledge.capture({ kind: "note", title: "Held", body: "b", source });
    await started.reached;
    await first.close();

    expect(steps).toEqual(["started", "finalizer ran"]);
    const handledNow = onCaptured("waits-for-ever", (_event, { notify }) =>
      Effect.sync(() => notify({ to: "ana", title: "Handled at last", body: "" })),
    );
    const second = await open({ dir, automations: [handledNow] });
    await second.automations?.idle();
    const handled = await second.log.read({ types: ["automation.handled"] });
    expect(handled.map((event) => event.data)).toMatchObject([{ outcome: "ok", attempts: 1, emitted: 1 }]);
  });

  it("takes an Effect that fails with anything and needs no service, in its type", () => {
    class Service extends Context.Service<Service, { readonly ok: boolean }>()("Service") {}
    type Returned = ReturnType<Automation["run"]>;
    expectTypeOf<Effect.Effect<void, RangeError>>().toExtend<Returned>();
    expectTypeOf<Effect.Effect<void, never, Service>>().not.toExtend<Returned>();
  });
});
