/**
 * The use of all that factory operators encode once and every line reuses:
 * skills, rules and automations, per author, in a window, read from the log.
 *
 * @module
 */
import type { EventLog } from "@software-factory/core";
import {
  type AutomationUse,
  type EncodedAutomation,
  measureAutomationUsage,
} from "../automations/automationUsage.js";
import { parseInput } from "../internal/parse.js";
import { type EncodedRule, measureRuleUsage, type RuleUse } from "../rules/ruleUsage.js";
import {
  type AuthorUse,
  type SkillUsage,
  type SkillUsageOptions,
  SkillUsageOptionsSchema,
} from "../skills/skillUsage.js";

/**
 * One factory operator's skills (as {@link AuthorUse}: each skill's runs, and
 * their totals), rules and automations, with their use in the window.
 */
export interface EncodedAuthorUse extends AuthorUse {
  /**
   * Each rule of the factory's standards they encoded, by id (a rule without
   * use is listed with zeros): the moves gates refused citing it and the
   * scorecard level changes naming it. Its checks are not counted: they
   * leave no event (see {@link RuleUse}).
   */
  readonly rules: readonly RuleUse[];
  /**
   * Each automation they encoded, by name (one this factory runs without
   * handlings in the window is listed with zeros): its handlings by outcome,
   * the events they emitted and the lines and operators those name.
   */
  readonly automations: readonly AutomationUse[];
}

/** {@link Factory.encodedUsage}'s result: the window and each author's use. */
export interface EncodedUsage extends SkillUsage {
  /** Each author (null last: what names none), sorted by name. */
  readonly authors: readonly EncodedAuthorUse[];
}

/** Options of {@link Factory.encodedUsage}: those of `skills.usage`, a misspelt key refused. */
export type EncodedUsageOptions = SkillUsageOptions;

/** What the measure reads of a factory. */
export interface EncodedParts {
  readonly log: EventLog;
  /** The skills' use, as `factory.skills.usage` measures it. */
  readonly skillUsage: (options: SkillUsageOptions) => Promise<SkillUsage>;
  /** The rules of the factory's standards. */
  readonly rules: () => readonly EncodedRule[];
  /** The automations the factory runs. */
  readonly automations: readonly EncodedAutomation[];
  /** A work item's line, once the work is caught up. */
  readonly lineOf: (item: string) => string | undefined;
  /** Catches the work up with the log, for `lineOf`. */
  readonly refresh: () => Promise<unknown>;
}

const byAuthor = (a: string | null, b: string | null) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a.localeCompare(b);

/**
 * The use of what each factory operator encoded in `[from, to)`, per author:
 * their skills' runs (as `skills.usage`), their rules' gate refusals and
 * scorecard holds, their automations' handlings. With `operator`, only what
 * that operator encoded. Read from the log alone, so another process opened
 * on the same factory (with the same rules) measures the same.
 *
 * @throws ValidationError naming the option that is wrong.
 */
export async function measureEncodedUsage(
  parts: EncodedParts,
  options: EncodedUsageOptions,
): Promise<EncodedUsage> {
  const parsed = parseInput(SkillUsageOptionsSchema, options, "encodedUsage options");
  const window = { start: parsed.from.getTime(), end: parsed.to.getTime() };
  const skills = await parts.skillUsage(parsed);
  const rulesEncoded = parts.rules();
  const ruleAuthor = new Map(rulesEncoded.map((rule) => [rule.id, rule.author ?? null]));
  await parts.refresh();
  const rules = await measureRuleUsage(parts.log, rulesEncoded, window, parts.lineOf);
  const automations = await measureAutomationUsage(parts.log, parts.automations, window);
  const wanted = (author: string | null) => parsed.operator === undefined || author === parsed.operator;
  const authors = new Map<
    string | null,
    { skills?: AuthorUse; rules: RuleUse[]; automations: AutomationUse[] }
  >();
  const entry = (author: string | null) => {
    const found = authors.get(author) ?? { rules: [], automations: [] };
    authors.set(author, found);
    return found;
  };
  for (const use of skills.authors) entry(use.author).skills = use;
  for (const [id, use] of [...rules].sort(([a], [b]) => a.localeCompare(b))) {
    const author = ruleAuthor.get(id) ?? null;
    if (wanted(author)) entry(author).rules.push(use);
  }
  for (const [name, use] of [...automations.automations].sort(([a], [b]) => a.localeCompare(b))) {
    const author = automations.authorOf.get(name) ?? null;
    if (wanted(author)) entry(author).automations.push(use);
  }
  return {
    ...skills,
    authors: [...authors]
      .sort(([a], [b]) => byAuthor(a, b))
      .map(([author, use]) => ({
        ...(use.skills ?? noSkills(author)),
        rules: use.rules,
        automations: use.automations,
      })),
  };
}

/** The skill part of an author who encoded no skill. */
const noSkills = (author: string | null): AuthorUse => ({
  author,
  skills: [],
  runs: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  refused: 0,
  operators: [],
});
