import type * as Effect from "effect/Effect";
import { z } from "zod";
import { invalidInput } from "../internal/invalid.js";
import { parseInput } from "../internal/parse.js";

/**
 * How bad a rule's finding is: `error` fails gates and scorecards, `warning`
 * and `info` advise (a gate or scorecard can lower the bar with its own
 * `severity` option). Not to be confused with core's `Severity`, how urgent a
 * signal is (`low` to `critical`).
 */
export type FindingSeverity = "error" | "warning" | "info";

/** What a rule is about and which one: `{ kind: "workItem", id: "wi_01..." }`. */
export interface TargetRef {
  /** Kind of target (`line`, `workItem`, `artifact`, `document`, `signal`, `floorplan`). */
  readonly kind: string;
  /** Id of the target. */
  readonly id: string;
}

/**
 * How to fix a finding whose fix is a call, on each surface that makes it:
 * `action` says what to do, each form how that surface does it. A surface
 * shows the action with its own form (`check_standards` over MCP the tool
 * call); the finding's `hint` is the action with the command and the SDK
 * call, as `factory check` prints it.
 */
export interface FindingFix {
  /** What to do, in words (`fill decision.consequences`). */
  readonly action: string;
  /** The `factory` command that does it. */
  readonly cli: string;
  /** The SDK call that does it. */
  readonly sdk: string;
  /** The MCP tool call that does it: the tool's name, then its arguments as JSON (`revise_knowledge {"id":"doc_1",...}`). */
  readonly mcp: string;
}

/** A problem a rule found. */
export interface Finding {
  /** Id of the rule. */
  readonly rule: string;
  /** Severity: the rule's own unless the check set another. */
  readonly severity: FindingSeverity;
  /** What is wrong, in a sentence that names the target. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
  /** How to fix it on each surface, when the fix is a call: `hint` is its action with the command and the SDK call. */
  readonly fix?: FindingFix;
  /** What the finding is about. */
  readonly target: TargetRef;
  /**
   * Lines the finding also counts against on scorecards, besides its
   * target's (a dependency cycle, reported on its first line, names every
   * line in it); absent for most findings.
   */
  readonly lines?: readonly string[];
}

/** What a check returns for one problem; the engine fills in the rule and the target. */
export interface Violation {
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
  /** How to fix it on each surface, when the fix is a call; `hint` then says its action with the command and the SDK call. */
  readonly fix?: FindingFix;
  /** Overrides the rule's severity for this violation. */
  readonly severity?: FindingSeverity;
  /** Another target than the one checked (a rule over the floor plan reports on a line). */
  readonly target?: TargetRef;
  /**
   * Lines the finding also counts against on scorecards, besides its
   * target's: for a problem one target cannot carry (a dependency cycle is
   * every line's in it).
   */
  readonly lines?: readonly string[];
}

/**
 * A violation's `hint` and `fix` for a fix that is a call: the hint says the
 * action with the command and the SDK call, as `factory check` prints it, and
 * each surface shows its own form from `fix`.
 */
export function withFix(fix: FindingFix): { readonly hint: string; readonly fix: FindingFix } {
  return { hint: `${fix.action}: \`${fix.cli}\` (SDK: \`${fix.sdk}\`)`, fix };
}

/** A rule: a check over one kind of target, returning its violations (none means it passes). */
export interface Rule<Target = unknown, Context = unknown> {
  /** Stable id, kebab-case (`line-has-owner`). */
  readonly id: string;
  /** What the rule demands, in one sentence. */
  readonly description: string;
  /** Severity of its findings. */
  readonly severity: FindingSeverity;
  /** Kind of target it checks. */
  readonly appliesTo: string;
  /**
   * Event types after which its verdict may change; scorecards re-evaluate on
   * them, and refuse a rule that has none.
   */
  readonly triggers?: readonly string[];
  /**
   * Who encoded the rule (a factory operator): `factory.encodedUsage` counts
   * for them the moves its gates refused and the scorecard levels it held,
   * not its checks, which leave no event.
   */
  readonly author?: string;
  /**
   * Checks one target, returning its violations (as they are, a Promise or
   * an Effect). `context` is what the standards were made with (a
   * factory's services); `run.signal` aborts when the standards close
   * (`factory.close()`) or the check outlasts its timeout: a check that waits
   * (a model, a webhook, a slow query) should pass it on or check it, so the
   * close need not wait for it; an Effect check need not, its Effect is
   * interrupted (its finalizers run). Once it aborts the check's result is
   * dropped either way: at a close the caller of the check gets a
   * `ClosedError` naming the rule as cancelled, after the timeout an `error`
   * finding. A check that throws, rejects, or whose Effect fails or dies
   * becomes an `error` finding about the rule.
   */
  check(
    target: Target,
    context: Context,
    run: { readonly signal: AbortSignal },
  ): readonly Violation[] | Promise<readonly Violation[]> | Effect.Effect<readonly Violation[], unknown>;
}

