/**
 * The skills of a factory, runnable and instruction ones: listing them,
 * reading their instructions, and running them, each run recorded in the log.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import {
  anObject,
  checkArguments,
  type EventLog,
  type ModelProvider,
  NotFoundError,
  strictInput,
  ValidationError,
  validationErrorFromZod,
  withMethods,
} from "@software-factory/core";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { type Skill, type SkillRequirement, validateSkill } from "./Skill.js";
import { formatSkillMd, type InstructionSkill } from "./SkillMd.js";
import { ClaimLeaseMsSchema } from "./SkillRunKeys.js";
import { type SkillRun, SkillRuns } from "./SkillRuns.js";
import { type SkillProblem, type SkillsDirResult, safeLoadSkillsDir } from "./skillFolders.js";
import { measureSkillUsage, type SkillUsage, type SkillUsageOptions } from "./skillUsage.js";

export type { SkillRun } from "./SkillRuns.js";

/** A skill as listed: runnable, instruction-only, or both. */
export interface SkillInfo {
  /** Name of the skill. */
  readonly name: string;
  /** What the skill does, in one sentence. */
  readonly description: string;
  /** Whether it has a handler, so `skills.run` runs it. */
  readonly runnable: boolean;
  /** Whether it has instructions for a model (a SKILL.md), read with `skills.instructions`. */
  readonly instructions: boolean;
  /** JSON schema of the input of a runnable skill; a part JSON schema cannot say (a `z.date()`) is `{}`, any value. */
  readonly inputSchema?: unknown;
  /** What a runnable skill needs to run (`["model"]`), when it needs anything. */
  readonly requires?: readonly SkillRequirement[];
}

/** Options of a {@link SkillRegistry}. */
export interface SkillRegistryOptions {
  /** The model provider handed to skills (those that declare `requires: ["model"]` need it). */
  readonly model?: ModelProvider;
  /**
   * The folder of Agent Skills its instruction skills are loaded from, kept
   * as {@link SkillRegistry.instructionsDir} for those that follow it (the
   * registry does not read it by itself).
   */
  readonly instructionsDir?: string;
  /**
   * How long a keyed run's claim without a recorded outcome holds its key, in
   * milliseconds, counted by the log's clock from the claim or its last
   * renewal (default 15 minutes; a whole number, more than 0 and at most a
   * year): a retry after that takes the key over. A run renews its claim
   * every third of the lease while its handler runs (see {@link SkillRegistry.run}).
   */
  readonly claimLeaseMs?: number;
}

/** {@link SkillRegistryOptions} as a JavaScript caller may pass them: a misspelt key is refused. */
const RegistryOptionsSchema = strictInput({
  model: anObject("a model provider").optional(),
  instructionsDir: Text.optional(),
  // Its range is checked with its own message below.
  claimLeaseMs: z.unknown().optional(),
}).optional();

/** What the registry reads of an instruction skill. */
const InstructionSchema = anObject("an instruction skill (loadSkillFolder's result)").pipe(
  z.looseObject({ name: Text, description: Text, instructions: Text }),
);

/** What the registry reads of a skill folder that failed to load. */
const ProblemSchema = anObject("a skill problem (safeLoadSkillsDir's problems)").pipe(
  z.looseObject({ name: Text, dir: Text, message: Text, issues: z.array(z.unknown()) }),
);

/**
 * The skills of a factory: runnable ones (with handlers) and instruction ones
 * (SKILL.md folders for models). Every run is recorded as a `skill.ran` event
 * with who ran it, a hash of the input, the outcome and the duration; a run
 * given an idempotency key runs once (see {@link SkillRegistry.run}).
 */
export class SkillRegistry<Services = unknown> {
  readonly #runnable = new Map<string, Skill<z.ZodType, z.ZodType, Services>>();
  readonly #instructions = new Map<string, InstructionSkill>();
  readonly #problems = new Map<string, SkillProblem>();
  readonly #runs: SkillRuns<Services>;
  readonly #log: EventLog;
  /**
   * The folder of Agent Skills the instruction skills were loaded from, as an
   * absolute path: for a factory, the one `openFactory` loaded (`<dir>/skills`
   * unless given `skillsDir`), which a server follows with
   * {@link SkillRegistry.reloadInstructions}. Undefined for a registry made
   * without one.
   */
  readonly instructionsDir: string | undefined;

