/**
 * Starting automations: each is checked, resumes from its durable cursor in
 * the log and runs in its own `AutomationWorker`; the runner returned answers
 * for them together (positions, idle, failures, retry, close).
 *
 * @module
 */
import {
  anObject,
  checkArguments,
  type EventLog,
  type EventRegistry,
  NotFoundError,
  nearNames,
  type StoredEvent,
  strictInput,
  type ValidationIssue,
  withMethods,
} from "@software-factory/core";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { invalidInput } from "../internal/invalid.js";
import { parseInput } from "../internal/parse.js";
import type { Automation } from "./Automation.js";
import { AutomationWorker } from "./AutomationWorker.js";
import { type AutomationFailure, failuresOf } from "./automationFailures.js";
import { automationEvents } from "./events.js";
import { ExclusiveSchema } from "./exclusivePolicy.js";
import { lastMarks, readCursors } from "./handledMarks.js";
import type { KnownOperators } from "./notificationChecks.js";

const AutomationSchema = z.object({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case, as in route-new-signals"),
  description: z.string().trim().min(1, "must say what the automation does"),
  on: z.array(z.string().min(1)).min(1, "must name at least one event type"),
  author: z.string().min(1, "must be a non-empty string (an operator id)").optional(),
  run: z.custom<Automation["run"]>((value) => typeof value === "function", "must be a function"),
  retry: z
    .object({
      attempts: z.number().int().min(1).max(100).optional(),
      backoffMs: z.number().int().min(0).max(600_000).optional(),
    })
    .optional(),
  exclusive: ExclusiveSchema.optional(),
  filter: z
    .custom<NonNullable<Automation["filter"]>>((value) => typeof value === "function", "must be a function")
    .optional(),
});

/** The options of {@link startAutomations} as a JavaScript caller may pass them: their types, before the automations. */
const StartOptionsSchema = strictInput({
  log: withMethods("an event log (openEventLog's result)", "append", "read"),
  automations: z.array(anObject("an automation (defineAutomation's result)")),
  services: z.unknown(),
  onError: z
    .custom<(...args: never[]) => unknown>((value) => typeof value === "function", "must be a function")
    .optional(),
  operators: withMethods("a directory of operators ({ hasOperator })", "hasOperator").optional(),
});

/** The end of a {@link AutomationRunner.retry}: how the re-run went. */
export interface RetryResult {
  /** `ok` when the handler ran through (what it emitted landed), else `error`. */
  readonly outcome: "ok" | "error";
  /** The error of the last attempt, when the outcome is `error`. */
  readonly error?: {
    /** The error's `code` (`E_NOT_FOUND`...), or `HANDLER_FAILED` when it had none. */
    readonly code: string;
    /** The error's message. */
    readonly message: string;
  };
  /**
   * True when the re-run failed saying the failure is permanent (the handler
   * threw a `PermanentFailureError`, or an error with `retriable: false`), as
   * {@link AutomationFailure.permanent}: it was recorded without the attempts
   * its retry policy had left. Absent when it went well or failed every attempt.
   */
  readonly permanent?: true;
}

/** Options of {@link startAutomations}. */
export interface StartAutomationsOptions<Services> {
  /** The factory's log; the automation event types are registered on it. */
  readonly log: EventLog;
  /** Automations to run; names must be unique. */
  readonly automations: readonly Automation<Services>[];
  /** Services handed to every handler. */
  readonly services: Services;
  /**
   * Told when appending a handler's result fails for a reason other than bad
   * output (the automation retries after a second), or when an exclusive
   * automation's claim could not be renewed while its handler runs (a
   * `ClaimRenewalError`; the handler goes on).
   */
  readonly onError?: (error: unknown, automation: string, event: StoredEvent) => void;
  /**
   * The operators a handler's `notify` may address (a factory gives its floor
   * plan's, and the owners of work items). A notification to anyone else
   * fails the handling as a throw does (retried, then recorded among the
   * failures), as does one whose title is not one line, whatever this says.
   * Without it every recipient is accepted.
   */
  readonly operators?: KnownOperators;
}

/** Running automations. */
export interface AutomationRunner extends AsyncDisposable {
  /** Position up to which each automation has handled its events, by name. */
  positions(): Readonly<Record<string, number>>;
  /**
   * Resolves when every automation has handled every matching event up to the
   * log's head, the events written while it waits included (those the
   * automations emit, which other automations may handle): it waits again
   * until the head stops moving, so while other writers keep appending it keeps waiting.
   */
  idle(): Promise<void>;
  /**
   * Events whose last handling failed, by every automation of the runner (or
   * one), oldest first (then by automation), read from the
   * `automation.handled` marks of the log; `readAutomationFailures` reads
   * those of every automation that ran on the log, with each event's type
   * and subject.
   */
  failures(automation?: string): Promise<AutomationFailure[]>;
  /**
   * Runs a failed event through its automation's handler again (with the
   * automation's retries), recording a new `automation.handled` mark with
   * what it emitted. Once per failure across processes: a second retry of the
   * same failure gets the outcome of the first.
   *
   * @throws NotFoundError when the runner has no such automation, or the
   * automation never handled that event (unknown, or not reached yet).
   * @throws ValidationError (path `event`) when the event's last handling went well: nothing to retry.
   * @throws ClosedError when the runner is closing.
   */
  retry(automation: string, event: string): Promise<RetryResult>;
  /**
   * Stops every automation after the event in progress: each handler's
   * `signal` aborts, and an event whose handler fails after that (because it
   * heeded the signal, say) stays unhandled, for the next start.
   */
  close(): Promise<void>;
}

