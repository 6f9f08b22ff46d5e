/**
 * Skill runs with an idempotency key: a retry with the same key, skill and
 * input returns the first run's recorded output without running the handler
 * again (in this process, another process, after a reopen); the key reused
 * for another skill or input is refused naming both; a failed run releases
 * the key; two runs racing for one key run the handler once. A claim whose
 * process was killed, or older than the lease, is taken over by a retry, by
 * one of two racing retries; a live process's claim is refused until then.
 * The skill's handler captures a signal, so the factory's signals count its runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashJson, IdempotencyConflictError, manualClock, ValidationError } from "@software-factory/core";
import {
  type Factory,
  FactoryService,
  IntelligenceService,
  type OpenFactoryOptions,
  openFactory,
  SkillFailedError,
  SkillRan,
  SkillRegistry,
  SkillStarted,
} from "@software-factory/intelligence";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFixture } from "../../../core/test/fixtures/runChild.js";
import { type NoteSkillHooks, noteSkill, otherNoteSkill } from "../fixtures/noteSkill.js";

const child = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "skillRunChild.ts");

let dir: string;
const opened: Factory[] = [];

/** Opens the factory in `dir` with the note skills (and `options`), closed after the test. */
async function open(
  hooks: NoteSkillHooks = {},
  actor = "ana",
  options: Pick<OpenFactoryOptions, "clock" | "skillClaimLeaseMs"> = {},
): Promise<Factory> {
  const factory = await openFactory({ dir, actor, skills: [noteSkill(hooks), otherNoteSkill()], ...options });
  opened.push(factory);
  return factory;
}

/** Texts of the signals the handler captured: one per handler run. */
async function captured(factory: Factory): Promise<string[]> {
  await factory.work.refresh();
  return factory.work.signals().map((signal) => signal.text);
}

/** The run the child printed last, as JSON. */
const printedRun = (stdout: string) =>
  JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { output: unknown; code?: string };

/** The `skill.ran` events of the log. */
async function ranEvents(factory: Factory) {
  return (await factory.log.read({ types: [SkillRan.type] })).filter(SkillRan.is);
}

/** The `skill.started` events of the log: the claims of keys. */
async function claims(factory: Factory) {
  return (await factory.log.read({ types: [SkillStarted.type] })).filter(SkillStarted.is);
}

/** The instant `ms` milliseconds after an event's `at`. */
const after = (at: string, ms: number) => new Date(Date.parse(at) + ms);

/** The default lease of a claim: 15 minutes. */
const LEASE_MS = 15 * 60_000;

/** A gate the test opens: the handler waits on it; `started` resolves when a handler is waiting. */
function gated() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let started = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  let runs = 0;
  const hooks: NoteSkillHooks = {
    started: () => {
      runs++;
      started();
    },
    gate: () => opened,
  };
  return { hooks, open, running, runs: () => runs };
}

/**
 * Two factories on the folder, `one` and `two`, run capture-note with key k-1 at once, their handlers held
 * at a gate. Resolves with what the first run to settle was refused with (undefined if it succeeded), while
 * the other's handler waits; `finish` then opens the gate and expects that handler alone to have run, once,
 * and its note to be captured.
 */
