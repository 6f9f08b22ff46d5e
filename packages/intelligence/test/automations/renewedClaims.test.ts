/**
 * An exclusive automation's holder renews its claim while its handler runs:
 * a second process does not take over a handling that runs many times the
 * lease while its holder lives, and still takes over the claim of a holder
 * killed mid-handler; a renewal that fails is told to `onError`, the handler
 * going on.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type EventLog, openEventLog } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import {
  type Automation,
  AutomationClaimed,
  AutomationHandled,
  AutomationRenewed,
  ClaimRenewalError,
  defineAutomation,
  startAutomations,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { startFixture } from "../../../core/test/fixtures/runChild.js";
import { NoteAdded } from "../fixtures/counting.js";
import { addNotes, useNoteLogs } from "./noteLogs.js";

const logs = useNoteLogs("factory-renewed-");
const holderChild = join(import.meta.dirname, "renewingHolderChild.ts");

/** A short lease: without renewals, a handler holding its event for a second would be taken over. */
const LEASE_MS = 600;

/** The automation as this process runs it: `note-effects`, exclusive with the short lease, telling `calls` of each event. */
function noting(calls: string[]): Automation {
  return defineAutomation({
    name: "note-effects",
    description: "Has an effect outside the log for each note.",
    on: [NoteAdded.type],
    exclusive: { leaseMs: LEASE_MS },
    run: (event) => void calls.push(event.id),
  });
}

/** The data of the log's events of `type`. */
async function dataOf(log: EventLog, type: string): Promise<Record<string, unknown>[]> {
  return (await log.read({ types: [type] })).map((event) => event.data as Record<string, unknown>);
}

/** Starts the holder child on the log at `path`, its handler holding its event until `gate` exists; killed after the test. */
async function holder(path: string, gate: string) {
  const started = await startFixture(holderChild, [path, String(LEASE_MS), gate], "holding");
  logs.defer(async () => {
    started.child.kill("SIGKILL");
    await started.exited;
  });
  return started;
}

/** Resolves once the log holds a claim renewal (polling it). */
async function renewal(log: EventLog): Promise<void> {
  while ((await log.read({ types: [AutomationRenewed.type], limit: 1 })).length === 0) await sleep(20);
}

describe("an exclusive automation's claim", () => {
  it("is not taken over by another process while its holder lives, though its handler runs three times its lease", async () => {
    const path = logs.path();
    const log = await logs.open(path);
    const [note] = await addNotes(log, 1);
    const gate = join(dirname(path), "gate");
    const { child } = await holder(path, gate);
    const calls: string[] = [];
    const taker = await startAutomations({ log, automations: [noting(calls)], services: {} });
    logs.defer(() => taker.close());

    // Three leases after the claim, by the log's clock, the holder's handler still runs.
    const [claim] = await log.read({ types: [AutomationClaimed.type] });
    const until = Date.parse(claim?.at ?? "") + 3 * LEASE_MS;
    while (log.clock.now().getTime() < until) await sleep(50);
    expect(calls).toEqual([]);
    writeFileSync(gate, "");
    await taker.idle();

    expect(calls).toEqual([]);
    expect(await dataOf(log, AutomationClaimed.type)).toEqual([
      expect.objectContaining({ event: note?.id, generation: 1, pid: child.pid }),
    ]);
    expect(await dataOf(log, AutomationHandled.type)).toEqual([
      expect.objectContaining({ event: note?.id, outcome: "ok" }),
    ]);
    const renewals = await dataOf(log, AutomationRenewed.type);
    expect(renewals.length).toBeGreaterThan(0);
    expect(renewals.every((renewed) => renewed.generation === 1 && renewed.event === note?.id)).toBe(true);
  }, 120_000);

  it("is taken over from a holder killed mid-handler on the same host, its renewals notwithstanding", async () => {
    const path = logs.path();
    const log = await logs.open(path);
    const [note] = await addNotes(log, 1);
    const { child, exited } = await holder(path, join(dirname(path), "never"));
    const calls: string[] = [];
    const taker = await startAutomations({ log, automations: [noting(calls)], services: {} });
    logs.defer(() => taker.close());
    await renewal(log);

    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    await taker.idle();

    expect(calls).toEqual([note?.id]);
    expect(await dataOf(log, AutomationClaimed.type)).toEqual([
      expect.objectContaining({ event: note?.id, generation: 1, pid: child.pid }),
      expect.objectContaining({ event: note?.id, generation: 2, pid: process.pid }),
    ]);
    expect(await dataOf(log, AutomationHandled.type)).toEqual([
      expect.objectContaining({ event: note?.id, outcome: "ok" }),
    ]);
  }, 120_000);

  it("tells onError of a renewal that failed, and its handler goes on", async () => {
    // The holder's store, closed underneath it mid-handling: its renewals fail (and its mark, and its release).
    const store = openSqliteEventStore({ path: logs.path() });
    const log = await openEventLog({ store, events: [NoteAdded] });
    logs.defer(() => log.close().catch(() => undefined));
    const [note] = await addNotes(log, 1);
    const heard: { error: unknown; automation: string; event: string }[] = [];
    let ended = false;
    const runner = await startAutomations({
      log,
      automations: [
        defineAutomation({
          name: "note-effects",
          description: "Runs on through a failing store.",
          on: [NoteAdded.type],
          exclusive: { leaseMs: 30 },
          run: async () => {
            await store.close();
            while (!heard.some(({ error }) => error instanceof ClaimRenewalError)) await sleep(10);
            ended = true;
          },
        }),
      ],
      services: {},
      onError: (error, automation, event) => heard.push({ error, automation, event: event.id }),
    });
    logs.defer(() => runner.close());
    while (!ended) await sleep(10);

    const [renewal] = heard.filter(({ error }) => error instanceof ClaimRenewalError);
    expect(renewal).toEqual({
      error: expect.any(ClaimRenewalError),
      automation: "note-effects",
      event: note?.id,
    });
    expect(renewal?.error).toMatchObject({
      code: "E_CLAIM_RENEWAL",
      automation: "note-effects",
      event: note?.id,
      message: expect.stringMatching(
        /^automation "note-effects" could not renew its claim on event \S+ \(generation 1\) while its handler runs: .+; the handler goes on, and the renewal is tried again in 10 ms$/,
      ),
    });
  });
});
