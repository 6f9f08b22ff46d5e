/**
 * An assembly event stored at a newer version than this code defines, met
 * by the assembly line's Effect face: a typed `EventVersionError` in the
 * error channel, as the face's error type says, not a defect.
 */
import { EventVersionError, makeAssemblyLineShape } from "@software-factory/core";
import { Cause, Effect, Exit } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { appendNewerEvent, NEWER_WORK_ITEM } from "../fixtures/newerEvent.js";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("the assembly line's Effect face over a log holding a newer assembly event", () => {
  it("fails refresh with the EventVersionError, typed", async () => {
    factory = await openTestFactory();
    await factory.line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await appendNewerEvent(factory.path, NEWER_WORK_ITEM);
    const exit = await Effect.runPromiseExit(makeAssemblyLineShape(factory.line).refresh);
    const failed = Exit.isFailure(exit) ? exit.cause.reasons.find(Cause.isFailReason) : undefined;
    expect(failed?.error).toBeInstanceOf(EventVersionError);
    expect(failed?.error).toMatchObject({ type: "work.created", version: 9, code: "E_EVENT_VERSION" });
  });
});
