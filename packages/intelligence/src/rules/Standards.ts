/**
 * The factory's standards: the rules, packs and target sources it holds,
 * the advisory instruction standards beside them, and `check`, which picks
 * the targets and rules in scope and hands them to its {@link RuleChecks}.
 *
 * @module
 */
import {
  anObject,
  checkArguments,
  NotFoundError,
  nearNames,
  strictInput,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { z } from "zod";
import { Text, Texts } from "../internal/arguments.js";
import { invalidInput } from "../internal/invalid.js";
import { parseInput } from "../internal/parse.js";
import { type CheckScope, checkCheckScope } from "./CheckScope.js";
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
  validateRule,
  validateRulePack,
} from "./Rule.js";
import { RuleChecks, type TimedOut } from "./RuleChecks.js";
import { linesOfTarget, type TargetSource, TargetSourceSchema } from "./TargetSource.js";

// Read from this module by the factory's services.
export type { CheckScope } from "./CheckScope.js";

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

/** An instruction file left out, as {@link Standards.addSkipped} keeps it. */
const SkippedSchema = z.object({ path: z.string(), message: z.string() });

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
  /** The rules' checks: their timeout, and those under way, which {@link Standards.close} cancels. */
  readonly #checks: RuleChecks<Context>;

  /**
   * Standards whose rules' checks get `context` (a factory's services).
   *
   * @throws ValidationError when `options.checkTimeoutMs` is not a whole number from 1 to 3,600,000.
   */
  constructor(context: Context, options: StandardsOptions = {}) {
    this.#checks = new RuleChecks(
      context,
      parseInput(StandardsOptionsSchema, options, "standards options").checkTimeoutMs ??
        DEFAULT_RULE_CHECK_TIMEOUT_MS,
    );
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
   * @throws ValidationError (`E_VALIDATION`, path `kind`) when `scope.kind`
   * is a kind no source serves (`lines` for `line`): the message lists the
   * kinds, as `standards.add` refuses a rule applying to such a kind.
   * @throws NotFoundError (`E_NOT_FOUND`, entity `line`, field `line`) when
   * no target of any kind belongs to `scope.line`: in a factory, a line
   * neither in the floor plan nor named by a work item, artifact, signal or
   * document (a line retired from the floor plan is checked through the
   * targets it still has). A mistyped line would otherwise check nothing and
   * pass; the message names the lines near it ("did you mean").
   * @throws ClosedError (`E_CLOSED`) when the standards are closed, or close
   * while a rule's check is under way (the message names the rule): no
   * finding is returned then, not even those found before.
   */
  async check(scope: CheckScope = {}): Promise<Finding[]> {
    this.#checks.ensureOpen();
    checkCheckScope(scope);
    this.#expectKind(scope.kind);
    const rules = this.#selectRules(scope.rules);
    if (scope.line !== undefined) await this.#expectLine(scope.line);
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
    await this.#checks.close();
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

  /**
   * Refuses a kind no source serves.
   *
   * @throws ValidationError (path `kind`) listing the kinds, and those near the one given.
   */
  #expectKind(kind: string | undefined): void {
    if (kind === undefined || this.#sources.has(kind)) return;
    const kinds = this.kinds();
    const near = nearNames(kind, kinds);
    const message = `no source serves targets of kind "${kind}"${
      near.length === 0 ? "" : ` (did you mean ${near.map((name) => `"${name}"`).join(" or ")}?)`
    }; the kinds are ${kinds.length === 0 ? "none yet" : kinds.join(", ")}`;
    throw new ValidationError({
      message: `check scope: kind: ${message}`,
      issues: [{ path: "kind", message }],
    });
  }

  /**
   * Refuses a line no target of any kind belongs to, reading the sources in
   * the order added until one has a target of the line.
   *
   * @throws NotFoundError (entity `line`, field `line`) naming the line and the lines near it.
   */
  async #expectLine(line: string): Promise<void> {
    const known = new Set<string>();
    for (const source of this.#sources.values()) {
      for (const target of await source.all()) {
        for (const of of linesOfTarget(source, target)) {
          if (of === line) return;
          known.add(of);
        }
      }
    }
    const near = nearNames(line, [...known]);
    const hint =
      near.length > 0
        ? `; did you mean ${near.map((id) => `"${id}"`).join(" or ")}?`
        : known.size === 0
          ? "; no target belongs to any line yet"
          : `; the lines are ${[...known].slice(0, 8).join(", ")}${known.size > 8 ? `, ... (${known.size} in all)` : ""}`;
    throw new NotFoundError({
      message: `check scope: line: no line "${line}": no target of any kind (${this.kinds().join(", ")}) belongs to it${hint}`,
      entity: "line",
      id: line,
      field: "line",
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
    this.#checks.ensureOpen();
    const source = this.#sources.get(kind);
    return this.#checks.checkTarget({ kind, id: source?.idOf(target) ?? kind }, target, rules, timedOut);
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
}
