/**
 * A handler that says its failure is permanent (a PermanentFailureError, or
 * any error with `retriable: false`), thrown or as its Effect's failure: it
 * is called once, not as many times as its retry policy allows, its event is
 * listed as failed at once, and `automations.retry` runs it again.
 */
import {
  type Automation,
  defineAutomation,
  type Factory,
  openFactory,
  PermanentFailureError,
} from "@software-factory/intelligence";
import * as Data from "effect/Data";
import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";
import { CAPTURED, handledMarkEvents, source } from "./capturedDocuments.js";

const { folder, open } = useTempFactories();

/** An automation on captured documents that may call its handler 5 times, with the given handler. */
function onCaptured(name: string, run: Automation["run"]): Automation {
  return defineAutomation({
    name,
    description: `${name} on each captured document`,
    on: [CAPTURED],
    retry: { attempts: 5, backoffMs: 1 },
    run,
  });
}

/** The data of the `automation.handled` marks of the log. */
async function handledMarks(factory: Factory) {
  return (await handledMarkEvents(factory)).map((event) => event.data);
}

/** A receiver's own error, which says it is not worth retrying. */
class PagerRefused extends Data.TaggedError("PagerRefused")<{ readonly message: string }> {
  readonly code = "E_PAGER_REFUSED";
  readonly retriable = false;
}

