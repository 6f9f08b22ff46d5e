import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConcurrencyConflictError,
  NotFoundError,
  openEventLog,
  retryOnConflict,
  ValidationError,
} from "@software-factory/core";
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A write that always loses the race, counting its calls. */
function alwaysConflicting(): { calls: number; attempt: () => Promise<never> } {
  const counter = {
    calls: 0,
    attempt: async (): Promise<never> => {
      counter.calls++;
      throw new ConcurrencyConflictError({
        message: `conflict ${counter.calls}`,
        expected: counter.calls,
        actual: counter.calls + 1,
      });
    },
  };
  return counter;
}

describe("retryOnConflict", () => {
  it("lands every one of several writers racing on a real log, deciding again after each conflict", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-retry-"));
    dirs.push(dir);
    const log = await openEventLog({ path: join(dir, "factory.db"), events: [NoteAdded] });
    let calls = 0;
    const write = (writer: number) =>
      retryOnConflict(
        async () => {
          calls++;
          const head = await log.head();
          await new Promise((resolve) => setImmediate(resolve));
          return log.append(
            {
              type: "note.added",
              subject: `note_${writer}`,
              data: { text: `writer ${writer} after ${head}` },
            },
            { expectedHead: head },
          );
        },
        { maxBackoffMs: 5 },
      );

    const landed = await Promise.all(Array.from({ length: 8 }, (_, writer) => write(writer)));

    expect(
      landed
        .flat()
        .map((event) => event.seq)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(calls).toBeGreaterThan(8);
    expect(await log.head()).toBe(8);
    await log.close();
  });

  it("returns what the first attempt returns when it does not conflict, without another call", async () => {
    const attempt = vi.fn(async () => "landed");

    await expect(retryOnConflict(attempt, { maxBackoffMs: 5 })).resolves.toBe("landed");
    expect(attempt).toHaveBeenCalledTimes(1);
    expectTypeOf(retryOnConflict(attempt, { maxBackoffMs: 5 })).resolves.toEqualTypeOf<string>();
  });

  it("throws an error other than a conflict at once, without another attempt", async () => {
    const missing = new NotFoundError({ message: "no line l9", entity: "line", id: "l9" });
    const attempt = vi.fn(async () => {
      throw missing;
    });
    const onGiveUp = vi.fn(() => new Error("not used"));

    await expect(retryOnConflict(attempt, { attempts: 5, maxBackoffMs: 5, onGiveUp })).rejects.toBe(missing);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it("gives up after the given number of attempts with the error the caller makes of the last conflict", async () => {
    const write = alwaysConflicting();
    const onGiveUp = vi.fn(
      (last: ConcurrencyConflictError, attempts: number) =>
        new ConcurrencyConflictError({
          message: `busy: ${attempts} attempts, the last one: ${last.message}`,
          expected: last.expected,
          actual: last.actual,
        }),
    );

    const failure = retryOnConflict(write.attempt, { attempts: 4, maxBackoffMs: 0, onGiveUp });

    await expect(failure).rejects.toMatchObject({
      _tag: "ConcurrencyConflictError",
      message: "busy: 4 attempts, the last one: conflict 4",
      expected: 4,
      actual: 5,
    });
    expect(write.calls).toBe(4);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
  });

  it("gives up with the last conflict itself when the caller makes no error, after 50 attempts by default", async () => {
    const write = alwaysConflicting();

    await expect(retryOnConflict(write.attempt, { maxBackoffMs: 0 })).rejects.toMatchObject({
      _tag: "ConcurrencyConflictError",
      message: "conflict 50",
    });
    expect(write.calls).toBe(50);
  });

  it("waits between attempts, longer after each conflict but never longer than maxBackoffMs", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.9999);
    const startedAt: number[] = [];
    const write = alwaysConflicting();
    const attempt = () => {
      startedAt.push(Date.now());
      return write.attempt();
    };

    const settled = retryOnConflict(attempt, { attempts: 20, maxBackoffMs: 10 }).catch(
      (error: unknown) => error,
    );
    await vi.runAllTimersAsync();

    expect(await settled).toBeInstanceOf(ConcurrencyConflictError);
    expect(write.calls).toBe(20);
    const pauses = startedAt.slice(1).map((at, index) => at - (startedAt[index] as number));
    expect(pauses).toEqual([...pauses].sort((a, b) => a - b));
    expect(Math.max(...pauses)).toBeLessThanOrEqual(10);
    expect(pauses.filter((pause) => pause >= 9)).toHaveLength(16);
  });

  it("refuses an attempt count or a cap it cannot honour, naming the option, without running the write", async () => {
    const attempt = vi.fn(async () => "landed");

    for (const attempts of [0, -1, 1.5, Number.NaN]) {
      await expect(retryOnConflict(attempt, { attempts, maxBackoffMs: 5 })).rejects.toMatchObject({
        _tag: "ValidationError",
        issues: [
          {
            path: "attempts",
            message: `retryOnConflict: attempts must be a whole number of at least 1, got ${attempts}`,
          },
        ],
      });
    }
    for (const maxBackoffMs of [-1, Number.POSITIVE_INFINITY, Number.NaN]) {
      await expect(retryOnConflict(attempt, { maxBackoffMs })).rejects.toMatchObject({
        _tag: "ValidationError",
        issues: [
          {
            path: "maxBackoffMs",
            message: `retryOnConflict: maxBackoffMs must be a finite number of at least 0, got ${maxBackoffMs}`,
          },
        ],
      });
    }
    await expect(retryOnConflict(attempt, { attempts: 0, maxBackoffMs: -1 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(retryOnConflict(attempt, { attempts: 0, maxBackoffMs: -1 })).rejects.toMatchObject({
      issues: [{ path: "attempts" }, { path: "maxBackoffMs" }],
    });
    expect(attempt).not.toHaveBeenCalled();
  });
});
