/**
 * The runs of a registry's skills: starting one, running its handler,
 * recording its outcome in the log, and cancelling the runs under way on close.
 *
 * @module
 */
import {
  ClosedError,
  cutText,
  type EventLog,
  hashJson,
  INPUT_LIMITS,
  ModelNotConfiguredError,
  type ModelProvider,
  NotFoundError,
  strictInput,
  ValidationError,
  validationErrorFromZod,
} from "@software-factory/core";
import { z } from "zod";
import { callHandler } from "../internal/callHandler.js";
import { errorText } from "../internal/errorText.js";
import { invalidInput } from "../internal/invalid.js";
import { notJsonIssue } from "./notJson.js";
import type { Skill } from "./Skill.js";
import { isSdkError, SkillFailedError } from "./SkillFailedError.js";
import { type RecordedRun, SkillRunKeys } from "./SkillRunKeys.js";
import { SkillRan } from "./skillEvents.js";
import { unknownInputKeyIssues } from "./unknownInputKeys.js";

/** What {@link SkillRegistry.run} accepts as options: a misspelt key is refused, not dropped with its key. */
const SkillRunOptionsSchema = strictInput({
  actor: z.string().optional(),
  idempotencyKey: z.string().min(1).max(INPUT_LIMITS.idempotencyKey).optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, "must be an AbortSignal").optional(),
  strictInput: z.boolean().optional(),
});

/** The result of {@link SkillRegistry.run}. */
export interface SkillRun<Output = unknown> {
  /** Name of the skill that ran. */
  readonly skill: string;
  /** The handler's result, as the skill's output schema parsed it. */
  readonly output: Output;
  /** Milliseconds from the run's start (input validation included) to its output. */
  readonly durationMs: number;
}

/** Starts, records and cancels the runs of a {@link SkillRegistry}'s skills, as its `run` and `close` say. */
export class SkillRuns<Services = unknown> {
  readonly #log: EventLog;
  readonly #services: Services;
  readonly #keys: SkillRunKeys;
  /**
   * Runs under way, each with the controller of its signal, until it has
   * recorded its outcome: {@link SkillRuns.close} aborts and waits for them.
   */
  readonly #underWay = new Map<Promise<unknown>, AbortController>();
  /** Set by {@link SkillRuns.close}: why runs under way were cancelled, and new ones are refused. */
  #closed: ClosedError | undefined;

  /** Runs recorded in `log`, whose handlers get `services` and `model`; a claim holds its key `leaseMs`. */
  constructor(
    log: EventLog,
    services: Services,
    readonly model: ModelProvider | undefined,
    leaseMs?: number,
  ) {
    this.#log = log;
    this.#services = services;
    log.registry.register(SkillRan);
    this.#keys = new SkillRunKeys(log, leaseMs);
  }