/**
 * Starts automations, each from its durable cursor: the position up to which
 * its records in the log say it handled its events. A handler's emitted events
 * and the `automation.handled` mark land in one batch under an idempotency key
 * derived from the automation and the event, so across crashes, restarts and
 * several processes running the same automations, what an event's handling
 * emits lands once. Handlings that emit nothing are recorded 500 at a time
 * and at a close (an `automation.advanced`), not one by one; after a crash,
 * those since the last record run again (see `Cursor`). While an
 * automation works through a long history, the process goes on serving (its
 * subscription lets the event loop turn between pages).
 *
 * A handler that throws is called again, as its `retry` policy says (default
 * 3 calls in all, waiting 100 then 200 ms), so a passing failure loses
 * nothing. After the last attempt the event is recorded as handled with
 * outcome `error` and its emitted events are dropped, so one bad event cannot
 * wedge an automation; {@link AutomationRunner.failures} lists such events and
 * {@link AutomationRunner.retry} runs one again. A handler that throws (or
 * whose Effect fails with) a `PermanentFailureError`, or any error with
 * `retriable: false`, is not called again: its event is recorded so at once,
 * the mark saying `permanent: true`.
 *
 * An automation defined `exclusive` runs its handler on each event in one
 * process of those serving the factory: the one whose `automation.claimed`
 * event for it lands (see `Automation.exclusive`).
 *
 * @throws ValidationError when an automation is malformed (its name, `on`,
 * `run`, `retry` or `exclusive`).
 * @throws ValidationError (path `automations[i].name`) when two automations share a name.
 * @throws ValidationError (path `automations[i].on[j]`) when an automation
 * reacts to an event type the log's registry lacks (a misspelling would
 * never fire): the message names the automation and the type, and the
 * registered types near it ("did you mean"). Register your own types before starting
 * (`openEventLog`'s or `openFactory`'s `events`).
 */
export async function startAutomations<Services>(
  options: StartAutomationsOptions<Services>,
): Promise<AutomationRunner> {
  checkArguments("startAutomations", { options: [StartOptionsSchema, options] });
  const { log, automations } = options;
  log.registry.register(...automationEvents);
  const names = new Set<string>();
  automations.forEach((automation, index) => {
    parseInput(AutomationSchema, automation, `automation "${String(automation?.name)}"`);
    if (names.has(automation.name))
      throw invalidInput("startAutomations options", [
        { path: `automations[${index}].name`, message: `two automations are named "${automation.name}"` },
      ]);
    names.add(automation.name);
  });
  const unknown = unknownTypes(log.registry, automations);
  if (unknown.length > 0) throw invalidInput("startAutomations options", unknown);
  const cursors = await readCursors(log, names);
  const workers = automations.map(
    (automation) => new AutomationWorker(automation, options, cursors.get(automation.name) ?? 0),
  );
  await Promise.all(workers.map((worker) => worker.start()));
  const runner: AutomationRunner = {
    positions: () => Object.fromEntries(workers.map((worker) => [worker.name, worker.position])),
    idle: async () => {
      // What the automations write while they are waited for (a notification, a routing) is waited for too.
      for (let head = await log.head(); ; ) {
        await Promise.all(workers.map((worker) => worker.reach(head)));
        const now = await log.head();
        if (now === head) return;
        head = now;
      }
    },
    failures: async (automation) => {
      checkArguments("automations.failures", { automation: [Text.optional(), automation] });
      if (automation !== undefined) workerNamed(workers, automation);
      const wanted = automation === undefined ? names : new Set([automation]);
      return failuresOf(await lastMarks(log, wanted)).map(({ failure }) => failure);
    },
    retry: async (automation, event) => {
      checkArguments("automations.retry", { automation: [Text, automation], event: [Text, event] });
      return workerNamed(workers, automation).retry(event);
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    },
    [Symbol.asyncDispose]: () => runner.close(),
  };
  return runner;
}

/** An issue for each type an automation reacts to that the registry lacks, with the registered types near it. */
function unknownTypes(
  registry: EventRegistry,
  automations: readonly Automation<unknown>[],
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  automations.forEach((automation, index) => {
    automation.on.forEach((type, at) => {
      if (registry.has(type)) return;
      const near = nearNames(type, registry.types());
      const hint = near.length > 0 ? `did you mean ${near.map((name) => `"${name}"`).join(" or ")}? ` : "";
      issues.push({
        path: `automations[${index}].on[${at}]`,
        message: `automation "${automation.name}" reacts to event type "${type}", which no event definition registers, so it would never run; ${hint}register your own event types before the automations start (the events option of openEventLog or openFactory)`,
      });
    });
  });
  return issues;
}

function workerNamed<Services>(
  workers: readonly AutomationWorker<Services>[],
  name: string,
): AutomationWorker<Services> {
  const worker = workers.find((candidate) => candidate.name === name);
  if (worker === undefined) {
    throw new NotFoundError({
      message: `no automation "${name}" in this runner; it runs: ${workers.map((known) => known.name).join(", ")}`,
      entity: "automation",
      id: name,
    });
  }
  return worker;
}
