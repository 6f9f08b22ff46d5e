/** How bad a finding is: `error` fails gates and scorecards, `warning` and `info` advise. */
export type Severity = "error" | "warning" | "info";

/** What a rule is about and which one: `{ kind: "workItem", id: "wi_01..." }`. */
export interface TargetRef {
  /** Kind of target (`line`, `workItem`, `artifact`, `document`, `signal`, `floorplan`). */
  readonly kind: string;
  /** Id of the target. */
  readonly id: string;
}

/** A problem a rule found. */
export interface Finding {
  /** Id of the rule. */
  readonly rule: string;
  /** Severity: the rule's own unless the check set another. */
  readonly severity: Severity;
  /** What is wrong, in a sentence that names the target. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
  /** What the finding is about. */
  readonly target: TargetRef;
}

/** What a check returns for one problem; the engine fills in the rule and the target. */
export interface Violation {
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
  /** Overrides the rule's severity for this violation. */
  readonly severity?: Severity;
  /** Another target than the one checked (a rule over the floor plan reports on a line). */
  readonly target?: TargetRef;
}

/** A rule: a check over one kind of target, returning its violations (none means it passes). */
export interface Rule<Target = unknown, Context = unknown> {
  /** Stable id, kebab-case (`line-has-one-owner`). */
  readonly id: string;
  /** What the rule demands, in one sentence. */
  readonly description: string;
  /** Severity of its findings. */
  readonly severity: Severity;
  /** Kind of target it checks. */
  readonly appliesTo: string;
  /** Event types after which its verdict may change; scorecards re-evaluate on them. */
  readonly triggers?: readonly string[];
  /** Who encoded the rule (a factory operator), for their measures. */
  readonly author?: string;
  /** Checks one target. */
  check(target: Target, context: Context): readonly Violation[] | Promise<readonly Violation[]>;
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

/**
 * Defines a rule.
 *
 * @throws RangeError when the id is not kebab-case.
 * @example
 * ```ts
 * const hasDescription = defineRule<Line>({
 *   id: "line-has-description",
 *   description: "Every line says what it is for.",
 *   severity: "warning",
 *   appliesTo: "line",
 *   check: (line) => (line.description ? [] : [{ message: `${line.id} has no description` }]),
 * });
 * ```
 */
export function defineRule<Target, Context = unknown>(rule: Rule<Target, Context>): Rule<Target, Context> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id)) {
    throw new RangeError(`rule id "${rule.id}" must be kebab-case, as in line-has-one-owner`);
  }
  return rule;
}

/** Defines a rule pack. */
export function defineRulePack(pack: RulePack): RulePack {
  return pack;
}