  /** Runs a skill the registry found, as {@link SkillRegistry.run} says: its options are checked here. */
  async run(
    skill: Skill<z.ZodType, z.ZodType, Services>,
    input: unknown,
    options: z.input<typeof SkillRunOptionsSchema>,
  ): Promise<SkillRun> {
    const { name } = skill;
    const checked = SkillRunOptionsSchema.safeParse(options);
    if (!checked.success)
      throw validationErrorFromZod(checked.error.issues, { subject: `options of a run of skill ${name}` });
    if (this.#closed !== undefined) throw this.#closed;
    const { actor, idempotencyKey: key, signal: given, strictInput = false } = options;
    // The run's signal aborts with the caller's, or when the registry closes. (Not AbortSignal.any over a
    // signal that lives as long as the registry: on Node 20 each run would leave its combined signal behind.)
    const controller = new AbortController();
    const forward = () => controller.abort(given?.reason);
    if (given?.aborted === true) forward();
    else given?.addEventListener("abort", forward, { once: true });
    const running = this.#start(skill, input, { actor, key, signal: controller.signal, strictInput });
    this.#underWay.set(running, controller);
    // The caller gets the outcome; the map only waits for it.
    const ended = () => {
      given?.removeEventListener("abort", forward);
      this.#underWay.delete(running);
    };
    running.then(ended, ended);
    return running;
  }

  /** Cancels the runs under way and waits until each has recorded its outcome ({@link SkillRegistry.close}). */
  async close(): Promise<void> {
    this.#closed ??= new ClosedError({
      message:
        "the factory's skills are closed: a run under way was cancelled, and no run starts; open the factory again to run skills",
    });
    for (const controller of this.#underWay.values()) controller.abort(this.#closed);
    while (this.#underWay.size > 0) await Promise.allSettled([...this.#underWay.keys()]);
  }

  /**
   * A run from its start: hashing and checking the input (its keys too, when
   * `strictInput`), then running it once per key when it has one.
   */
  async #start(
    skill: Skill<z.ZodType, z.ZodType, Services>,
    input: unknown,
    options: {
      readonly actor: string | undefined;
      readonly key: string | undefined;
      readonly signal: AbortSignal;
      readonly strictInput: boolean;
    },
  ): Promise<SkillRun> {
    const { name } = skill;
    const { actor, key, signal } = options;
    const started = performance.now();
    const hashed = hashInput(input);
    const run: RunRecord = {
      name,
      actor,
      inputHash: hashed.hash ?? "",
      started,
      ...(skill.author === undefined ? {} : { author: skill.author }),
    };
    const subject = `input of skill ${name}`;
    const unknownKeys = options.strictInput ? unknownInputKeyIssues(skill.input, input) : [];
    if (unknownKeys.length > 0) return this.#refuseInput(run, invalidInput(subject, unknownKeys));
    const parsed = skill.input.safeParse(input);
    if (!parsed.success || hashed.hash === undefined) {
      const invalid = parsed.success
        ? invalidInput(subject, [
            notJsonIssue(input, "as a run's input is hashed and recorded") ?? {
              path: "",
              message: `must be JSON, as a run's input is hashed and recorded: ${errorText(hashed.error)}`,
            },
          ])
        : validationErrorFromZod(parsed.error.issues, { subject });
      return this.#refuseInput(run, invalid);
    }
    // A run cancelled before it starts claims no key: #execute records it as cancelled and runs nothing.
    if (key === undefined || signal.aborted) return this.#execute(skill, parsed.data, run, signal);
    const replay = ({ output, durationMs }: RecordedRun): SkillRun => ({ skill: name, output, durationMs });
    return this.#keys.once(
      key,
      { skill: name, inputHash: run.inputHash },
      {
        actor,
        signal,
        replay,
        execute: (claim) => this.#execute(skill, parsed.data, { ...run, key, claim }, signal),
        // Aborted while waiting on a run under way: recorded as cancelled before it started, claiming nothing.
        cancelled: () => this.#execute(skill, parsed.data, run, signal),
      },
    );
  }

  /** Records a run whose input was refused as `invalid-input`, and rejects with the refusal. */
  async #refuseInput(run: RunRecord, invalid: ValidationError): Promise<never> {
    await this.#record(run, "invalid-input", { error: invalid.message });
    throw invalid;
  }

  /**
   * Runs a skill's handler on its parsed input, checks its output and records
   * the outcome; a run whose `signal` aborted before it ended is recorded as
   * cancelled and rejects with the signal's reason.
   */
  async #execute(
    skill: Skill<z.ZodType, z.ZodType, Services>,
    input: unknown,
    run: RunRecord,
    signal: AbortSignal,
  ): Promise<SkillRun> {
    const { name, actor } = run;
    const model = (): ModelProvider => {
      if (this.model !== undefined) return this.model;
      throw new ModelNotConfiguredError({
        message: `skill ${name} needs a model and the factory has none; pass openFactory({ model }) or set FACTORY_MODEL_URL and FACTORY_MODEL (and FACTORY_MODEL_KEY if the server needs a key)`,
        needed: `skill ${name}`,
      });
    };
    try {
      signal.throwIfAborted();
      if (skill.requires?.includes("model") === true) model();
      const raw = await callHandler(
        () => skill.run(input, { services: this.#services, actor, signal, model }),
        signal,
      );
      const output = skill.output.safeParse(raw);
      if (!output.success)
        throw validationErrorFromZod(output.error.issues, { subject: `output of skill ${name}` });
      // A keyed run records its output for its retries: what JSON cannot keep is invalid output.
      const notJson =
        run.key === undefined
          ? undefined
          : notJsonIssue(output.data, "as a keyed run's output is recorded for its retries");
      if (notJson !== undefined) throw invalidInput(`output of skill ${name}`, [notJson]);
      const durationMs = await this.#record(run, "ok", { output: output.data }).catch((refused: unknown) => {
        throw unkeptOutput(refused, name);
      });
      return { skill: name, output: output.data, durationMs };
    } catch (error) {
      if (signal.aborted) {
        await this.#record(run, "failed", {
          error: `cancelled: ${errorText(signal.reason)}`,
          cancelled: true,
        });
        throw signal.reason;
      }
      // An input naming something the factory lacks is the caller's mistake, not the skill failing.
      await this.#record(run, error instanceof NotFoundError ? "invalid-input" : "failed", {
        error: errorText(error),
      });
      if (isSdkError(error)) throw error;
      throw new SkillFailedError({
        message: `skill ${name} failed: ${errorText(error)}`,
        skill: name,
        cause: error,
      });
    }
  }

  /**
   * Appends the `skill.ran` event of a run: with its key, and its output when it succeeded with one.
   *
   * @returns the duration it recorded.
   */
  async #record(
    run: RunRecord,
    outcome: "ok" | "invalid-input" | "failed",
    result: { readonly error?: string; readonly output?: unknown; readonly cancelled?: true },
  ): Promise<number> {
    const durationMs = performance.now() - run.started;
    await this.#log.append({
      type: SkillRan.type,
      subject: run.name,
      ...(run.actor === undefined ? {} : { actor: run.actor }),
      data: {
        inputHash: run.inputHash,
        outcome,
        durationMs,
        ...(result.error === undefined ? {} : { error: cutText(result.error, 500) }),
        ...(result.cancelled === undefined ? {} : { cancelled: result.cancelled }),
        ...(run.key === undefined ? {} : { idempotencyKey: run.key }),
        ...(run.key === undefined || outcome !== "ok" ? {} : { output: result.output }),
        ...(run.claim === undefined ? {} : { claim: run.claim }),
        ...(run.author === undefined ? {} : { author: run.author }),
      },
    });
    return durationMs;
  }
}