async function raceForKey(): Promise<{ refused: unknown; finish: () => Promise<void> }> {
  const gate = gated();
  const one = await open(gate.hooks, "one");
  const two = await open(gate.hooks, "two");
  const runs = [one, two].map((factory) =>
    factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" }),
  );
  const refused = await Promise.race(
    runs.map((run) =>
      run.then(
        () => undefined,
        (error: unknown) => error,
      ),
    ),
  );
  return {
    refused,
    finish: async () => {
      gate.open();
      const settled = await Promise.allSettled(runs);
      expect(settled.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(gate.runs()).toBe(1);
      expect(await captured(one)).toEqual(["refunds"]);
    },
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-keyed-skills-"));
});

afterEach(async () => {
  for (const factory of opened.splice(0)) await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("running a skill with an idempotency key", () => {
  it("returns the first run's recorded output to a retry with the same key and input, without running the handler again", async () => {
    const factory = await open();
    const first = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    const retried = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });

    expect(retried).toEqual(first);
    expect(await captured(factory)).toEqual(["refunds"]);
    const ran = await ranEvents(factory);
    expect(ran).toHaveLength(1);
    expect(ran[0]?.data).toMatchObject({ outcome: "ok", idempotencyKey: "k-1", output: first.output });

    // Without a key, or with another one, the handler runs again; an unkeyed run keeps no output.
    await factory.skills.run("capture-note", { text: "refunds" });
    await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-2" });
    expect(await captured(factory)).toEqual(["refunds", "refunds", "refunds"]);
    expect((await ranEvents(factory))[1]?.data).not.toHaveProperty("output");
  });

  it("refuses the key for another skill or another input, naming both", async () => {
    const factory = await open();
    await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });

    const otherSkill = factory.skills.run(
      "capture-other-note",
      { text: "refunds" },
      { idempotencyKey: "k-1" },
    );
    await expect(otherSkill).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(otherSkill).rejects.toMatchObject({
      code: "E_IDEMPOTENCY_CONFLICT",
      key: "k-1",
      message:
        'idempotency key "k-1" was already used to run skill capture-note, not skill capture-other-note; use a new key',
    });
    const otherInput = factory.skills.run("capture-note", { text: "returns" }, { idempotencyKey: "k-1" });
    await expect(otherInput).rejects.toThrow(
      /^idempotency key "k-1" was already used to run skill capture-note on a different input \(input hash [0-9a-f]{12}, this call's [0-9a-f]{12}\); use a new key$/,
    );
    expect(await captured(factory)).toEqual(["refunds"]);
  });

  it("does not let a failed run consume the key: a retry runs the handler again and records its output", async () => {
    let failures = 1;
    const factory = await open({ fail: () => failures-- > 0 });
    const failed = factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    await expect(failed).rejects.toBeInstanceOf(SkillFailedError);

    const retried = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    expect(retried.output).toMatchObject({ shout: "REFUNDS" });
    expect(await captured(factory)).toEqual(["refunds"]);
    const again = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    expect(again).toEqual(retried);
    expect((await ranEvents(factory)).map((event) => event.data.outcome)).toEqual(["failed", "ok"]);
  });

  it("claims nothing with an input the skill refuses, and refuses an empty key", async () => {
    const factory = await open();
    await expect(
      factory.skills.run("capture-note", { text: 7 }, { idempotencyKey: "k-1" }),
    ).rejects.toBeInstanceOf(ValidationError);
    const run = await factory.skills.run(
      "capture-other-note",
      { text: "refunds" },
      { idempotencyKey: "k-1" },
    );
    expect(run.skill).toBe("capture-other-note");

    await expect(factory.skills.run("capture-note", { text: "x" }, { idempotencyKey: "" })).rejects.toThrow(
      /^options of a run of skill capture-note is invalid/,
    );
  });

  it("refuses a misspelt option, naming it and the options, instead of running without the key", async () => {
    const factory = await open();
    await expect(
      factory.skills.run("capture-note", { text: "refunds" }, { idempotencykey: "k-1" } as never),
    ).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'options of a run of skill capture-note is invalid: (root): unknown key "idempotencykey"; the keys are actor, idempotencyKey, signal, strictInput',
    });
    expect(await captured(factory)).toEqual([]);
    expect(await ranEvents(factory)).toEqual([]);
  });

  it("returns the recorded output after a reopen, and to another process, whose handler does not run", async () => {
    const first = await open();
    const run = await first.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    await first.close();
    opened.splice(0);

    const reopened = await open();
    expect(await reopened.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" })).toEqual(
      run,
    );

    const { exited } = await startFixture(child, [dir, "k-1", "refunds"], "{");
    const { code, stdout, stderr } = await exited;
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(printedRun(stdout)).toEqual(run);
    expect(await captured(reopened)).toEqual(["refunds"]);
  }, 120_000);

  it("gives a retry in this process the output another process recorded", async () => {
    const { exited } = await startFixture(child, [dir, "k-9", "refunds"], "{");
    const { code, stdout } = await exited;
    expect(code).toBe(0);
    const run = printedRun(stdout);

    const factory = await open();
    const retried = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-9" });
    expect(retried.output).toEqual(run.output);
    expect(await captured(factory)).toEqual(["refunds"]);
  }, 120_000);

  it("refuses a run while another process holds the key, and returns that process's output once it recorded it", async () => {
    const factory = await open();
    const gateFile = join(dir, "release");
    const { child: holder, exited } = await startFixture(child, [dir, "k-1", "refunds", gateFile], "started");

    const meanwhile = factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    await expect(meanwhile).rejects.toBeInstanceOf(IdempotencyConflictError);
    const [claim] = await claims(factory);
    expect(claim?.data).toMatchObject({ host: hostname(), pid: holder.pid });
    const at = claim?.at ?? "";
    await expect(meanwhile).rejects.toMatchObject({
      message: `idempotency key "k-1" is held by a run of skill capture-note that child started at ${at} (process ${holder.pid} on host ${hostname()}) and that has not recorded its outcome; retry when it has finished (if it has not by ${after(at, LEASE_MS).toISOString()}, its claim is stale and a retry then takes the key over)`,
    });

    writeFileSync(gateFile, "");
    const { code, stdout } = await exited;
    expect(code).toBe(0);
    const run = printedRun(stdout);
    const retried = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    expect(retried.output).toEqual(run.output);
    expect(await captured(factory)).toEqual(["refunds"]);
  }, 120_000);

  it("runs the handler once for two runs at once in one factory, both getting its result", async () => {
    const gate = gated();
    const factory = await open(gate.hooks);
    const runs = [1, 2].map(() =>
      factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" }),
    );
    await gate.running;
    gate.open();
    const [a, b] = await Promise.all(runs);
    expect(b).toEqual(a);
    expect(gate.runs()).toBe(1);
    expect(await captured(factory)).toEqual(["refunds"]);
  });

  it("runs the handler once for two factories on one folder racing for the key: the other is refused", async () => {
    const race = await raceForKey();
    // The loser is refused while the winner's handler waits at the gate.
    expect(race.refused).toBeInstanceOf(IdempotencyConflictError);
    await race.finish();
  });

  it("works the same through the Effect face: the retry succeeds with the recorded output, a conflict fails typed", async () => {
    const factory = await open();
    const program = Effect.gen(function* () {
      const intelligence = yield* IntelligenceService;
      const first = yield* intelligence.runSkill(
        "capture-note",
        { text: "refunds" },
        { idempotencyKey: "k-1" },
      );
      const retried = yield* intelligence.runSkill(
        "capture-note",
        { text: "refunds" },
        { idempotencyKey: "k-1" },
      );
      const conflict = yield* intelligence
        .runSkill("capture-note", { text: "returns" }, { idempotencyKey: "k-1" })
        .pipe(Effect.catchTag("IdempotencyConflictError", (error) => Effect.succeed(error.key)));
      return { first, retried, conflict };
    });
    const { first, retried, conflict } = await Effect.runPromise(
      Effect.provide(program, FactoryService.fromFactory(factory)),
    );
    expect(retried).toEqual(first);
    expect(conflict).toBe("k-1");
    expect(await captured(factory)).toEqual(["refunds"]);
  });
});