describe("a handler that fails permanently", () => {
  it("is called once, not as many times as its retry policy allows, and its failure is listed at once", async () => {
    const calls: number[] = [];
    const refuses = onCaptured("refuses", (_event, { attempt }) => {
      calls.push(attempt);
      throw new PermanentFailureError({ message: "the pager refused the page: unknown team" });
    });
    const factory = await open({ dir: folder("factory-permanent-failures-"), automations: [refuses] });
    await factory.knowledge.capture({ kind: "note", title: "Page", body: "b", source });
    const captured = (await factory.log.read({ types: [CAPTURED] }))[0];
    await factory.automations?.idle();

    expect(calls).toEqual([1]);
    expect(await factory.automations?.failures()).toEqual([
      {
        automation: "refuses",
        event: captured?.id,
        eventSeq: captured?.seq,
        error: { code: "E_PERMANENT_FAILURE", message: "the pager refused the page: unknown team" },
        permanent: true,
      },
    ]);
    expect(await handledMarks(factory)).toEqual([
      {
        automation: "refuses",
        event: captured?.id,
        eventSeq: captured?.seq,
        outcome: "error",
        error: { code: "E_PERMANENT_FAILURE", message: "the pager refused the page: unknown team" },
        emitted: 0,
        attempts: 1,
        permanent: true,
      },
    ]);
  });

  it("is called once when its Effect fails with a PermanentFailureError, and listed at once", async () => {
    let calls = 0;
    const refuses = onCaptured("refuses-in-effect", () =>
      Effect.suspend(() => {
        calls += 1;
        return Effect.fail(new PermanentFailureError({ message: "the document is gone" }));
      }),
    );
    const factory = await open({ dir: folder("factory-permanent-failures-"), automations: [refuses] });
    await factory.knowledge.capture({ kind: "note", title: "Gone", body: "b", source });
    await factory.automations?.idle();

    expect(calls).toBe(1);
    expect(await factory.automations?.failures()).toEqual([
      expect.objectContaining({
        automation: "refuses-in-effect",
        error: { code: "E_PERMANENT_FAILURE", message: "the document is gone" },
        permanent: true,
      }),
    ]);
    expect(await handledMarks(factory)).toMatchObject([{ outcome: "error", attempts: 1, permanent: true }]);
  });

  it("keeps the code of its own error when that error says retriable: false", async () => {
    let calls = 0;
    const refuses = onCaptured("refuses-own-error", () =>
      Effect.suspend(() => {
        calls += 1;
        return Effect.fail(new PagerRefused({ message: "no such team" }));
      }),
    );
    const factory = await open({ dir: folder("factory-permanent-failures-"), automations: [refuses] });
    await factory.knowledge.capture({ kind: "note", title: "Page", body: "b", source });
    await factory.automations?.idle();

    expect(calls).toBe(1);
    expect(await factory.automations?.failures()).toEqual([
      expect.objectContaining({
        error: { code: "E_PAGER_REFUSED", message: "no such team" },
        permanent: true,
      }),
    ]);
  });

  it("stops at a permanent failure after passing ones, and is listed without permanent when every attempt failed", async () => {
    const attempts: Record<string, number[]> = { "down-then-refuses": [], "always-down": [] };
    const automations = [
      onCaptured("down-then-refuses", (_event, { attempt }) => {
        attempts["down-then-refuses"]?.push(attempt);
        if (attempt < 3) throw new Error("the pager is down");
        throw new PermanentFailureError({ message: "the pager refused the page" });
      }),
      onCaptured("always-down", (_event, { attempt }) => {
        attempts["always-down"]?.push(attempt);
        throw new Error("the pager is down");
      }),
    ];
    const factory = await open({ dir: folder("factory-permanent-failures-"), automations });
    await factory.knowledge.capture({ kind: "note", title: "Page", body: "b", source });
    await factory.automations?.idle();

    expect(attempts).toEqual({ "down-then-refuses": [1, 2, 3], "always-down": [1, 2, 3, 4, 5] });
    const failures = (await factory.automations?.failures()) ?? [];
    const byName = Object.fromEntries(failures.map((failure) => [failure.automation, failure]));
    expect(byName["down-then-refuses"]).toMatchObject({ permanent: true });
    expect(byName["always-down"]).not.toHaveProperty("permanent");
    const marks = Object.fromEntries((await handledMarks(factory)).map((mark) => [mark.automation, mark]));
    expect(marks["down-then-refuses"]).toMatchObject({ attempts: 3, permanent: true });
    expect(marks["always-down"]).toMatchObject({ attempts: 5 });
    expect(marks["always-down"]).not.toHaveProperty("permanent");
  });

  it("runs again on automations.retry, once per retry, and a fixed cause clears the failure", async () => {
    let fixed = false;
    let calls = 0;
    const refuses = onCaptured("refuses-until-fixed", () => {
      calls += 1;
      if (!fixed) throw new PermanentFailureError({ message: "the pager does not know team checkout" });
    });
    const factory = await open({ dir: folder("factory-permanent-failures-"), automations: [refuses] });
    await factory.knowledge.capture({ kind: "note", title: "Page", body: "b", source });
    await factory.automations?.idle();
    const [failure] = (await factory.automations?.failures()) ?? [];
    if (failure === undefined) throw new Error("no failure listed");
    expect(calls).toBe(1);

    expect(await factory.automations?.retry("refuses-until-fixed", failure.event)).toEqual({
      outcome: "error",
      error: { code: "E_PERMANENT_FAILURE", message: "the pager does not know team checkout" },
      permanent: true,
    });
    expect(calls).toBe(2);
    expect(await factory.automations?.failures()).toEqual([{ ...failure }]);

    fixed = true;
    expect(await factory.automations?.retry("refuses-until-fixed", failure.event)).toEqual({ outcome: "ok" });
    expect(calls).toBe(3);
    expect(await factory.automations?.failures()).toEqual([]);
    expect(await handledMarks(factory)).toMatchObject([
      { outcome: "error", attempts: 1, permanent: true },
      { outcome: "error", attempts: 1, permanent: true, retry: 1 },
      { outcome: "ok", attempts: 1, retry: 2 },
    ]);
  });

  it("is not run again by the next start, which handles the events after it once, and can still be retried", async () => {
    const dir = folder("factory-permanent-failures-");
    const calls: string[] = [];
    const refusesFirst = (title: string) =>
      onCaptured("refuses-first", (event) => {
        calls.push(`${title}:${event.seq}`);
        if (calls.length === 1) throw new PermanentFailureError({ message: "refused" });
      });
    const first = await openFactory({ dir, automations: [refusesFirst("first")] });
    await first.knowledge.capture({ kind: "note", title: "One", body: "b", source });
    await first.knowledge.capture({ kind: "note", title: "Two", body: "b", source });
    await first.automations?.idle();
    await first.close();

    const second = await open({ dir, automations: [refusesFirst("second")] });
    await second.knowledge.capture({ kind: "note", title: "Three", body: "b", source });
    await second.automations?.idle();
    const seqs = (await second.log.read({ types: [CAPTURED] })).map((event) => event.seq);
    expect(calls).toEqual([`first:${seqs[0]}`, `first:${seqs[1]}`, `second:${seqs[2]}`]);
    const [failure] = (await second.automations?.failures()) ?? [];
    expect(failure).toMatchObject({ eventSeq: seqs[0], permanent: true });

    expect(await second.automations?.retry("refuses-first", failure?.event ?? "")).toEqual({ outcome: "ok" });
    expect(calls).toEqual([`first:${seqs[0]}`, `first:${seqs[1]}`, `second:${seqs[2]}`, `second:${seqs[0]}`]);
    expect(await second.automations?.failures()).toEqual([]);
  });
});