/** Where the log records a keyed run's output in its `skill.ran` event. */
const OUTPUT_PATH = "data.output";

/**
 * The log's refusal of a keyed run's output, said at the skill's boundary:
 * what the log would give back as something else (a Date, NaN, a Map, a
 * class instance: see `openEventLog`) is invalid output of the skill, each
 * issue's path within the output. Any other error is returned as it is.
 */
function unkeptOutput(error: unknown, skill: string): unknown {
  if (!(error instanceof ValidationError)) return error;
  const underOutput = error.issues.every(
    ({ path }) =>
      path === OUTPUT_PATH || path.startsWith(`${OUTPUT_PATH}.`) || path.startsWith(`${OUTPUT_PATH}[`),
  );
  if (!underOutput) return error;
  return invalidInput(
    `output of skill ${skill}`,
    error.issues.map(({ path, message }) => ({
      path: path.slice(OUTPUT_PATH.length).replace(/^\./, ""),
      message: `${message}, as a keyed run's output is recorded for its retries`,
    })),
  );
}

/** The hash of a run's input as canonical JSON, or why it has none (a BigInt, a cycle). */
function hashInput(
  input: unknown,
): { readonly hash: string; readonly error?: never } | { readonly hash?: never; readonly error: unknown } {
  try {
    return { hash: hashJson(input ?? null) };
  } catch (error) {
    return { error };
  }
}

/** A run under way, as its `skill.ran` event records it. */
interface RunRecord {
  /** Name of the skill. */
  readonly name: string;
  /** Who runs it. */
  readonly actor: string | undefined;
  /** Who encoded the skill, when it names one. */
  readonly author?: string;
  /** Hash of the input as given; empty for an input that is not JSON. */
  readonly inputHash: string;
  /** `performance.now()` when the run started. */
  readonly started: number;
  /** The idempotency key the run claimed, if any. */
  readonly key?: string;
  /** Position of the `skill.started` event by which it claimed the key. */
  readonly claim?: number;
}