  /**
   * A registry recording runs in `log`; handlers get `services` (and the model, when given).
   *
   * @throws ValidationError when `claimLeaseMs` is not a whole number of milliseconds, more than 0 and at most a year.
   */
  constructor(log: EventLog, services: Services, options: SkillRegistryOptions = {}) {
    checkArguments("new SkillRegistry", {
      log: [withMethods("an event log (openEventLog's result)", "append", "read"), log],
      options: [RegistryOptionsSchema, options],
    });
    const lease = ClaimLeaseMsSchema.optional().safeParse(options.claimLeaseMs);
    if (!lease.success)
      throw validationErrorFromZod(lease.error.issues, {
        subject: "options of a skill registry",
        pathPrefix: "claimLeaseMs",
      });
    this.instructionsDir =
      options.instructionsDir === undefined ? undefined : resolve(options.instructionsDir);
    this.#runs = new SkillRuns(log, services, options.model, lease.data);
    this.#log = log;
  }

  /** Whether a model provider is configured, so skills that require one can run. */
  get hasModel(): boolean {
    return this.#runs.model !== undefined;
  }

  /**
   * Adds runnable skills, all or none; a name already present is replaced.
   *
   * @throws ValidationError naming the skill and the field when one is malformed (as `defineSkill` checks it).
   */
  add(...skills: readonly Skill<z.ZodType, z.ZodType, Services>[]): this {
    checkArguments("skills.add", { skills: [z.array(anObject("a skill (defineSkill's result)")), skills] });
    for (const skill of skills) validateSkill(skill as Skill<z.ZodType, z.ZodType, never>);
    for (const skill of skills) this.#runnable.set(skill.name, skill);
    return this;
  }

  /** Adds instruction skills (from SKILL.md folders). */
  addInstructions(...skills: readonly InstructionSkill[]): this {
    checkArguments("skills.addInstructions", { skills: [z.array(InstructionSchema), skills] });
    for (const skill of skills) this.#instructions.set(skill.name, skill);
    return this;
  }

  /**
   * Keeps skill folders that failed to load (from `safeLoadSkillsDir`), so
   * that {@link SkillRegistry.problems} reports them and reading or running
   * one names its problems.
   */
  addProblems(...problems: readonly SkillProblem[]): this {
    checkArguments("skills.addProblems", { problems: [z.array(ProblemSchema), problems] });
    for (const problem of problems) this.#problems.set(problem.name, problem);
    return this;
  }

