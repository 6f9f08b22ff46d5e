/**
 * How {@link Standards} runs its rules' checks on one target: each check
 * gets its own abort signal; one that outlasts the timeout is aborted and
 * becomes an `error` finding (and its rule is skipped for the rest of the
 * same check call); a close cancels the checks under way and waits a grace
 * period for them; a rule whose check throws becomes a finding about the rule.
 *
 * @module
 */
import { ClosedError } from "@software-factory/core";
import { callHandler } from "../internal/callHandler.js";
import { errorText } from "../internal/errorText.js";
import type { Finding, Rule, TargetRef, Violation } from "./Rule.js";
import type { Standards, StandardsOptions } from "./Standards.js";

/**
 * How long {@link RuleChecks.close} waits for the checks under way to end
 * after it aborted their signal, before it returns without them.
 */
const RULE_CLOSE_GRACE_MS = 1000;

/** What the timer of a rule's check resolves to when the check outlasts the timeout. */
const TIMED_OUT: unique symbol = Symbol("timed out");

/** The rules of one check call that did not finish in time, each with the target it stuck on. */
export type TimedOut = Map<string, TargetRef>;

/**
 * The checks of a {@link Standards}' rules, with the context handed to each,
 * the timeout of one check ({@link StandardsOptions.checkTimeoutMs}) and the
 * checks under way, which {@link RuleChecks.close} cancels.
 */
export class RuleChecks<Context> {
  /**
   * Checks under way, each (settled, never rejecting) with what cancels it:
   * {@link RuleChecks.close} aborts them and waits a grace period for them.
   */
  readonly #underWay = new Map<Promise<void>, () => void>();
  /** Set by {@link RuleChecks.close}: no check starts any more. */
  #closed: ClosedError | undefined;

  /** Checks that hand `context` to each rule and abort one after `timeoutMs`. */
  constructor(
    private readonly context: Context,
    private readonly timeoutMs: number,
  ) {}

  /** @throws ClosedError (`E_CLOSED`) once {@link RuleChecks.close} was called. */
  ensureOpen(): void {
    if (this.#closed !== undefined) throw this.#closed;
  }

  /**
   * Checks one target (`ref` names it) against the rules that apply to its
   * kind, skipping the rules that timed out earlier in the same check call
   * (`timedOut`, which this call adds to): each of those gets an `error`
   * finding saying it was not run.
   *
   * @throws ClosedError (`E_CLOSED`) when closed, or closing while a rule's
   * check is under way (the message names the rule).
   */
  async checkTarget(
    ref: TargetRef,
    target: unknown,
    rules: readonly Rule<unknown, Context>[],
    timedOut: TimedOut,
  ): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const rule of rules) {
      if (rule.appliesTo !== ref.kind) continue;
      const stuck = timedOut.get(rule.id);
      const violations =
        stuck === undefined
          ? await this.#run(rule, target, ref, timedOut)
          : [
              this.#timeoutViolation(
                rule,
                `was not run on ${ref.kind} ${ref.id}: it did not finish on ${stuck.kind} ${stuck.id}`,
              ),
            ];
      for (const violation of violations) findings.push(toFinding(rule, violation, ref));
    }
    return findings;
  }

  /**
   * Cancels the checks under way and refuses new ones: each check's
   * `signal` aborts, its caller gets a `ClosedError` naming the rule as
   * cancelled, and the close waits up to one second for the checks to end.
   * Calling it again does nothing more.
   */
  async close(): Promise<void> {
    this.#closed ??= new ClosedError({
      message:
        "the factory's standards are closed: no rule is checked any more; open the factory again to check rules",
    });
    const underWay = [...this.#underWay];
    for (const [, cancel] of underWay) cancel();
    if (underWay.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, RULE_CLOSE_GRACE_MS);
    });
    await Promise.race([Promise.all(underWay.map(([settled]) => settled)), grace]);
    clearTimeout(timer);
  }

  /** The finding of a rule whose check did not finish in time (`what` says where). */
  #timeoutViolation(rule: Rule<unknown, Context>, what: string): Violation {
    return {
      message: `rule ${rule.id} ${what} within ${this.timeoutMs} ms, so it cannot pass`,
      hint: "make the check quicker, or pass its signal on to what it waits for; a check that needs longer: raise checkTimeoutMs (openFactory's ruleCheckTimeoutMs)",
      severity: "error",
    };
  }

  /**
   * Runs one rule's check with its own signal, raced against
   * {@link RuleChecks.close}: a close while it runs aborts the signal and
   * fails it with a ClosedError naming the rule, whatever the check does.
   * One still running after the timeout is aborted and answered with a
   * timed-out finding, and its rule noted in `timedOut`.
   */
  async #run(
    rule: Rule<unknown, Context>,
    target: unknown,
    ref: TargetRef,
    timedOut: TimedOut,
  ): Promise<readonly Violation[]> {
    if (this.#closed !== undefined) throw cancelledError(rule, ref);
    const controller = new AbortController();
    let cancel = (): void => undefined;
    const cancelled = new Promise<never>((_resolve, reject) => {
      cancel = () => {
        const error = cancelledError(rule, ref);
        controller.abort(error);
        reject(error);
      };
    });
    const { signal } = controller;
    const running = callHandler(() => rule.check(target, this.context, { signal }), signal);
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.#underWay.set(settled, cancel);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([running, cancelled, late]);
      if (outcome !== TIMED_OUT) return outcome;
      const what = `did not finish checking ${ref.kind} ${ref.id}`;
      controller.abort(
        new DOMException(`rule ${rule.id} ${what} within ${this.timeoutMs} ms`, "TimeoutError"),
      );
      timedOut.set(rule.id, ref);
      return [this.#timeoutViolation(rule, what)];
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      // A broken rule is a finding about the rule, not a crash of every check.
      return [
        {
          message: `rule ${rule.id} failed to run: ${errorText(error)}`,
          hint: "fix the rule's check; until then it cannot pass",
          severity: "error",
        },
      ];
    } finally {
      clearTimeout(timer);
      this.#underWay.delete(settled);
    }
  }
}

/** The error of a rule's check cut off by {@link RuleChecks.close}, naming the rule and what it checked. */
function cancelledError(rule: Rule<unknown, never>, ref: TargetRef): ClosedError {
  return new ClosedError({
    message: `rule "${rule.id}" was cancelled: the factory's standards closed while it checked ${ref.kind} ${ref.id}, so its result is dropped`,
  });
}

/** A rule's violation as a finding on `target` (the violation's own target, if it names one, wins). */
function toFinding(rule: Rule<unknown, never>, violation: Violation, target: TargetRef): Finding {
  return {
    rule: rule.id,
    severity: violation.severity ?? rule.severity,
    message: violation.message,
    ...(violation.hint === undefined ? {} : { hint: violation.hint }),
    ...(violation.fix === undefined ? {} : { fix: violation.fix }),
    target: violation.target ?? target,
    ...(violation.lines === undefined ? {} : { lines: [...violation.lines] }),
  };
}