describe("a keyed run whose claim was abandoned", () => {
  /** Starts a child that claims `key` and waits in its handler, then kills it with SIGKILL before it records. */
  async function killedHolder(key: string): Promise<number | undefined> {
    const { child: holder, exited } = await startFixture(
      child,
      [dir, key, "refunds", join(dir, "never")],
      "started",
    );
    holder.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    return holder.pid;
  }

  it("takes over the key of a process killed between its claim and its record: the retry runs the handler once and records", async () => {
    const killed = await killedHolder("k-1");
    const factory = await open();

    const retried = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    expect(retried.output).toMatchObject({ shout: "REFUNDS" });
    const again = await factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    expect(again).toEqual(retried);
    expect(await captured(factory)).toEqual(["refunds"]);

    const [abandoned, takeover] = await claims(factory);
    expect(abandoned?.data).toMatchObject({ idempotencyKey: "k-1", host: hostname(), pid: killed });
    expect(takeover?.data).toMatchObject({ idempotencyKey: "k-1", host: hostname(), pid: process.pid });
    const ran = await ranEvents(factory);
    expect(ran.map((event) => event.data)).toEqual([
      expect.objectContaining({ outcome: "ok", idempotencyKey: "k-1", claim: takeover?.seq }),
    ]);
  }, 120_000);

  it("runs the handler once for two retries racing to take over the same abandoned claim", async () => {
    await killedHolder("k-1");
    const race = await raceForKey();
    // The loser finds the winner's claim, held by this live process, while the winner's handler waits.
    expect(race.refused).toBeInstanceOf(IdempotencyConflictError);
    expect((race.refused as Error).message).toContain(`(process ${process.pid} on host ${hostname()})`);
    await race.finish();
  }, 120_000);

  it("takes over a live process's claim once it is older than the lease: both ran, and later retries get the output recorded first", async () => {
    const gateFile = join(dir, "release");
    const { exited } = await startFixture(child, [dir, "k-1", "refunds", gateFile], "started");
    const reader = await open();
    const at = (await claims(reader))[0]?.at ?? "";

    // By the default lease of 15 minutes, the claim is not stale 14 minutes on.
    const soon = await open({}, "soon", { clock: manualClock(after(at, 14 * 60_000)) });
    const refused = soon.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    await expect(refused).rejects.toThrow(
      `(if it has not by ${after(at, LEASE_MS).toISOString()}, its claim is stale and a retry then takes the key over)`,
    );
    // With a lease of one minute, it is stale two minutes on.
    const late = await open({}, "late", {
      clock: manualClock(after(at, 2 * 60_000)),
      skillClaimLeaseMs: 60_000,
    });
    const takeover = await late.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });

    // The overtaken run goes on and records after the takeover did.
    writeFileSync(gateFile, "");
    const { code, stdout } = await exited;
    expect(code).toBe(0);
    const overtaken = printedRun(stdout);
    expect(overtaken.output).not.toEqual(takeover.output);
    expect(await captured(reader)).toEqual(["refunds", "refunds"]);
    const retried = await reader.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    expect(retried).toEqual(takeover);
  }, 120_000);

  it("refuses a claim made on another host until the lease runs out, whatever its process id", async () => {
    const factory = await open();
    const [claim] = await factory.log.append({
      type: SkillStarted.type,
      subject: "capture-note",
      actor: "agent-7",
      data: {
        idempotencyKey: "k-1",
        inputHash: hashJson({ text: "refunds" }),
        host: `not-${hostname()}`,
        pid: 2 ** 22 + 1,
      },
    });
    const at = claim?.at ?? "";
    await expect(
      factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" }),
    ).rejects.toMatchObject({
      code: "E_IDEMPOTENCY_CONFLICT",
      message: `idempotency key "k-1" is held by a run of skill capture-note that agent-7 started at ${at} (process ${2 ** 22 + 1} on host not-${hostname()}) and that has not recorded its outcome; retry when it has finished (if it has not by ${after(at, LEASE_MS).toISOString()}, its claim is stale and a retry then takes the key over)`,
    });

    const later = await open({}, "ana", { clock: manualClock(after(at, LEASE_MS)) });
    const run = await later.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    expect(run.output).toMatchObject({ shout: "REFUNDS" });
    expect(await captured(later)).toEqual(["refunds"]);
  });

  it("does not let a failure of the overtaken run release the key the retry took over", async () => {
    const overtaken = gated();
    const first = await open({ ...overtaken.hooks, fail: () => true }, "first");
    const failing = first.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    await overtaken.running;

    const takeover = gated();
    const at = (await claims(first))[0]?.at ?? "";
    const late = await open(takeover.hooks, "late", { clock: manualClock(after(at, LEASE_MS)) });
    const taking = late.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    await takeover.running;

    overtaken.open();
    await expect(failing).rejects.toBeInstanceOf(SkillFailedError);
    const other = await open({}, "other");
    await expect(
      other.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" }),
    ).rejects.toThrow(/^idempotency key "k-1" is held by a run of skill capture-note that late started at/);

    takeover.open();
    const run = await taking;
    expect(await other.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" })).toEqual(
      run,
    );
    expect(await captured(other)).toEqual(["refunds"]);
  });

  it("refuses a lease that is not a positive whole number of milliseconds, naming the option of openFactory or the registry", async () => {
    await expect(openFactory({ dir, skillClaimLeaseMs: 0 })).rejects.toMatchObject({
      code: "E_VALIDATION",
      message: expect.stringContaining("skillClaimLeaseMs: must be more than 0 milliseconds"),
    });
    await expect(openFactory({ dir, skillClaimLeaseMs: 1.5 })).rejects.toThrow(
      "skillClaimLeaseMs: must be a whole number of milliseconds",
    );
    const factory = await open();
    expect(() => new SkillRegistry(factory.log, factory, { claimLeaseMs: -1 })).toThrow(
      "claimLeaseMs: must be more than 0 milliseconds",
    );
  });
});