  /**
   * Loads a skills folder again, as `openFactory` loads it: the instruction
   * skills and problems that came from folders under `dir` (or from `dir`
   * itself) are replaced by what {@link safeLoadSkillsDir} finds there now, so
   * a removed folder drops its skill and a fixed SKILL.md drops its problem.
   * Runnable skills and instruction skills from elsewhere are kept. Nothing is
   * changed when reading the folder throws.
   *
   * @returns what the folder holds now: its skills and its problems.
   * @example
   * ```ts
   * const { problems } = factory.skills.reloadInstructions(factory.skills.instructionsDir ?? "skills");
   * ```
   */
  reloadInstructions(dir: string): SkillsDirResult {
    checkArguments("skills.reloadInstructions", { dir: [Text, dir] });
    const loaded = safeLoadSkillsDir(dir);
    const root = resolve(dir);
    const fromRoot = (folder: string | undefined) =>
      folder !== undefined && (resolve(folder) === root || dirname(resolve(folder)) === root);
    for (const [name, skill] of this.#instructions) if (fromRoot(skill.dir)) this.#instructions.delete(name);
    for (const [name, problem] of this.#problems) if (fromRoot(problem.dir)) this.#problems.delete(name);
    this.addInstructions(...loaded.skills).addProblems(...loaded.problems);
    return loaded;
  }

  /** Skill folders that failed to load, by name, each with its problems at file:line:column. */
  problems(): SkillProblem[] {
    return [...this.#problems.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every skill that loaded, by name ({@link SkillRegistry.problems} lists those that did not). */
  list(): SkillInfo[] {
    const names = [...new Set([...this.#runnable.keys(), ...this.#instructions.keys()])].sort();
    return names.map((name) => {
      const runnable = this.#runnable.get(name);
      const instruction = this.#instructions.get(name);
      return {
        name,
        description: runnable?.description ?? instruction?.description ?? "",
        runnable: runnable !== undefined,
        instructions: instruction !== undefined || runnable?.instructions !== undefined,
        // A part JSON schema cannot say (a z.date()) is listed as any value, so one skill cannot break the listing.
        ...(runnable === undefined
          ? {}
          : { inputSchema: z.toJSONSchema(runnable.input, { io: "input", unrepresentable: "any" }) }),
        ...(runnable?.requires === undefined || runnable.requires.length === 0
          ? {}
          : { requires: [...runnable.requires] }),
      };
    });
  }

  /**
   * An instruction skill (or a runnable one that has instructions), as SKILL.md
   * parts; undefined when no skill has that name.
   *
   * @throws ValidationError when the skill's folder failed to load: the message and issues name its problems.
   */
  instructions(name: string): InstructionSkill | undefined {
    checkArguments("skills.instructions", { name: [Text, name] });
    const instruction = this.#instructions.get(name);
    if (instruction !== undefined) return instruction;
    this.#refuseBroken(name);
    const runnable = this.#runnable.get(name);
    if (runnable?.instructions === undefined) return undefined;
    return { name, description: runnable.description, instructions: runnable.instructions, files: [] };
  }

  /**
   * The SKILL.md text of a skill with instructions.
   *
   * @throws ValidationError when the skill's folder failed to load.
   */
  skillMd(name: string): string | undefined {
    checkArguments("skills.skillMd", { name: [Text, name] });
    const skill = this.instructions(name);
    return skill === undefined ? undefined : formatSkillMd(skill);
  }

  /**
   * Runs a skill: validates the input, runs the handler, validates the output,
   * and records the run.
   *
   * With `idempotencyKey`, a retried run runs once, whether retried from this
   * process or another, before or after a reopen:
   * - the first run with the key claims it (a `skill.started` event) before
   *   its handler starts, and records its output in its `skill.ran` event;
   * - a retry with the same key, skill and input (the same input hash) does
   *   not run the handler again: it returns the first run's recorded output
   *   (as JSON keeps it) and duration, and records nothing; a retry while the
   *   first run is under way in this registry waits for it and returns its
   *   result (or its failure), unless that run is cancelled: the retry then
   *   runs as if it came after it (see `signal` below);
   * - a run that failed (the handler failed, its output was invalid, or not
   *   kept as written, or it refused what its input named) releases the key, so a retry
   *   runs again;
   *   an input the skill's schema refuses claims nothing;
   * - two runs with the key at once, in two processes, or two registries on
   *   one log: one claims the key and runs its handler; the other fails with
   *   an `IdempotencyConflictError` saying the key is held by a run that has
   *   not recorded its outcome, and a retry after that run has finished
   *   returns its output. The message says when the claim becomes stale;
   * - a claim without a recorded outcome is abandoned, and a retry takes the
   *   key over (claims it anew and runs the handler), when its process has
   *   ended (a crash, SIGKILL, a cancelled CI job), seen from the same host
   *   (the claim names the host and process id), or when neither it nor its
   *   last renewal is younger than the lease (`claimLeaseMs`, `openFactory({
   *   skillClaimLeaseMs })`; default 15 minutes, by the log's clock), from any
   *   host: a run renews its claim every third of the lease while its handler
   *   runs (a `skill.renewed` event each), so a run longer than the lease
   *   keeps its key while its process lives. Of two retries racing to take
   *   it over, one runs the handler and the other is refused as above;
   * - a run whose claim was taken over while it was still running (its
   *   renewals failed, a process warning `FACTORY_SKILL_CLAIM_RENEWAL_FAILED`
   *   each, or its process stalled for the whole lease) is not stopped: both
   *   handlers ran, each caller gets its own run's output, and the output
   *   recorded first is the one every later retry returns (a failure of the
   *   overtaken run releases nothing).
   *
   * Keys of skill runs are their own: one used for a work item or a signal
   * does not collide with a run's.
   *
   * With `signal`, the run can be cancelled: a signal aborted before the
   * handler starts runs nothing; one that aborts while it runs reaches the
   * handler as its context's `signal` (a Promise handler stops if it heeds
   * it) and interrupts an Effect handler (its finalizers run). A cancelled
   * run rejects with the signal's reason, as `fetch` does (a `DOMException`
   * named `AbortError` for `controller.abort()` without one), and is recorded
   * as `failed` with `cancelled: true`; with a key, it releases the key, so a
   * retry with it runs. A retry that was waiting for it in this process does
   * not get its reason, which is not the retry's: it runs the skill itself
   * (one of several such retries runs, the others wait for it). A retry whose
   * own signal aborts while it waits stops waiting, leaving the run it waited
   * for to its caller, and is recorded as cancelled before it started. A
   * handler that ignores the abort and succeeds is a run like any other: its
   * output is returned and recorded.
   *
   * With `strictInput`, an input holding keys the skill's input schema does
   * not take, at any depth of its plain objects (a misspelt `orders` for
   * `order`), is invalid input, as an agent's arguments should be: a zod
   * object would drop them unread. An object that takes other keys (a loose
   * object, a catchall) takes them.
   *
   * Every refused input (its schema refuses it, it is not JSON, or it holds
   * keys the schema does not take under `strictInput`) is recorded as an
   * `invalid-input` run, claims no key and runs nothing.
   *
   * @throws NotFoundError when no runnable skill has that name.
   * @throws ValidationError when the input or the handler's output is invalid
   * (an input that is not JSON, such as a BigInt or a cycle, is invalid: it is hashed and recorded;
   * so is the output of a run given an `idempotencyKey` that holds a BigInt, a cycle, a function or
   * a symbol, or what the log would give back as something else (a Date, NaN, a Map, a class
   * instance): it is recorded for its retries, and the issue's path names where),
   * holds keys its schema does not take under `strictInput` (the message names them and
   * the fields it takes: `(root): unknown field "orders"; it takes order`),
   * the options are (an `idempotencyKey` that is empty or longer than 200 characters),
   * or the skill's folder failed to load (the message names its problems).
   * @throws ModelNotConfiguredError when the skill requires a model and the registry has none.
   * @throws SkillFailedError (`E_SKILL_FAILED`) when the handler throws, rejects, or its Effect
   * fails or dies; a handler failing with one of the SDK's typed errors (`NotFoundError`...)
   * fails the run with that error instead.
   * @throws IdempotencyConflictError (`E_IDEMPOTENCY_CONFLICT`) when the key was used to run
   * another skill or on another input (the message names both), or another run holds it,
   * has not recorded its outcome and has not abandoned its claim (the message says when the
   * claim becomes stale).
   * @throws the reason of `signal` when it aborts before the run's end (see above).
   * @example
   * ```ts
   * const first = await factory.skills.run("summarize-line", { line: "checkout" }, { idempotencyKey: "ticket-4711" });
   * const retried = await factory.skills.run("summarize-line", { line: "checkout" }, { idempotencyKey: "ticket-4711" });
   * // retried.output deep-equals first.output; the handler ran once
   * ```
   */
  async run(
    name: string,
    input: unknown,
    options: {
      /** Who runs the skill (`undefined`: the factory's own actor). */
      readonly actor?: string;
      /**
       * Makes a retried run run once (see above): a non-empty string of at
       * most 200 characters, such as a ticket or CI job id.
       */
      readonly idempotencyKey?: string;
      /** Cancels the run (see above). */
      readonly signal?: AbortSignal;
      /**
       * Refuses an input holding keys the skill's input schema does not take
       * (see above) rather than letting the schema drop them; default false.
       */
      readonly strictInput?: boolean;
    } = {},
  ): Promise<SkillRun> {
    // The options are checked with the skill's name in their message once it is found.
    checkArguments("skills.run", { name: [Text, name] });
    const skill = this.#runnable.get(name);
    if (skill === undefined) {
      this.#refuseBroken(name);
      const known = [...this.#runnable.keys()].join(", ") || "none";
      throw new NotFoundError({
        message: `no runnable skill "${name}"; runnable skills: ${known}`,
        entity: "skill",
        id: name,
      });
    }
    return this.#runs.run(skill, input, options);
  }

  /**
   * The use of what factory operators encoded, in `[from, to)`: per author
   * (a skill's `author`, as registered here, else as the skill's last run in
   * the window recorded it; null for skills without one), each skill's runs by outcome, the
   * distinct operators who ran it and its median duration, with totals per
   * author. Read from every `skill.ran` event of the log stamped in the
   * window, so runs by other processes count. With `operator`, only the
   * skills that operator encoded. Only use is measured, not its effect.
   *
   * @throws ValidationError naming the option that is wrong (an end that is no point in time, `from` not before `to`, an unknown key).
   * @example
   * ```ts
   * const usage = await factory.skills.usage({ from: "2026-03-01", to: "2026-04-01", operator: "ana" });
   * // usage.authors[0]: { author: "ana", runs, succeeded, failed, cancelled, refused, operators, skills }
   * ```
   */
  usage(options: SkillUsageOptions): Promise<SkillUsage> {
    const encoded = [...this.#runnable.values()].map(({ name, author }) => ({ name, author }));
    return measureSkillUsage(this.#log, encoded, options);
  }

  /**
   * Cancels the runs under way and waits until each has recorded its
   * outcome; a run started after it is refused with a `ClosedError`. A
   * handler that heeds its `signal` stops, and its run is recorded as
   * cancelled (its caller gets a `ClosedError`); one that does not is
   * waited for, and its run is recorded as it ends. `factory.close()` calls
   * it before it closes the log, so no run is cut off half-written. Calling
   * it again waits again.
   */
  close(): Promise<void> {
    return this.#runs.close();
  }

  /** Throws a ValidationError naming the problems of a skill whose folder failed to load. */
  #refuseBroken(name: string): void {
    const problem = this.#problems.get(name);
    if (problem === undefined) return;
    throw new ValidationError({
      message: `skill "${name}" failed to load from ${problem.dir}; fix its SKILL.md:\n${problem.message}`,
      issues: problem.issues,
    });
  }
}
