/**
 * A refused move is told in the user's words (`cannot send work item wi_1
 * back`), not by the method's name (`sendBack`), which stays the error's
 * `move` field for programs.
 */
import { ConcurrencyConflictError, IllegalTransitionError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** The error a call rejects with. */
async function refusal(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("a refused move", () => {
  it("says a send back at the first stage cannot send the item back, and why", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const error = await refusal(factory.line.sendBack(item.id, { reason: "unclear scope" }));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ move: "sendBack", stage: "intake" });
    expect(error.message).toBe(
      `cannot send work item ${item.id} back (stage "intake", active): it is at the first stage of flow "standard", so no stage comes before it`,
    );
  });

  it("names every move in words when the item's state does not allow it", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    await line.drop(item.id, { reason: "customer churned" });
    const at = `work item ${item.id}`;
    const cases: [call: Promise<unknown>, move: string, message: string][] = [
      [line.advance(item.id), "advance", `cannot advance ${at}`],
      [line.sendBack(item.id, { reason: "no" }), "sendBack", `cannot send ${at} back`],
      [line.block(item.id, { reason: "no" }), "block", `cannot block ${at}`],
      [line.unblock(item.id), "unblock", `cannot unblock ${at}`],
      [line.drop(item.id, { reason: "twice" }), "drop", `cannot drop ${at}`],
      [line.complete(item.id), "complete", `cannot complete ${at}`],
      [line.assign(item.id, { owner: "sam" }), "assign", `cannot assign ${at}`],
    ];
    const why: Record<string, string> = {
      advance: "only an active work item can be advanced",
      sendBack: "only an active work item can be sent back",
      block: "only an active work item can be blocked",
      unblock: "only a blocked work item can be unblocked",
      drop: "only an active or blocked work item can be dropped",
      complete: "only an active work item can be completed",
      assign: "only an active or blocked work item can be assigned",
    };
    for (const [call, move, message] of cases) {
      const error = await refusal(call);
      expect(error, move).toBeInstanceOf(IllegalTransitionError);
      expect(error, move).toMatchObject({ move });
      expect(error.message, move).toBe(`${message} (stage "intake", dropped): it is dropped; ${why[move]}`);
    }
  });

  it("says a send back overtaken by another write was trying to send the item back", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const advanced = await line.advance(item.id);
    const error = await refusal(
      line.sendBack(item.id, { reason: "unclear scope" }, { expectedVersion: item.version }),
    );
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect(error.message).toContain(
      `work item ${item.id} changed while trying to send it back: expected version ${item.version}, found ${advanced.version}`,
    );
  });
});
