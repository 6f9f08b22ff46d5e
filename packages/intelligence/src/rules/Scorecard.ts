import {
  defineEvent,
  type EventLog,
  type Projection,
  type StoredEvent,
  startProjection,
} from "@software-factory/core";
import { z } from "zod";
import { type Automation, defineAutomation } from "../automations/Automation.js";
import type { Finding } from "./Rule.js";
import type { Standards } from "./Standards.js";

/** One level of a scorecard: the rules a line must pass, on top of every lower level's. */
export interface ScorecardLevel {
  /** Level name (`bronze`). */
  readonly name: string;
  /** Ids of the rules added at this level. */
  readonly rules: readonly string[];
}

/** Cumulative levels of standards a line climbs (Backstage Tech Insights and Cortex call them maturity levels). */
export interface Scorecard {
  /** Scorecard id (`production-readiness`). */
  readonly id: string;
  /** What reaching its top level means. */
  readonly description: string;
  /** Levels from the lowest to the highest. */
  readonly levels: readonly ScorecardLevel[];
}

/** Where a line stands on a scorecard. */
export interface LineScore {
  /** Line id. */
  readonly line: string;
  /** Highest level reached, or undefined when not even the first. */
  readonly level: string | undefined;
  /** The next level and the findings that keep the line from it. */
  readonly next?: { readonly level: string; readonly failing: readonly Finding[] };
}

/**
 * Defines a scorecard.
 *
 * @throws RangeError when it has no level or two levels share a name.
 */
export function defineScorecard(scorecard: Scorecard): Scorecard {
  if (scorecard.levels.length === 0)
    throw new RangeError(`scorecard "${scorecard.id}" needs at least one level`);
  const names = new Set(scorecard.levels.map((level) => level.name));
  if (names.size !== scorecard.levels.length) {
    throw new RangeError(`scorecard "${scorecard.id}" has two levels with one name`);
  }
  return scorecard;
}

/** A line's level on a scorecard changed. */
export const ScorecardLevelChanged = defineEvent(
  "scorecard.level.changed",
  z.object({
    scorecard: z.string().min(1),
    line: z.string().min(1),
    from: z.string().nullable(),
    to: z.string().nullable(),
    failing: z.array(z.string()),
  }),
);

/**
 * Scores lines on a scorecard now: a line reaches a level when no rule of
 * that level or any level below has a finding on the line or on what belongs
 * to it (its work items, artifacts, documents). A finding on a target of
 * several lines (a document naming two lines) counts against each of them.
 *
 * @throws RangeError when the scorecard names a rule the standards do not have.
 */
export async function scoreLines(
  standards: Standards<unknown>,
  scorecard: Scorecard,
  lines: readonly string[],
): Promise<LineScore[]> {
  const ruleIds = scorecard.levels.flatMap((level) => level.rules);
  const findings = await standards.check({ rules: ruleIds });
  const byLine = new Map<string, Finding[]>();
  for (const finding of findings) {
    const lines =
      finding.target.kind === "line" ? [finding.target.id] : await standards.linesOf(finding.target);
    for (const line of lines) {
      const list = byLine.get(line) ?? [];
      list.push(finding);
      byLine.set(line, list);
    }
  }
  return lines.map((line) => {
    const failing = byLine.get(line) ?? [];
    let level: string | undefined;
    for (const candidate of scorecard.levels) {
      const blocking = failing.filter((finding) => candidate.rules.includes(finding.rule));
      if (blocking.length > 0) return { line, level, next: { level: candidate.name, failing: blocking } };
      level = candidate.name;
    }
    return { line, level };
  });
}

/** Options of {@link Scorecards}. */
export interface ScorecardsOptions {
  /** The factory's log. */
  readonly log: EventLog;
  /** The standards the scorecards' rules come from. */
  readonly standards: Standards<unknown>;
  /** The scorecards to keep. */
  readonly scorecards: readonly Scorecard[];
  /** Ids of every line to score. */
  readonly lines: () => readonly string[];
}

