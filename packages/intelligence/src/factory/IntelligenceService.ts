/**
 * The intelligence operations of an open factory as an Effect service:
 * routing, context packs, skills (listings, instructions, runs), standards
 * (rules, instruction standards, checks), scorecards, inboxes and
 * automations, with typed errors.
 *
 * @module
 */
import {
  attempt as attemptCall,
  attemptSync,
  eitherSignal,
  type FactoryError,
  isKernelError,
  type ModelError,
  NotFoundError,
  type SchemaVersionError,
  type ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import type { RemoveAllLinesError } from "@software-factory/floorplan";
import type { DocumentRetractedError, EmbedderError } from "@software-factory/knowledge";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import type { Notification } from "../automations/Automation.js";
import type { AutomationFailure } from "../automations/automationFailures.js";
import type { InboxItem, InboxListOptions } from "../automations/Inbox.js";
import type { AutomationRunner, RetryResult } from "../automations/startAutomations.js";
import { errorText } from "../internal/errorText.js";
import type { RouteCandidate } from "../router/Router.js";
import type { InstructionStandard } from "../rules/InstructionStandard.js";
import type { Finding, Rule, RulePack, TargetRef } from "../rules/Rule.js";
import type { Scorecard } from "../rules/Scorecard.js";
import type { CheckScope } from "../rules/Standards.js";
import type { LineScore } from "../rules/scoreLines.js";
import { isSdkError, SkillFailedError } from "../skills/SkillFailedError.js";
import type { InstructionSkill } from "../skills/SkillMd.js";
import type { SkillInfo, SkillRegistry, SkillRun } from "../skills/SkillRegistry.js";
import type { SkillProblem, SkillsDirResult } from "../skills/skillFolders.js";
import type { SkillUsage, SkillUsageOptions } from "../skills/skillUsage.js";
import type { ContextPack, ContextRequest } from "./contextPack.js";
import type { EncodedUsage, EncodedUsageOptions } from "./encodedUsage.js";
import type { RouteInput } from "./factoryRouter.js";
import type { Factory } from "./openFactory.js";

/**
 * What an intelligence call can fail with: the kernel's errors (a malformed
 * input, an unknown work item, line, skill or scorecard...), a model or
 * embedder failure, a skill whose handler failed, or a retracted document or
 * floor-plan refusal a skill ran into. Anything else (a bug, a rule that throws a plain `Error`)
 * is a defect.
 */
export type IntelligenceError =
  | Exclude<FactoryError, SchemaVersionError>
  | ModelError
  | EmbedderError
  | DocumentRetractedError
  | SkillFailedError
  | RemoveAllLinesError;

const isSchemaVersionError = isKernelError("SchemaVersionError");

/**
 * Whether a thrown value is one of the typed errors of {@link IntelligenceError}:
 * matched by `_tag` and `code`, as a skill run passes them on, so one of
 * another copy of the SDK (a model provider built against another version)
 * fails the Effect rather than dying.
 */
function isIntelligenceError(error: unknown): error is IntelligenceError {
  return isSdkError(error) && !isSchemaVersionError(error);
}

/** A Promise-face call as an Effect: its typed errors in the error channel, anything else a defect. */
function attempt<A>(call: () => Promise<A>): Effect.Effect<A, IntelligenceError> {
  return attemptCall(call, isIntelligenceError);
}

/** A write as an Effect: uninterruptible, so an interrupted write has landed or failed when the interruption returns. */
function write<A>(call: () => Promise<A>): Effect.Effect<A, IntelligenceError> {
  return Effect.uninterruptible(attempt(call));
}

/**
 * A skill run as an Effect whose interruption cancels the run: the signal the
 * run is given aborts when the fiber is interrupted, or when `options.signal`
 * does. A run cancelled by `options.signal` fails with a
 * {@link SkillFailedError} whose `cause` is the signal's reason; an
 * interrupted one ends the fiber at once, and its run ends (recorded as
 * cancelled) on its own: `factory.close()` waits for it.
 */
function cancellableRun(
  factory: Factory,
  name: string,
  input: unknown,
  options: Parameters<SkillRegistry["run"]>[2] = {},
): Effect.Effect<SkillRun, IntelligenceError> {
  const given = options.signal;
  return Effect.tryPromise({
    try: (interrupted) => {
      // Not an AbortSignal: passed on as it is, for skills.run to refuse it by name.
      const signal =
        given instanceof AbortSignal ? AbortSignal.any([given, interrupted]) : (given ?? interrupted);
      return factory.skills.run(name, input, { ...options, signal });
    },
    catch: (error) => error,
  }).pipe(
    Effect.catch((error) => {
      if (isIntelligenceError(error)) return Effect.fail(error);
      if (given instanceof AbortSignal && given.aborted && error === given.reason)
        return Effect.fail(
          new SkillFailedError({
            message: `skill ${name} cancelled: ${errorText(error)}`,
            skill: name,
            cause: error,
          }),
        );
      return Effect.die(error);
    }),
  );
}

/**
 * A context pack as an Effect that interrupting the fiber cancels: the pack
 * gets the signal `Effect.tryPromise` aborts on interruption, combined with
 * the request's own `signal` when it carries one. A pack cancelled by that
 * signal is interrupted too, rather than failing with the signal's reason as
 * a defect (as `KnowledgeBaseService.search`).
 */
function cancellableContext(
  factory: Factory,
  request: ContextRequest,
): Effect.Effect<ContextPack, IntelligenceError> {
  // A request that is no object, or a signal that is no AbortSignal, is passed on for context() to refuse by name.
  const given: unknown = typeof request === "object" && request !== null ? request.signal : undefined;
  const own = given instanceof AbortSignal ? given : undefined;
  return Effect.tryPromise({
    try: async (interrupted) => {
      if (typeof request !== "object" || request === null || (given !== undefined && own === undefined))
        return factory.context(request);
      const { signal, release } = eitherSignal(own, interrupted);
      try {
        return await factory.context({ ...request, signal });
      } finally {
        release();
      }
    },
    catch: (error) => error,
  }).pipe(
    Effect.catch((error) =>
      isIntelligenceError(error)
        ? Effect.fail(error)
        : own?.aborted === true && error === own.reason
          ? Effect.interrupt
          : Effect.die(error),
    ),
  );
}

/** An operator's inbox from Effect code (see {@link Factory.inbox}). */
export interface InboxShape {
  /** See {@link Inbox.list}. */
  readonly list: (
    operator: string,
    options?: InboxListOptions,
  ) => Effect.Effect<InboxItem[], IntelligenceError>;
  /** See {@link Inbox.unreadCount}. */
  readonly unreadCount: (operator: string) => Effect.Effect<number, IntelligenceError>;
  /** See {@link Inbox.notify}; uninterruptible, as the other writes of the factory's services. */
  readonly notify: (
    notification: Notification,
    options?: { readonly actor?: string },
  ) => Effect.Effect<InboxItem, IntelligenceError>;
  /** See {@link Inbox.markRead}; succeeds with how many this call marked read; uninterruptible. */
  readonly markRead: (operator: string, ids: readonly string[]) => Effect.Effect<number, IntelligenceError>;
}

/** The automations running in a factory, from Effect code (see {@link Factory.automations}). */
export interface AutomationsShape {
  /** Position up to which each automation has handled its events, by name (see {@link AutomationRunner.positions}); empty when no automation runs. */
  readonly positions: Effect.Effect<Readonly<Record<string, number>>>;
  /**
   * Waits until every automation has handled every matching event up to the
   * log's head (see {@link AutomationRunner.idle}); succeeds at once when no
   * automation runs.
   */
  readonly idle: Effect.Effect<void, IntelligenceError>;
  /** Events whose last handling failed (see {@link AutomationRunner.failures}); none when no automation runs. */
  readonly failures: (automation?: string) => Effect.Effect<AutomationFailure[], IntelligenceError>;
  /**
   * Runs a failed event through its automation again (see
   * {@link AutomationRunner.retry}); uninterruptible, as the other writes.
   * A `NotFoundError` names an automation that does not run in this factory.
   */
  readonly retry: (automation: string, event: string) => Effect.Effect<RetryResult, IntelligenceError>;
}

/** The automations shape over a factory's runner, or over none when no automation runs. */
function makeAutomationsShape(runner: AutomationRunner | undefined): AutomationsShape {
  return {
    positions: Effect.sync(() => runner?.positions() ?? {}),
    idle: attempt(async () => runner?.idle()),
    failures: (automation) => attempt(async () => (runner === undefined ? [] : runner.failures(automation))),
    retry: (automation, event) =>
      write(async () => {
        if (runner !== undefined) return runner.retry(automation, event);
        throw new NotFoundError({
          message: `no automation "${automation}" runs in this factory: it was opened with no automations`,
          entity: "automation",
          id: automation,
        });
      }),
  };
}

/**
 * The factory's standards from Effect code (see {@link Factory.standards}):
 * what they hold, and checks of one target. Checking the factory's rules is
 * {@link IntelligenceShape.check}.
 */
export interface StandardsShape {
  /** Every rule, in the order added (see {@link Standards.rules}). */
  readonly rules: Effect.Effect<Rule<unknown, Factory>[]>;
  /** A rule by id, `undefined` when there is none (see {@link Standards.rule}); an id that is no string fails with `ValidationError`. */
  readonly rule: (id: string) => Effect.Effect<Rule<unknown, Factory> | undefined, ValidationError>;
  /** Every rule pack (see {@link Standards.packs}). */
  readonly packs: Effect.Effect<RulePack[]>;
  /** Kinds of target a source serves (see {@link Standards.kinds}). */
  readonly kinds: Effect.Effect<string[]>;
  /**
   * Instruction standards: every one, or those that apply to one of `paths` (see {@link Standards.instructions});
   * `paths` that are no array of strings fail with `ValidationError`.
   */
  readonly instructions: (paths?: readonly string[]) => Effect.Effect<InstructionStandard[], ValidationError>;
  /** Instruction files left out when they were read, each with its file and why (see {@link Standards.skipped}). */
  readonly skipped: Effect.Effect<ValidationIssue[]>;
  /**
   * Checks one given target against the rules of its kind (see {@link Standards.checkTarget});
   * a `ClosedError` when the factory closes while a rule's check is under way.
   */
  readonly checkTarget: (
    kind: string,
    target: unknown,
    rules?: readonly Rule<unknown, Factory>[],
  ) => Effect.Effect<Finding[], IntelligenceError>;
  /** Lines of a target reference, none for an unknown target (see {@link Standards.linesOf}). */
  readonly linesOf: (ref: TargetRef) => Effect.Effect<readonly string[], IntelligenceError>;
}

/**
 * The factory's skills from Effect code (see {@link Factory.skills}): the
 * listings and instructions. Running one is {@link IntelligenceShape.runSkill}.
 */
export interface SkillsShape {
  /** Every skill that loaded, by name (see {@link SkillRegistry.list}). */
  readonly list: Effect.Effect<SkillInfo[]>;
  /** Skill folders that failed to load, each with its problems (see {@link SkillRegistry.problems}). */
  readonly problems: Effect.Effect<SkillProblem[]>;
  /**
   * A skill's instructions as SKILL.md parts, `undefined` when no skill has the name
   * (see {@link SkillRegistry.instructions}); a `ValidationError` naming its problems
   * when its folder failed to load.
   */
  readonly instructions: (name: string) => Effect.Effect<InstructionSkill | undefined, ValidationError>;
  /** The SKILL.md text of a skill (see {@link SkillRegistry.skillMd}); a `ValidationError` as `instructions`. */
  readonly skillMd: (name: string) => Effect.Effect<string | undefined, ValidationError>;
  /**
   * Loads a skills folder again and succeeds with what it holds now (see {@link SkillRegistry.reloadInstructions});
   * a `dir` that is no string fails with `ValidationError`.
   */
  readonly reloadInstructions: (dir: string) => Effect.Effect<SkillsDirResult, ValidationError>;
  /**
   * The use of what factory operators encoded: each author's skills and their runs in a window
   * (see {@link SkillRegistry.usage}); malformed options fail with `ValidationError`.
   */
  readonly usage: (options: SkillUsageOptions) => Effect.Effect<SkillUsage, IntelligenceError>;
}

const isValidationError = isKernelError("ValidationError");

/** The standards shape over a factory's standards. */
function makeStandardsShape(standards: Factory["standards"]): StandardsShape {
  return {
    rules: Effect.sync(() => standards.rules()),
    rule: (id) => attemptSync(() => standards.rule(id), isValidationError),
    packs: Effect.sync(() => standards.packs()),
    kinds: Effect.sync(() => standards.kinds()),
    instructions: (paths) => attemptSync(() => standards.instructions(paths), isValidationError),
    skipped: Effect.sync(() => standards.skipped()),
    checkTarget: (kind, target, rules) => attempt(() => standards.checkTarget(kind, target, rules)),
    linesOf: (ref) => attempt(() => standards.linesOf(ref)),
  };
}

/** The skills shape over a factory's skill registry. */
function makeSkillsShape(skills: Factory["skills"]): SkillsShape {
  return {
    list: Effect.sync(() => skills.list()),
    problems: Effect.sync(() => skills.problems()),
    instructions: (name) => attemptSync(() => skills.instructions(name), isValidationError),
    skillMd: (name) => attemptSync(() => skills.skillMd(name), isValidationError),
    reloadInstructions: (dir) => attemptSync(() => skills.reloadInstructions(dir), isValidationError),
    usage: (options) => attempt(() => skills.usage(options)),
  };
}

/** The intelligence operations of a factory as seen from Effect code, with typed errors. */
export interface IntelligenceShape {
  /** The Promise face underneath, for code that mixes both. */
  readonly factory: Factory;
  /** See {@link Factory.route}. */
  readonly route: (
    input: RouteInput,
    options?: { readonly limit?: number },
  ) => Effect.Effect<RouteCandidate[], IntelligenceError>;
  /**
   * See {@link Factory.context}. Interruptible: interrupting the fiber
   * (`Fiber.interrupt`, `Effect.timeout`) cancels the pack as its `signal`
   * would, so the embedder's call of its knowledge search is aborted (an
   * HTTP embedder closes its request). A `signal` in the request that aborts
   * interrupts it too, as `KnowledgeBaseService.search` does.
   */
  readonly context: (request: ContextRequest) => Effect.Effect<ContextPack, IntelligenceError>;
  /**
   * Runs a skill and records the run (see {@link SkillRegistry.run}).
   * Interruptible, since a skill may wait long on a model: interrupting it
   * (`Fiber.interrupt`, `Effect.timeout`...) cancels the run as
   * `options.signal` would: a Promise handler sees its context's `signal`
   * abort and stops if it heeds it, an Effect handler is interrupted (its
   * finalizers run), and the run is recorded as `failed` with
   * `cancelled: true`, releasing its `idempotencyKey`. The interruption
   * returns at once, without waiting for the handler to stop; the run ends
   * and is recorded on its own, and closing the factory (`FactoryService.layer`
   * does when its scope closes) waits for runs under way, so their writes and
   * records land.
   * A run cancelled by `options.signal` fails with a `SkillFailedError` whose
   * `cause` is the signal's reason (its message says `cancelled`), where the
   * Promise face rejects with the reason itself.
   * With `idempotencyKey`, a retry with the same key, skill and input
   * succeeds with the first run's recorded output without running the
   * handler again; the key used for another skill or input fails with an
   * `IdempotencyConflictError` naming both. A retry that joined a run under
   * way with the key, in this process, runs the skill itself when that run is
   * cancelled (by its caller's signal or its fiber's interruption), as the
   * Promise face does, rather than failing with the other caller's reason.
   */
  readonly runSkill: (
    name: string,
    input: unknown,
    options?: Parameters<SkillRegistry["run"]>[2],
  ) => Effect.Effect<SkillRun, IntelligenceError>;
  /** Checks the factory's rules (see {@link Standards.check}); an unknown rule id fails with a `NotFoundError` naming it. */
  readonly check: (scope?: CheckScope) => Effect.Effect<Finding[], IntelligenceError>;
  /** Scores lines on a scorecard now (see {@link Scorecards.evaluate}). */
  readonly evaluateScorecard: (
    scorecard: string,
    lines?: readonly string[],
  ) => Effect.Effect<LineScore[], IntelligenceError>;
  /** A line's recorded level on a scorecard (see {@link Scorecards.levelOf}). */
  readonly scorecardLevel: (
    scorecard: string,
    line: string,
  ) => Effect.Effect<string | undefined, IntelligenceError>;
  /** The scorecards kept (see {@link Scorecards.list}). */
  readonly scorecards: Effect.Effect<readonly Scorecard[]>;
  /**
   * The use of what factory operators encoded (skills, rules, automations)
   * per author in a window (see {@link Factory.encodedUsage}); malformed
   * options fail with `ValidationError`.
   */
  readonly encodedUsage: (options: EncodedUsageOptions) => Effect.Effect<EncodedUsage, IntelligenceError>;
  /** The standards: rules, packs, instruction standards, and checks of one target. */
  readonly standards: StandardsShape;
  /** The skills: listings and instructions. */
  readonly skills: SkillsShape;
  /** Operators' notifications. */
  readonly inbox: InboxShape;
  /** The automations running while the factory is open. */
  readonly automations: AutomationsShape;
}

/** Wraps an open factory's intelligence operations in the Effect shape. */
export function makeIntelligenceShape(factory: Factory): IntelligenceShape {
  const { inbox } = factory;
  return {
    factory,
    route: (input, options) => attempt(() => factory.route(input, options)),
    context: (request) => cancellableContext(factory, request),
    runSkill: (name, input, options) => cancellableRun(factory, name, input, options),
    check: (scope) => attempt(() => factory.standards.check(scope)),
    evaluateScorecard: (scorecard, lines) => attempt(() => factory.scorecards.evaluate(scorecard, lines)),
    scorecardLevel: (scorecard, line) => attempt(() => factory.scorecards.levelOf(scorecard, line)),
    scorecards: Effect.sync(() => factory.scorecards.list()),
    encodedUsage: (options) => attempt(() => factory.encodedUsage(options)),
    standards: makeStandardsShape(factory.standards),
    skills: makeSkillsShape(factory.skills),
    inbox: {
      list: (operator, options) => attempt(() => inbox.list(operator, options)),
      unreadCount: (operator) => attempt(() => inbox.unreadCount(operator)),
      notify: (notification, options) => write(() => inbox.notify(notification, options)),
      markRead: (operator, ids) => write(() => inbox.markRead(operator, ids)),
    },
    automations: makeAutomationsShape(factory.automations),
  };
}

/**
 * Routing, context packs, skills, rules, scorecards, inboxes and automations of an open
 * factory as an Effect service. `FactoryService.layer` provides it with the
 * other services of the factory.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const intelligence = yield* IntelligenceService;
 *   const [best] = yield* intelligence.route("refunds fail at checkout");
 *   return yield* intelligence.context({ line: best?.line ?? "checkout" }).pipe(
 *     Effect.catchTag("NotFoundError", () => Effect.succeed(undefined)),
 *   );
 * });
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir: ".factory" })));
 * ```
 */
export class IntelligenceService extends Context.Service<IntelligenceService, IntelligenceShape>()(
  "@software-factory/intelligence/Intelligence",
) {}
