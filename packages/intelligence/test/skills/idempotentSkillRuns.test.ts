/**
 * Skill runs with an idempotency key: a retry with the same key, skill and
 * input returns the first run's recorded output without running the handler
 * again (in this process, another process, after a reopen); the key reused
 * for another skill or input is refused naming both; a failed run releases
 * the key; two runs racing for one key run the handler once. The skill's
 * handler captures a signal, so the factory's signals count its runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { IdempotencyConflictError, ValidationError } from "@software-factory/core";
import {
  type Factory,
  FactoryService,
  IntelligenceService,
  openFactory,
  SkillFailedError,
  SkillRan,
} from "@software-factory/intelligence";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFixture } from "../../../core/test/fixtures/runChild.js";
import { type NoteSkillHooks, noteSkill, otherNoteSkill } from "../fixtures/noteSkill.js";

const child = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "skillRunChild.ts");

let dir: string;
const opened: Factory[] = [];

/** Opens the factory in `dir` with the note skills, closed after the test. */
async function open(hooks: NoteSkillHooks = {}, actor = "ana"): Promise<Factory> {
  const factory = await openFactory({ dir, actor, skills: [noteSkill(hooks), otherNoteSkill()] });
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
    const { exited } = await startFixture(child, [dir, "k-1", "refunds", gateFile], "started");

    const meanwhile = factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" });
    await expect(meanwhile).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(meanwhile).rejects.toThrow(
      /^idempotency key "k-1" is held by a run of skill capture-note that child started at \S+ and that has not recorded its outcome; retry when it has finished/,
    );

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
    const gate = gated();
    const one = await open(gate.hooks, "one");
    const two = await open(gate.hooks, "two");
    const runs = [one, two].map((factory) =>
      factory.skills.run("capture-note", { text: "refunds" }, { idempotencyKey: "k-1" }),
    );
    // The loser is refused while the winner's handler waits at the gate.
    const refused = await Promise.race(
      runs.map((run) =>
        run.then(
          () => undefined,
          (error) => error,
        ),
      ),
    );
    expect(refused).toBeInstanceOf(IdempotencyConflictError);
    gate.open();
    const settled = await Promise.allSettled(runs);
    expect(settled.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(gate.runs()).toBe(1);
    expect(await captured(one)).toEqual(["refunds"]);
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
