import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClosedError, createMemoryEventStore, type StoredEvent } from "@software-factory/core";
import { defineAutomation, estimateTokenCounter, openFactory } from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A factory over a memory store with an automation that, once it has begun on
 * a captured document, waits while the test closes the store under it, then
 * notifies: its handling then cannot be recorded.
 */
async function storeClosedUnderAutomation(
  onAutomationError?: (error: unknown, automation: string, event: StoredEvent) => void,
) {
  const dir = mkdtempSync(join(tmpdir(), "factory-automation-errors-"));
  dirs.push(dir);
  const store = createMemoryEventStore();
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let began = () => {};
  const handling = new Promise<void>((resolve) => {
    began = resolve;
  });
  const waits = defineAutomation({
    name: "waits",
    description: "Waits on each captured document until the test lets it go, then tells ana.",
    on: ["knowledge.document.captured"],
    run: async (_event, { notify }) => {
      began();
      await gate;
      notify({ to: "ana", title: "A document was captured", body: "" });
    },
  });
  const factory = await openFactory({
    dir,
    store,
    automations: [waits],
    tokenCounter: estimateTokenCounter,
    ...(onAutomationError === undefined ? {} : { onAutomationError }),
  });
  await factory.knowledge.capture({ kind: "note", title: "Retries", body: "b", source: { system: "test" } });
  await handling;
  await store.close();
  release();
  return factory;
}

describe("an automation whose handling cannot be recorded", () => {
  it("is told to onAutomationError with the error, the automation and the event", async () => {
    const told: { error: unknown; automation: string; event: StoredEvent }[] = [];
    let heard = () => {};
    const reported = new Promise<void>((resolve) => {
      heard = resolve;
    });
    const factory = await storeClosedUnderAutomation((error, automation, event) => {
      told.push({ error, automation, event });
      heard();
    });
    await reported;
    await factory.close();

    expect(told[0]?.error).toBeInstanceOf(ClosedError);
    expect(told[0]?.automation).toBe("waits");
    expect(told[0]?.event.type).toBe("knowledge.document.captured");
  });

  it("is a process warning FACTORY_AUTOMATION_FAILED naming them by default", async () => {
    const warnings: Error[] = [];
    let heard = () => {};
    const warned = new Promise<void>((resolve) => {
      heard = resolve;
    });
    const listener = (warning: Error) => {
      if ((warning as { code?: string }).code !== "FACTORY_AUTOMATION_FAILED") return;
      warnings.push(warning);
      heard();
    };
    process.on("warning", listener);
    try {
      const factory = await storeClosedUnderAutomation();
      await warned;
      await factory.close();
    } finally {
      process.off("warning", listener);
    }

    expect(warnings[0]?.message).toMatch(
      /^automation "waits" could not record its handling of event evt_\w+ \(knowledge\.document\.captured, seq 1\): the memory event store is closed; it retries every second$/,
    );
  });

  it("refuses an onAutomationError that is not a function, naming the option", async () => {
    await expect(
      openFactory({ dir: "unused", onAutomationError: "log" as unknown as () => void }),
    ).rejects.toThrow(
      "openFactory options is invalid: onAutomationError: must be a function (error, automation, event)",
    );
  });
});
