/**
 * The use of what factory operators encoded: the runs of each author's skills
 * in a window, read from the `skill.ran` events of the log.
 *
 * @module
 */
import { type EventLog, MeasureOptionsSchema, strictInput } from "@software-factory/core";
import { z } from "zod";
import { parseInput } from "../internal/parse.js";
import type { SkillRegistry } from "./SkillRegistry.js";
import { SkillRan } from "./skillEvents.js";

/** The runs of one skill in the window. */
export interface SkillUse {
  /** Name of the skill. */
  readonly skill: string;
  /** Runs recorded in the window, of every outcome. */
  readonly runs: number;
  /** Runs whose outcome was `ok`. */
  readonly succeeded: number;
  /** Runs whose handler failed (not cancelled ones). */
  readonly failed: number;
  /** Runs cancelled by their caller's signal or the factory's close. */
  readonly cancelled: number;
  /** Runs refused before the handler started (`invalid-input`). */
  readonly refused: number;
  /** The operators who ran it, sorted: reuse across people. */
  readonly operators: readonly string[];
  /** Median (nearest rank) of the runs' durations in milliseconds; null without runs. */
  readonly medianDurationMs: number | null;
}

/** The skills one factory operator encoded and their use in the window. */
export interface AuthorUse {
  /**
   * The author the skills name: as this factory registers them, else as
   * their last run in the window recorded it (a skill registered by another
   * program); null for skills without one, and for runs recorded before
   * runs kept their skill's author.
   */
  readonly author: string | null;
  /** Each skill, by name; a registered skill without runs is listed with zero. */
  readonly skills: readonly SkillUse[];
  /** Runs of all their skills in the window. */
  readonly runs: number;
  /** Of which `ok`. */
  readonly succeeded: number;
  /** Of which failed (not cancelled). */
  readonly failed: number;
  /** Of which cancelled. */
  readonly cancelled: number;
  /** Of which refused before the handler started. */
  readonly refused: number;
  /** Distinct operators who ran any of their skills, sorted. */
  readonly operators: readonly string[];
}

/** {@link SkillRegistry.usage}'s result: the window and each author's use. */
export interface SkillUsage {
  /** The window measured. */
  readonly window: {
    /** Start, inclusive, ISO 8601 in UTC. */
    readonly from: string;
    /** End, exclusive, ISO 8601 in UTC. */
    readonly to: string;
  };
  /** The author asked for, if any. */
  readonly operator?: string;
  /** Each author (null last), sorted by name. */
  readonly authors: readonly AuthorUse[];
}

// The window's ends are read as the assembly measures read theirs.
const { from, to } = MeasureOptionsSchema.shape;
/** Options of {@link SkillRegistry.usage}: a misspelt key is refused, not dropped. */
export const SkillUsageOptionsSchema = strictInput({
  /** Start of the window, inclusive: a Date, epoch milliseconds, an ISO date or an instant with its offset. */
  from,
  /** End of the window, exclusive, in the forms of `from`. */
  to,
  /** Only the skills this factory operator encoded. */
  operator: z.string().min(1).optional(),
}).refine((options) => options.from.getTime() < options.to.getTime(), {
  message: "from must be before to",
  path: ["to"],
});
/** Options of {@link SkillRegistry.usage}. */
export type SkillUsageOptions = z.input<typeof SkillUsageOptionsSchema>;

/** A registered skill as the measure reads it. */
interface Encoded {
  readonly name: string;
  readonly author?: string | undefined;
}

/** Counts of runs being added up. */
interface Tally {
  succeeded: number;
  failed: number;
  cancelled: number;
  refused: number;
  readonly operators: Set<string>;
  readonly durations: number[];
}

const tally = (): Tally => ({
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  refused: 0,
  operators: new Set(),
  durations: [],
});

/** The nearest-rank median, as the assembly measures compute their percentiles. */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1] ?? null;
}

const counts = (t: Tally) => ({
  runs: t.succeeded + t.failed + t.cancelled + t.refused,
  succeeded: t.succeeded,
  failed: t.failed,
  cancelled: t.cancelled,
  refused: t.refused,
  operators: [...t.operators].sort(),
});

/**
 * The use of the skills each factory operator encoded (a skill's `author`,
 * as registered here, else as its runs recorded it) in `[from, to)`: runs by outcome, the operators who ran them and the median
 * duration, from every `skill.ran` event of the log stamped in the window
 * (runs of any process). Only the use is measured, not its effect.
 *
 * @throws ValidationError naming the option that is wrong.
 */
export async function measureSkillUsage(
  log: EventLog,
  skills: readonly Encoded[],
  options: SkillUsageOptions,
): Promise<SkillUsage> {
  const parsed = parseInput(SkillUsageOptionsSchema, options, "skills.usage options");
  const start = parsed.from.getTime();
  const end = parsed.to.getTime();
  const registered = new Set(skills.map((skill) => skill.name));
  const authorOf = new Map(skills.map((skill) => [skill.name, skill.author ?? null]));
  const bySkill = new Map<string, Tally>(skills.map((skill) => [skill.name, tally()]));
  for await (const event of log.readAll({ types: [SkillRan.type] })) {
    const at = Date.parse(event.at);
    if (at < start || at >= end || !SkillRan.is(event)) continue;
    const t = bySkill.get(event.subject) ?? tally();
    bySkill.set(event.subject, t);
    const { outcome, cancelled, durationMs, author } = event.data;
    // A skill this factory does not register is credited to the author its last run recorded.
    if (author !== undefined && !registered.has(event.subject)) authorOf.set(event.subject, author);
    if (outcome === "ok") t.succeeded++;
    else if (outcome === "invalid-input") t.refused++;
    else if (cancelled === true) t.cancelled++;
    else t.failed++;
    t.operators.add(event.actor);
    t.durations.push(durationMs);
  }
  const byAuthor = new Map<string | null, string[]>();
  for (const name of [...bySkill.keys()].sort()) {
    const author = authorOf.get(name) ?? null;
    if (parsed.operator !== undefined && author !== parsed.operator) continue;
    byAuthor.set(author, [...(byAuthor.get(author) ?? []), name]);
  }
  const authors = [...byAuthor.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
    .map(([author, names]) => {
      const total = tally();
      const used = names.map((name): SkillUse => {
        const t = bySkill.get(name) ?? tally();
        total.succeeded += t.succeeded;
        total.failed += t.failed;
        total.cancelled += t.cancelled;
        total.refused += t.refused;
        for (const operator of t.operators) total.operators.add(operator);
        return { skill: name, ...counts(t), medianDurationMs: median(t.durations) };
      });
      return { author, skills: used, ...counts(total) };
    });
  return {
    window: { from: parsed.from.toISOString(), to: parsed.to.toISOString() },
    ...(parsed.operator === undefined ? {} : { operator: parsed.operator }),
    authors,
  };
}
