import { NotFoundError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";
import { failure } from "./fixtures/failures.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("ids no entity has", () => {
  it("are quoted cut to 80 characters with their length, not echoed whole", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const long = "x".repeat(1_000_000);
    const shown = `"${"x".repeat(80)}…" (1,000,000 characters)`;
    const calls: [() => Promise<unknown>, string][] = [
      [() => line.advance(long), `no work item ${shown}`],
      [() => line.routeSignal(long, "checkout"), `no signal ${shown}`],
      [() => line.resolveIncident(long), `no incident ${shown}`],
      [() => line.reviewLink(long, { verdict: "keep" }), `no trace link ${shown}`],
    ];
    for (const [call, message] of calls) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toBe(message);
      expect((error as NotFoundError).id).toBe(long);
    }
    // A short id is quoted whole, as before.
    await expect(line.advance("wi_nope")).rejects.toThrow('no work item "wi_nope"');
  });
});
