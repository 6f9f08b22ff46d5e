/**
 * Rules bound to stage gates: a gate of the assembly line that runs the
 * standards over a work item and its artifacts when it enters a stage.
 *
 * @module
 */
import {
  checkArguments,
  type Gate,
  type GateContext,
  type GateResult,
  NotFoundError,
  strictInput,
  type WorkItem,
} from "@software-factory/core";
import { z } from "zod";
import { aStandards } from "../internal/arguments.js";
import { invalidInput } from "../internal/invalid.js";
import { parseInput } from "../internal/parse.js";
import type { Finding, FindingSeverity, Rule, RulePack } from "./Rule.js";
import type { Scorecard } from "./Scorecard.js";
import type { Standards } from "./Standards.js";
import { blocks } from "./scoreLines.js";

/** The rules of a scorecard up to and including one of its levels (levels are cumulative). */
export interface ScorecardLevelRef {
  /** The scorecard. */
  readonly scorecard: Scorecard;
  /** Name of the level the work item must reach. */
  readonly level: string;
}

/** Options of {@link ruleGate}. */
export interface RuleGateOptions {
  /** Stage (or stages) the gate guards when a work item enters it; `*` guards every stage. */
  readonly stage: string | readonly string[];
  /**
   * Which rules run: rule ids, a rule pack, or a scorecard level (its rules
   * and those of the levels below). Default: every rule of the standards over
   * work items, artifacts and lines.
   */
  readonly rules?: readonly string[] | RulePack | ScorecardLevelRef;
  /**
   * Lowest severity that blocks entry. Default: the scorecard's own severity
   * when `rules` is a scorecard level (so the gate and the scorecard agree on
   * what keeps a line from the level), else `error` (warnings and info pass).
   */
  readonly severity?: FindingSeverity;
  /** Name of the gate, shown in gate failures (default `standards:<stages>`). */
  readonly name?: string;
  /**
   * Told of the findings that did not block (below `severity`), since a gate
   * that passes carries no findings; a move that is refused reports them
   * nowhere else.
   */
  readonly onAdvice?: (item: WorkItem, findings: readonly Finding[], context: GateContext) => void;
}

/** What {@link ruleGate} takes, no other key (one is refused, naming it and these). */
const OptionsSchema = strictInput({
  stage: z.union([z.string().min(1), z.array(z.string().min(1)).min(1, "name at least one stage")]),
  rules: z.unknown().optional(),
  severity: z.enum(["error", "warning", "info"]).optional(),
  name: z.string().min(1).optional(),
  onAdvice: z
    .custom<NonNullable<RuleGateOptions["onAdvice"]>>(
      (value) => typeof value === "function",
      "onAdvice must be a function",
    )
    .optional(),
});

/** Kinds of target a gate checks: the work item, its artifacts and its line. */
const GATED_KINDS = new Set(["workItem", "artifact", "line"]);

function isScorecardLevel(value: RuleGateOptions["rules"]): value is ScorecardLevelRef {
  return typeof value === "object" && value !== null && "scorecard" in value;
}

function isPack(value: RuleGateOptions["rules"]): value is RulePack {
  return typeof value === "object" && value !== null && "rules" in value && !Array.isArray(value);
}

/** A rule id a selection names, and the option field that names it (`rules[1]`). */
interface RuleRef {
  readonly id: string;
  readonly field: string;
}

/** The rule ids a selection names, or undefined for every rule; unknown scorecard levels throw. */
function selectedRules(rules: RuleGateOptions["rules"]): readonly RuleRef[] | undefined {
  if (rules === undefined) return undefined;
  if (isScorecardLevel(rules)) {
    const { scorecard, level } = rules;
    const index = scorecard.levels.findIndex((candidate) => candidate.name === level);
    if (index === -1) {
      throw new NotFoundError({
        message: `scorecard "${scorecard.id}" has no level "${level}"; its levels: ${scorecard.levels.map((candidate) => candidate.name).join(", ")}`,
        entity: "scorecard level",
        id: level,
        field: "rules.level",
      });
    }
    return scorecard.levels
      .slice(0, index + 1)
      .flatMap((candidate, at) =>
        candidate.rules.map((id, k) => ({ id, field: `rules.scorecard.levels[${at}].rules[${k}]` })),
      );
  }
  if (isPack(rules)) return rules.rules.map((rule, k) => ({ id: rule.id, field: `rules.rules[${k}]` }));
  return (rules as readonly string[]).map((id, k) => ({ id, field: `rules[${k}]` }));
}

/**
 * The rules of the standards that a gate names, looked up when the gate is made.
 *
 * @throws NotFoundError (entity `rule`, field as `rules[1]`) naming the gate and the first id the standards do not hold.
 */
function rulesOf<Context>(
  standards: Standards<Context>,
  gate: string,
  refs: readonly RuleRef[],
): Rule<unknown, Context>[] {
  return refs.map(({ id, field }) => {
    const rule = standards.rule(id);
    if (rule !== undefined) return rule;
    const known = standards.rules().map((candidate) => candidate.id);
    throw new NotFoundError({
      message: `rule gate "${gate}": ${field} names no rule "${id}" in the standards; known rules: ${known.length === 0 ? "none (install the standards before making the gate)" : known.join(", ")}`,
      entity: "rule",
      id,
      field,
    });
  });
}

