import { ValidationError, WipLimitError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("move messages", () => {
  it("say '1 item in progress', and call an unblock's reason a reason", async () => {
    factory = await openTestFactory({ lines: { ownerOf: () => "olivia", wipLimitOf: () => 1 } });
    const { line } = factory;
    const first = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
    const second = await line.createWorkItem({ line: "checkout", title: "Refunds" });
    await line.advance(first.id);
    const full = await line.advance(second.id).catch((thrown: unknown) => thrown);
    expect(full).toBeInstanceOf(WipLimitError);
    expect((full as WipLimitError).message).toBe(
      `work item ${second.id} cannot enter "requirements" from "intake": line checkout has 1 item in progress, its WIP limit is 1 (pass overrideWip with a reason to go past it)`,
    );
    await line.block(first.id, { reason: "waiting for legal" });
    const long = await line
      .unblock(first.id, { reason: "x".repeat(2001) })
      .catch((thrown: unknown) => thrown);
    expect(long).toBeInstanceOf(ValidationError);
    expect((long as ValidationError).message).toBe(
      "unblock is invalid: reason: a reason is at most 2000 characters",
    );
  });
});
