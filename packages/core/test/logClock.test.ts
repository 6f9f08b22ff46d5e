import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, manualClock, openEventLog, systemClock } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-log-clock-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const Noted = defineEvent("test.noted", z.object({ text: z.string() }));

describe("EventLog.clock", () => {
  it("is the clock the log stamps its events with, for the parts folded from it to read", async () => {
    const clock = manualClock("2030-05-06T07:08:09.000Z");
    const log = await openEventLog({ path: join(dir, "factory.db"), events: [Noted], clock });
    try {
      const [event] = await log.append({ type: "test.noted", subject: "n_1", data: { text: "hi" } });

      expect(log.clock).toBe(clock);
      expect(event?.at).toBe(log.clock.now().toISOString());
    } finally {
      await log.close();
    }
  });

  it("is the machine's clock when the log was opened without one", async () => {
    const log = await openEventLog({ path: join(dir, "factory.db") });
    try {
      expect(log.clock).toBe(systemClock);
    } finally {
      await log.close();
    }
  });
});
