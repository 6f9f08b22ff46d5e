/**
 * A skill run holding an idempotency key renews its claim while its handler
 * runs: a retry from another process is refused while the holder lives,
 * though the run takes three times the lease, and takes the key over from a
 * holder killed mid-run; a renewal that fails is a process warning, the run
 * going on.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { IdempotencyConflictError, openEventLog } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import {
  defineSkill,
  type Factory,
  openFactory,
  SkillRan,
  SkillRegistry,
  SkillRenewed,
  SkillStarted,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startFixture } from "../../../core/test/fixtures/runChild.js";
import { noteSkill } from "../fixtures/noteSkill.js";

const child = join(import.meta.dirname, "renewingSkillChild.ts");

/** A short lease: without renewals, a run holding its key for a second would lose it to a retry. */
const LEASE_MS = 600;

let dir: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-renewed-skills-"));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the factory in `dir` with the note skill and the short lease, closed after the test. */
async function open(): Promise<Factory> {
  const factory = await openFactory({
    dir,
    actor: "ana",
    skillClaimLeaseMs: LEASE_MS,
    skills: [noteSkill()],
  });
  cleanups.push(() => factory.close());
  return factory;
}

/** Starts the child running capture-note with key k-1, its handler waiting for `gate`; killed after the test. */
async function holder(gate: string) {
  const started = await startFixture(child, [dir, "k-1", String(LEASE_MS), gate], "started");
  cleanups.push(async () => {
    started.child.kill("SIGKILL");
    await started.exited;
  });
  return started;
}

/** Runs capture-note on "refunds" with key k-1 in `factory`. */
const retry = (factory: Factory) =>
  factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });

/** Texts of the signals the handler captured: one per handler run, in any process. */
async function captured(factory: Factory): Promise<string[]> {
  await factory.work.refresh();
  return factory.work.signals().map((signal) => signal.text);
}

describe("a keyed skill run's claim", () => {
  it("is not taken over by a retry while its holder lives, though its run takes three times the lease", async () => {
    const gate = join(dir, "gate");
    const { exited } = await holder(gate);
    const factory = await open();
    const [claim] = await factory.log.read({ types: [SkillStarted.type] });
    const until = Date.parse(claim?.at ?? "") + 3 * LEASE_MS;
    while (factory.log.clock.now().getTime() < until) await sleep(50);

    const refused = await retry(factory).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IdempotencyConflictError);
    expect((refused as Error).message).toMatch(
      /; retry when it has finished \(it last renewed its claim at /,
    );
    writeFileSync(gate, "");
    expect((await exited).code).toBe(0);

    const run = await retry(factory);
    expect(run.output).toMatchObject({ shout: "REFUNDS" });
    expect(await captured(factory)).toEqual(["refunds"]);
    expect(await factory.log.read({ types: [SkillStarted.type] })).toHaveLength(1);
    const renewals = (await factory.log.read({ types: [SkillRenewed.type] }))
      .filter(SkillRenewed.is)
      .map((event) => event.data);
    expect(renewals.length).toBeGreaterThan(0);
    expect(
      renewals.every((renewed) => renewed.claim === claim?.seq && renewed.idempotencyKey === "k-1"),
    ).toBe(true);
  }, 120_000);

  it("is taken over from a holder killed mid-run on the same host, its renewals notwithstanding", async () => {
    const { child: killed, exited } = await holder(join(dir, "never"));
    const factory = await open();
    while ((await factory.log.read({ types: [SkillRenewed.type], limit: 1 })).length === 0) await sleep(20);
    killed.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    const run = await retry(factory);
    expect(run.output).toMatchObject({ shout: "REFUNDS" });
    expect(await captured(factory)).toEqual(["refunds"]);
    const claims = await factory.log.read({ types: [SkillStarted.type] });
    expect(claims.map((claim) => claim.data)).toEqual([
      expect.objectContaining({ idempotencyKey: "k-1", host: hostname(), pid: killed.pid }),
      expect.objectContaining({ idempotencyKey: "k-1", host: hostname(), pid: process.pid }),
    ]);
    const ran = (await factory.log.read({ types: [SkillRan.type] })).map((event) => event.data);
    expect(ran).toEqual([
      expect.objectContaining({ outcome: "ok", idempotencyKey: "k-1", claim: claims[1]?.seq }),
    ]);
  }, 120_000);
});

describe("a keyed skill run whose claim cannot be renewed", () => {
  it("goes on, the failure a process warning rather than an unhandled rejection", async () => {
    // The registry's store, closed underneath it mid-run: its renewals fail (and its record).
    const store = openSqliteEventStore({ path: join(dir, "events.db") });
    const log = await openEventLog({ store });
    cleanups.push(() => log.close().catch(() => undefined));
    const warnings: Error[] = [];
    const heard = (warning: Error) => void warnings.push(warning);
    process.on("warning", heard);
    cleanups.push(async () => void process.off("warning", heard));
    const renewalWarnings = () =>
      warnings.filter(
        (warning) => (warning as { code?: string }).code === "FACTORY_SKILL_CLAIM_RENEWAL_FAILED",
      );
    let ended = false;
    const registry = new SkillRegistry(log, {}, { claimLeaseMs: 30 }).add(
      defineSkill({
        name: "slow-note",
        description: "Runs on through a failing store.",
        input: z.object({}),
        output: z.object({}),
        run: async () => {
          await store.close();
          while (renewalWarnings().length === 0) await sleep(10);
          ended = true;
          return {};
        },
      }),
    );

    // The run's record fails with the store: that is the run's failure, not the renewal's.
    await expect(registry.run("slow-note", {}, { idempotencyKey: "k-1" })).rejects.toBeInstanceOf(Error);
    expect(ended).toBe(true);
    expect(renewalWarnings()[0]?.message).toMatch(
      /^a run of skill slow-note could not renew its claim of idempotency key "k-1" while its handler runs: .+; the run goes on, and the renewal is tried again$/,
    );
  });
});