/**
 * Scorecards kept current from the log: the levels are a projection of
 * `scorecard.level.changed` events, and {@link Scorecards.automation}
 * re-evaluates them when an event a rule depends on lands (once per burst),
 * recording each change as an event.
 */
export class Scorecards implements AsyncDisposable {
  readonly #levels = new Map<string, Map<string, string | null>>();
  #projection: Projection | undefined;

  private constructor(private readonly options: ScorecardsOptions) {}

  /** Opens the level projection. */
  static async open(options: ScorecardsOptions): Promise<Scorecards> {
    options.log.registry.register(ScorecardLevelChanged);
    const scorecards = new Scorecards(options);
    scorecards.#projection = await startProjection(options.log, {
      types: [ScorecardLevelChanged.type],
      apply: (event) => scorecards.#apply(event),
    });
    return scorecards;
  }

  /** The scorecards kept. */
  list(): readonly Scorecard[] {
    return this.options.scorecards;
  }

  /** Recorded level of a line (as of the last re-evaluation), or undefined when it has none. */
  async levelOf(scorecard: string, line: string): Promise<string | undefined> {
    await this.#projection?.catchUp();
    return this.#levels.get(scorecard)?.get(line) ?? undefined;
  }

  /**
   * Scores lines now, with what keeps each from its next level.
   *
   * @throws RangeError when the scorecard is unknown.
   */
  async evaluate(scorecard: string, lines?: readonly string[]): Promise<LineScore[]> {
    return scoreLines(this.options.standards, this.#find(scorecard), lines ?? this.options.lines());
  }

  /** The automation that re-evaluates every scorecard when an event one of its rules depends on lands. */
  automation(): Automation {
    const triggers = [
      ...new Set(
        this.options.scorecards.flatMap((scorecard) =>
          scorecard.levels.flatMap((level) =>
            level.rules.flatMap((id) => this.options.standards.rule(id)?.triggers ?? []),
          ),
        ),
      ),
    ];
    return defineAutomation({
      name: "rescore-lines",
      description: "Re-evaluates the scorecards when an event their rules depend on lands.",
      on: triggers.length === 0 ? [ScorecardLevelChanged.type] : triggers,
      run: async (event, { emit }) => {
        if (event.type === ScorecardLevelChanged.type) return;
        // Only the last trigger of a burst re-evaluates: the state it sees includes the others.
        const later = await this.options.log.read({ after: event.seq, types: triggers, limit: 1 });
        if (later.length > 0) return;
        await this.#projection?.catchUp();
        for (const scorecard of this.options.scorecards) {
          for (const score of await this.evaluate(scorecard.id)) {
            const before = this.#levels.get(scorecard.id)?.get(score.line) ?? null;
            const after = score.level ?? null;
            if (before === after) continue;
            emit({
              type: ScorecardLevelChanged.type,
              subject: score.line,
              data: {
                scorecard: scorecard.id,
                line: score.line,
                from: before,
                to: after,
                failing: [...new Set(score.next?.failing.map((finding) => finding.rule) ?? [])],
              },
            });
          }
        }
      },
    });
  }

  /** Stops following the log. */
  async close(): Promise<void> {
    await this.#projection?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #find(id: string): Scorecard {
    const scorecard = this.options.scorecards.find((candidate) => candidate.id === id);
    if (scorecard === undefined) {
      throw new RangeError(
        `no scorecard "${id}"; known: ${this.options.scorecards.map((known) => known.id).join(", ")}`,
      );
    }
    return scorecard;
  }

  #apply(event: StoredEvent): void {
    if (!ScorecardLevelChanged.is(event)) return;
    const levels = this.#levels.get(event.data.scorecard) ?? new Map<string, string | null>();
    levels.set(event.data.line, event.data.to);
    this.#levels.set(event.data.scorecard, levels);
  }
}