/**
 * Refuses a rule named one by one (an id, a scorecard level's rule) that checks
 * a kind the gate never reaches: it would never run, so the gate would pass
 * what the user meant it to stop.
 *
 * @throws ValidationError naming the gate, the rule, its `appliesTo` and where it was named.
 */
function requireGatedKinds(
  gate: string,
  refs: readonly RuleRef[],
  rules: readonly Pick<Rule<unknown, unknown>, "id" | "appliesTo">[],
): void {
  const issues = rules.flatMap((rule, k) => {
    if (GATED_KINDS.has(rule.appliesTo)) return [];
    const field = refs[k]?.field ?? "rules";
    return [
      {
        path: field,
        message: `rule "${rule.id}" checks ${rule.appliesTo} targets (appliesTo "${rule.appliesTo}"), and a gate checks only the work item, its artifacts and its line, so it would never run; check it with standards.check({ kind: "${rule.appliesTo}" }) or a scorecard instead`,
      },
    ];
  });
  if (issues.length > 0) throw invalidInput(`rule gate "${gate}"`, issues);
}

/**
 * Binds rules to a stage gate: returns a {@link Gate} that, when a work item
 * is about to enter the stage, runs the chosen rules over the work item
 * (rules with `appliesTo: "workItem"`), each of its artifacts
 * (`appliesTo: "artifact"`) and its line (`appliesTo: "line"`, so a scorecard
 * level can gate a line's releases), and refuses entry with every finding at
 * or above `severity` (for a scorecard level, the scorecard's severity unless
 * given). A rule named by id or by a scorecard level must check one of those
 * kinds: the gate context holds no documents, signals or floor plan, so such
 * a rule is refused when the gate is made. A pack (such as `builtinStandards`)
 * is a bundle: the gate takes its rules over those kinds and leaves the rest
 * to `standards.check`, as it does without `rules`. The rules named (ids, a pack's rules, a scorecard level's) are looked
 * up in the standards when the gate is made, so install the standards first;
 * without `rules`, every rule is taken at each check, so rules added later count.
 *
 * @throws ValidationError when the options are malformed.
 * @throws NotFoundError (entity `scorecard level`, field `rules.level`) when a scorecard level is unknown.
 * @throws NotFoundError (entity `rule`, field `rules[i]`, `rules.rules[i]` for a pack or
 * `rules.scorecard.levels[j].rules[i]`) naming the gate and a rule the standards do not hold.
 * @throws ValidationError (issue path as `rules[1]`) naming the gate and a rule named by id or
 * scorecard level whose `appliesTo` is not `workItem`, `artifact` or `line`.
 * @example
 * ```ts
 * const factory = await openFactory({ dir: ".factory" });
 * installBuiltinStandards(factory);
 * factory.work.registerGate(
 *   ruleGate(factory.standards, { stage: "release", rules: ["requirement-has-acceptance-criteria"] }),
 * );
 * ```
 */
export function ruleGate<Context>(standards: Standards<Context>, options: RuleGateOptions): Gate {
  checkArguments("ruleGate", { standards: [aStandards, standards] });
  const parsed = parseInput(OptionsSchema, options, "rule gate options");
  const stages = typeof parsed.stage === "string" ? [parsed.stage] : parsed.stage;
  const name = parsed.name ?? `standards:${stages.join(",")}`;
  const refs = selectedRules(options.rules);
  // The standards never drop or replace a rule, so rules found now are there at every check.
  const chosen = refs === undefined ? undefined : rulesOf(standards, name, refs);
  if (refs !== undefined && chosen !== undefined && !isPack(options.rules))
    requireGatedKinds(name, refs, chosen);
  const bar =
    parsed.severity ?? (isScorecardLevel(options.rules) ? options.rules.scorecard.severity : undefined);
  const rulesNow = (): Rule<unknown, Context>[] =>
    (chosen ?? standards.rules()).filter((rule) => GATED_KINDS.has(rule.appliesTo));
  return {
    name,
    stages,
    check: async (item, context): Promise<GateResult> => {
      const rules = rulesNow();
      const lineRules = rules.filter((rule) => rule.appliesTo === "line").map((rule) => rule.id);
      const findings = [
        ...(await standards.checkTarget("workItem", item, rules)),
        ...(
          await Promise.all(
            context.artifacts.map((artifact) => standards.checkTarget("artifact", artifact, rules)),
          )
        ).flat(),
        ...(lineRules.length === 0
          ? []
          : await standards.check({ kind: "line", id: item.line, rules: lineRules })),
      ];
      const blockers = findings.filter((finding) => blocks(finding.severity, bar));
      const advice = findings.filter((finding) => !blocks(finding.severity, bar));
      if (advice.length > 0) options.onAdvice?.(item, advice, context);
      if (blockers.length === 0) return { pass: true };
      return {
        pass: false,
        findings: blockers.map((finding) => ({
          message: `${finding.rule} (${finding.severity}): ${finding.message}`,
          ...(finding.hint === undefined ? {} : { hint: finding.hint }),
        })),
      };
    },
  };
}