/** A named set of rules, shipped and versioned together. */
export interface RulePack {
  /** Pack id (`standards`). */
  readonly id: string;
  /** What the pack enforces. */
  readonly description: string;
  /** Its rules. */
  readonly rules: readonly Rule<never, never>[];
}

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A rule's id: kebab-case, lower-case words and digits joined by single
 * hyphens (`line-has-owner`). `defineRule` and `Standards.add` refuse any
 * other, so a value this refuses names no rule; a front end that selects rules
 * by id (the CLI's `check --rule`) checks a value with it before looking the
 * rule up.
 *
 * @example
 * ```ts
 * RuleIdSchema.parse("line-has-owner"); // "line-has-owner"
 * RuleIdSchema.safeParse("Two Words").success; // false: "must be kebab-case, as in line-has-owner"
 * ```
 */
export const RuleIdSchema: z.ZodString = z
  .string()
  .regex(KEBAB_CASE, "must be kebab-case, as in line-has-owner");

/** The shape of a rule definition, checked when a rule is defined and when it is added to standards. */
const RuleSchema = z.object({
  id: RuleIdSchema,
  description: z.string().trim().min(1, "must say what the rule demands"),
  severity: z.enum(["error", "warning", "info"]),
  appliesTo: z.string().min(1, "must name the kind of target the rule checks (line, workItem...)"),
  triggers: z.array(z.string().min(1, "must be an event type")).optional(),
  author: z.string().min(1).optional(),
  check: z.custom<Rule["check"]>(
    (value) => typeof value === "function",
    "must be a function (target, context) => violations",
  ),
});

/**
 * Checks a rule definition and returns it unchanged.
 *
 * @throws ValidationError naming the rule and each bad field.
 */
export function validateRule<Target, Context>(rule: Rule<Target, Context>): Rule<Target, Context> {
  const id = (rule as { id?: unknown } | undefined)?.id;
  parseInput(RuleSchema, rule, typeof id === "string" ? `rule "${id}"` : "rule");
  return rule;
}

/**
 * Defines a rule.
 *
 * @throws ValidationError when the id is not kebab-case, the description or
 * `appliesTo` is empty, the severity is unknown or `check` is not a function.
 * @example
 * ```ts
 * const hasDescription = defineRule<Line>({
 *   id: "line-has-description",
 *   description: "Every line says what it is for.",
 *   severity: "warning",
 *   appliesTo: "line",
 *   triggers: ["floorplan.plan.applied"],
 *   check: (line) => (line.description ? [] : [{ message: `${line.id} has no description` }]),
 * });
 * ```
 */
export function defineRule<Target, Context = unknown>(rule: Rule<Target, Context>): Rule<Target, Context> {
  return validateRule(rule);
}

const RulePackSchema = z.object({
  id: z.string().regex(KEBAB_CASE, "must be kebab-case, as in factory-basics"),
  description: z.string().trim().min(1, "must say what the pack enforces"),
  rules: z.array(z.unknown()),
});

/**
 * Checks a rule pack's own fields (not its rules) and returns it unchanged.
 *
 * @throws ValidationError naming the pack and each bad field.
 */
export function validateRulePack(pack: RulePack): RulePack {
  const id = (pack as { id?: unknown } | undefined)?.id;
  parseInput(RulePackSchema, pack, typeof id === "string" ? `rule pack "${id}"` : "rule pack");
  return pack;
}

/**
 * Defines a rule pack.
 *
 * @throws ValidationError when the pack or one of its rules is malformed.
 * @throws ValidationError (path `rules[j].id`) when two of its rules share an id.
 */
export function defineRulePack(pack: RulePack): RulePack {
  validateRulePack(pack);
  const first = new Map<string, number>();
  pack.rules.forEach((rule, index) => {
    validateRule(rule);
    const earlier = first.get(rule.id);
    if (earlier !== undefined)
      throw invalidInput(`rule pack "${pack.id}"`, [
        {
          path: `rules[${index}].id`,
          message: `rule id "${rule.id}" is given twice, at rules[${earlier}] and here; give each rule its own id`,
        },
      ]);
    first.set(rule.id, index);
  });
  return pack;
}
