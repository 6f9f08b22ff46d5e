import {
  aFunction,
  anObject,
  ClosedError,
  checkArguments,
  NotFoundError,
  strictInput,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { z } from "zod";
import { Text, Texts } from "../internal/arguments.js";
import { invalidInput } from "../internal/invalid.js";
import { parseInput } from "../internal/parse.js";
import {
  type InstructionStandard,
  InstructionStandardSchema,
  standardAppliesTo,
} from "./InstructionStandard.js";
import {
  type Finding,
  type Rule,
  type RulePack,
  type TargetRef,
  type Violation,
  validateRule,
  validateRulePack,
} from "./Rule.js";

/** Where the targets of one kind come from (the floor plan's lines, the assembly line's work items...). */
export interface TargetSource<Target = unknown> {
  /** Kind of target it serves (`line`). */
  readonly kind: string;
  /** Every target of the kind. */
  all(): readonly Target[] | Promise<readonly Target[]>;
  /** The target with this id, if any. */
  get(id: string): Target | undefined | Promise<Target | undefined>;
  /** Id of a target. */
  idOf(target: Target): string;
  /**
   * Line or lines a target belongs to, for scorecards and scoping (a line is
   * its own; a knowledge document concerns every line it names, and a finding
   * on it counts against each of them).
   */
  lineOf(target: Target): string | readonly string[] | undefined;
}

/** What to check: everything, one kind, one target, or one line's targets; optionally only some rules. */
export interface CheckScope {
  /** Only targets of this kind. */
  readonly kind?: string;
  /** Only this target (needs `kind`). */
  readonly id?: string;
  /** Only targets of this line. */
  readonly line?: string;
  /** Only these rules, by id. */
  readonly rules?: readonly string[];
}

/**
 * How long {@link Standards.close} waits for the checks under way to end
 * after it aborted their signal, before it returns without them.
 */
const RULE_CLOSE_GRACE_MS = 1000;

/** How long one rule's check of one target may take by default before it is aborted and fails. */
const DEFAULT_RULE_CHECK_TIMEOUT_MS = 30_000;

/** Options of {@link Standards}. */
export interface StandardsOptions {
  /**
   * How long one rule's check of one target may take, in milliseconds (default
   * 30 seconds; a whole number from 1 to 3,600,000). A check still running then
   * has its `signal` aborted (reason: a `TimeoutError`) and becomes an `error`
   * finding of its rule saying it did not finish, so it cannot pass; the rest of
   * the same `check` call then skips that rule, each of its other targets
   * getting such a finding, so a stuck rule holds a check (and a factory's
   * open, which scores its scorecards) once, not once per target.
   */
  readonly checkTimeoutMs?: number;
}

/** A rule check's timeout in milliseconds, as {@link StandardsOptions.checkTimeoutMs} and openFactory take it. */
export const RuleCheckTimeoutMsSchema = z
  .number()
  .int("must be a whole number of milliseconds")
  .min(1, "must be at least 1 ms")
  .max(3_600_000, "must be at most an hour (3,600,000 ms)");

const StandardsOptionsSchema = strictInput({ checkTimeoutMs: RuleCheckTimeoutMsSchema.optional() });

/** What {@link Standards.addSource} needs of a source: its kind and its functions. */
const TargetSourceSchema = anObject("a target source").pipe(
  z.object({
    kind: z.string().min(1),
    all: aFunction,
    get: aFunction,
    idOf: aFunction,
    lineOf: aFunction,
  }),
);

/** An instruction file left out, as {@link Standards.addSkipped} keeps it. */
const SkippedSchema = z.object({ path: z.string(), message: z.string() });

/** The rules of one check call that did not finish in time, each with the target it stuck on. */
type TimedOut = Map<string, TargetRef>;

/**
 * The factory's standards: rules over its targets, grouped in packs, checked
 * on demand, by gates and by scorecards. Rules read the targets their sources
 * give; the context is handed to every check (the factory's services).
 * Beside the rules, advisory instruction standards (Cursor rules, `AGENTS.md`,
 * `CLAUDE.md`) apply by path and are never checked.
 *
 * {@link Standards.close} cancels the checks under way: each check's
 * `signal` aborts and its caller gets a `ClosedError` naming the rule. A
 * check that takes longer than `checkTimeoutMs` is aborted and fails (see
 * {@link StandardsOptions.checkTimeoutMs}).
 */
export class Standards<Context = unknown> {
  readonly #rules = new Map<string, Rule<unknown, Context>>();
  readonly #instructions = new Map<string, InstructionStandard>();
  readonly #skipped: ValidationIssue[] = [];
  readonly #packs = new Map<string, RulePack>();
  readonly #sources = new Map<string, TargetSource>();
  /**
   * Checks under way, each (settled, never rejecting) with what cancels it:
   * {@link Standards.close} aborts them and waits a grace period for them.
   */
  readonly #underWay = new Map<Promise<void>, () => void>();
  /** Set by {@link Standards.close}: no check starts any more. */
  #closed: ClosedError | undefined;
  readonly #timeoutMs: number;

  /**
   * Standards whose rules' checks get `context` (a factory's services).
   *
   * @throws ValidationError when `options.checkTimeoutMs` is not a whole number from 1 to 3,600,000.
   */
  constructor(
    private readonly context: Context,
    options: StandardsOptions = {},
  ) {
    this.#timeoutMs =
      parseInput(StandardsOptionsSchema, options, "standards options").checkTimeoutMs ??
      DEFAULT_RULE_CHECK_TIMEOUT_MS;
  }

  /** Adds where targets of a kind come from; a later source of the same kind replaces the earlier one. */
  addSource<Target>(source: TargetSource<Target>): this {
    checkArguments("standards.addSource", { source: [TargetSourceSchema, source] });
    this.#sources.set(source.kind, source as TargetSource);
    return this;
  }

  /**
   * Adds rules and packs, all or none. Add the source of a kind
   * ({@link Standards.addSource}) before a rule that applies to it.
   *
   * @throws ValidationError when a rule or pack is malformed (naming it and
   * the field), or a rule applies to a kind no source serves (`appliesTo: "lines"`).
   * @throws ValidationError (path `[i].id`, or `[i].rules[j].id` inside a pack, `i` counting
   * the arguments) when a rule id is already taken by another rule.
   */
  add(...items: readonly (Rule<never, never> | RulePack)[]): this {
    checkArguments("standards.add", { rules: [z.array(anObject("a rule or a rule pack")), items] });
    const packs: RulePack[] = [];
    const rules = new Map<string, Rule<never, never>>();
    const collect = (item: Rule<never, never> | RulePack, at: string): void => {
      if (typeof item === "object" && item !== null && "rules" in item) {
        packs.push(validateRulePack(item));
        item.rules.forEach((rule, index) => {
          collect(rule, `${at}.rules[${index}]`);
        });
        return;
      }
      validateRule(item);
      parseInput(this.#kindSchema(item.appliesTo), item.appliesTo, `rule "${item.id}"`);
      const existing = rules.get(item.id) ?? this.#rules.get(item.id);
      if (existing !== undefined && existing !== item)
        throw invalidInput("rules", [{ path: `${at}.id`, message: `rule id "${item.id}" is already taken` }]);
      rules.set(item.id, item);
    };
    items.forEach((item, index) => {
      collect(item, `[${index}]`);
    });
    for (const pack of packs) this.#packs.set(pack.id, pack);
    for (const rule of rules.values()) this.#rules.set(rule.id, rule as unknown as Rule<unknown, Context>);
    return this;
  }

  /** Every rule, in the order added. */
  rules(): Rule<unknown, Context>[] {
    return [...this.#rules.values()];
  }

  /**
   * Adds advisory instruction standards; one whose id is already present replaces it.
   *
   * @throws ValidationError when a standard is malformed.
   */
  addInstructions(...standards: readonly InstructionStandard[]): this {
    checkArguments("standards.addInstructions", {
      standards: [z.array(InstructionStandardSchema), standards],
    });
    for (const standard of standards) {
      const valid = parseInput(InstructionStandardSchema, standard, `instruction standard ${standard.id}`);
      this.#instructions.set(valid.id, valid);
    }
    return this;
  }

  /**
   * Keeps instruction files left out when they were read (a folder named
   * AGENTS.md, a linked `.mdc`), from `loadInstructionStandards`'s `onWarning`.
   */
  addSkipped(...skipped: readonly ValidationIssue[]): this {
    checkArguments("standards.addSkipped", { skipped: [z.array(SkippedSchema), skipped] });
    this.#skipped.push(...skipped);
    return this;
  }

  /** Instruction files left out when they were read, each with its file and why. */
  skipped(): ValidationIssue[] {
    return [...this.#skipped];
  }

  /**
   * Instruction standards in the order added: every one, or those that apply
   * to at least one of `paths` (the ones that always apply included).
   */
  instructions(paths?: readonly string[]): InstructionStandard[] {
    checkArguments("standards.instructions", { paths: [Texts.optional(), paths] });
    const all = [...this.#instructions.values()];
    if (paths === undefined) return all;
    return all.filter((standard) => paths.some((path) => standardAppliesTo(standard, path)));
  }

  /** Every pack added. */
  packs(): RulePack[] {
    return [...this.#packs.values()];
  }

  /** Kinds of target a source serves, in the order their sources were added. */
  kinds(): string[] {
    return [...this.#sources.keys()];
  }

  /** A rule by id. */
  rule(id: string): Rule<unknown, Context> | undefined {
    checkArguments("standards.rule", { id: [Text, id] });
    return this.#rules.get(id);
  }

  /**
   * Checks the targets in scope against the rules in scope.
   *
   * @throws NotFoundError (`E_NOT_FOUND`, entity `rule`, field `rules[i]`)
   * when `scope.rules` names a rule the standards do not hold (the message
   * names it and lists the known ids), as `factory check --rule` and the
   * `check_standards` tool answer it.
   * @throws ValidationError (`E_VALIDATION`) when `scope.id` comes without
   * `scope.kind`, or `scope` has a key it does not take (`lines` for `line`).
   * @throws ClosedError (`E_CLOSED`) when the standards are closed, or close
   * while a rule's check is under way (the message names the rule): no
   * finding is returned then, not even those found before.
   */
  async check(scope: CheckScope = {}): Promise<Finding[]> {
    if (this.#closed !== undefined) throw this.#closed;
    const keys = CheckScopeSchema.safeParse(scope);
    if (!keys.success) {
      const issue = keys.error.issues[0];
      const path = (issue?.path ?? []).map((key, at) =>
        typeof key === "number" ? `[${key}]` : `${at === 0 ? "" : "."}${String(key)}`,
      );
      throw scopeError(path.join(""), issue?.message ?? "is not a check scope");
    }
    if (scope.id !== undefined && scope.kind === undefined)
      throw scopeError("kind", `checking one target (id "${scope.id}") needs its kind`);
    const rules = this.#selectRules(scope.rules);
    const timedOut: TimedOut = new Map();
    const findings: Finding[] = [];
    const kinds = new Set(rules.map((rule) => rule.appliesTo));
    for (const kind of kinds) {
      if (scope.kind !== undefined && scope.kind !== kind) continue;
      const source = this.#sources.get(kind);
      if (source === undefined) continue;
      const targets = await this.#targets(source, scope);
      for (const target of targets) {
        findings.push(...(await this.#checkTarget(kind, target, rules, timedOut)));
      }
    }
    return findings;
  }

  /**
   * Checks one given target (a work item about to enter a stage, say) against the rules of its kind.
   *
   * @throws ClosedError (`E_CLOSED`) when the standards are closed, or close
   * while a rule's check is under way (the message names the rule).
   */
  async checkTarget(
    kind: string,
    target: unknown,
    rules: readonly Rule<unknown, Context>[] = this.rules(),
  ): Promise<Finding[]> {
    checkArguments("standards.checkTarget", {
      kind: [Text, kind],
      rules: [z.array(anObject("a rule of the standards")), rules],
    });
    return this.#checkTarget(kind, target, rules, new Map());
  }

  /**
   * Cancels the checks under way and refuses new ones: each check's
   * `signal` aborts, its caller gets a `ClosedError` naming the rule as
   * cancelled (its result, if it comes, is dropped), and the close waits up
   * to one second for the checks to end, so one that heeds
   * the signal is done before the factory closes its log, and one that does
   * not keeps no close waiting. `factory.close()` calls it first. Calling it
   * again does nothing more.
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

  /** Lines of a target reference, through its source: none when the target is unknown or belongs to no line. */
  async linesOf(ref: TargetRef): Promise<readonly string[]> {
    checkArguments("standards.linesOf", {
      ref: [anObject("a target reference").pipe(z.object({ kind: Text, id: Text })), ref],
    });
    const source = this.#sources.get(ref.kind);
    if (source === undefined) return [];
    const target = await source.get(ref.id);
    return target === undefined ? [] : linesOfTarget(source, target);
  }

  /** A rule's `appliesTo`, valid when a source serves that kind. */
  #kindSchema(kind: string): z.ZodType<string> {
    const kinds = this.kinds();
    return z.string().refine((candidate) => this.#sources.has(candidate), {
      path: ["appliesTo"],
      message: `no source serves kind "${kind}" (${
        kinds.length === 0 ? "no source added yet" : `kinds with a source: ${kinds.join(", ")}`
      }); add its source first with standards.addSource`,
    });
  }

  async #targets(source: TargetSource, scope: CheckScope): Promise<readonly unknown[]> {
    if (scope.id !== undefined) {
      const target = await source.get(scope.id);
      return target === undefined ? [] : [target];
    }
    const all = await source.all();
    const line = scope.line;
    return line === undefined ? all : all.filter((target) => linesOfTarget(source, target).includes(line));
  }

  /** {@link Standards.checkTarget}, skipping the rules that timed out earlier in the same check call. */
  async #checkTarget(
    kind: string,
    target: unknown,
    rules: readonly Rule<unknown, Context>[],
    timedOut: TimedOut,
  ): Promise<Finding[]> {
    if (this.#closed !== undefined) throw this.#closed;
    const source = this.#sources.get(kind);
    const ref: TargetRef = { kind, id: source?.idOf(target) ?? kind };
    const findings: Finding[] = [];
    for (const rule of rules) {
      if (rule.appliesTo !== kind) continue;
      const stuck = timedOut.get(rule.id);
      const violations =
        stuck === undefined
          ? await this.#runCheck(rule, target, ref, timedOut)
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

  /** The finding of a rule whose check did not finish in time (`what` says where). */
  #timeoutViolation(rule: Rule<unknown, Context>, what: string): Violation {
    return {
      message: `rule ${rule.id} ${what} within ${this.#timeoutMs} ms, so it cannot pass`,
      hint: "make the check quicker, or pass its signal on to what it waits for; a check that needs longer: raise checkTimeoutMs (openFactory's ruleCheckTimeoutMs)",
      severity: "error",
    };
  }

  #selectRules(ids: readonly string[] | undefined): Rule<unknown, Context>[] {
    if (ids === undefined) return this.rules();
    return ids.map((id, index) => {
      const rule = this.#rules.get(id);
      if (rule === undefined) {
        const known = this.#rules.size === 0 ? "none yet" : [...this.#rules.keys()].join(", ");
        const field = `rules[${index}]`;
        throw new NotFoundError({
          message: `check scope: ${field}: no rule "${id}"; known rules: ${known}`,
          entity: "rule",
          id,
          field,
        });
      }
      return rule;
    });
  }

  /**
   * Runs one rule's check with its own signal, raced against
   * {@link Standards.close}: a close while it runs aborts the signal and
   * fails it with a ClosedError naming the rule, whatever the check does.
   * One still running after the timeout is aborted and answered with a
   * timed-out finding, and its rule noted in `timedOut`.
   */
  async #runCheck(
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
    let running: Promise<readonly Violation[]>;
    try {
      running = Promise.resolve(rule.check(target, this.context, { signal: controller.signal }));
    } catch (error) {
      running = Promise.reject(error);
    }
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.#underWay.set(settled, cancel);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.#timeoutMs);
    });
    try {
      const outcome = await Promise.race([running, cancelled, late]);
      if (outcome !== TIMED_OUT) return outcome;
      const what = `did not finish checking ${ref.kind} ${ref.id}`;
      controller.abort(
        new DOMException(`rule ${rule.id} ${what} within ${this.#timeoutMs} ms`, "TimeoutError"),
      );
      timedOut.set(rule.id, ref);
      return [this.#timeoutViolation(rule, what)];
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      // A broken rule is a finding about the rule, not a crash of every check.
      return [
        {
          message: `rule ${rule.id} failed to run: ${error instanceof Error ? error.message : String(error)}`,
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

/** What the timer of a rule's check resolves to when the check outlasts the timeout. */
const TIMED_OUT: unique symbol = Symbol("timed out");

/** A {@link CheckScope}: a field of another type, or another key (a typo), is refused rather than dropped. */
const CheckScopeSchema = strictInput({
  kind: z.string().optional(),
  id: z.string().optional(),
  line: z.string().optional(),
  rules: z.array(z.string()).optional(),
});

/** A ValidationError about one field of a check's scope. */
function scopeError(path: string, message: string): ValidationError {
  return new ValidationError({
    message: `check scope: ${path === "" ? "(root)" : path}: ${message}`,
    issues: [{ path, message }],
  });
}

/** The error of a rule's check cut off by {@link Standards.close}, naming the rule and what it checked. */
function cancelledError(rule: Rule<unknown, never>, ref: TargetRef): ClosedError {
  return new ClosedError({
    message: `rule "${rule.id}" was cancelled: the factory's standards closed while it checked ${ref.kind} ${ref.id}, so its result is dropped`,
  });
}

/** The lines a source says a target belongs to, as a list. */
function linesOfTarget(source: TargetSource, target: unknown): readonly string[] {
  const lines = source.lineOf(target);
  if (lines === undefined) return [];
  return typeof lines === "string" ? [lines] : lines;
}

function toFinding(rule: Rule<unknown, never>, violation: Violation, target: TargetRef): Finding {
  return {
    rule: rule.id,
    severity: violation.severity ?? rule.severity,
    message: violation.message,
    ...(violation.hint === undefined ? {} : { hint: violation.hint }),
    target: violation.target ?? target,
    ...(violation.lines === undefined ? {} : { lines: [...violation.lines] }),
  };
}
