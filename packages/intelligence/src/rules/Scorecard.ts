import {
  checkArguments,
  type EventLog,
  hashJson,
  type NewEvent,
  NotFoundError,
  type Projection,
  retryOnConflict,
  type StoredEvent,
  startProjection,
  ValidationError,
} from "@software-factory/core";
import { LineDeclared, LineRetired } from "@software-factory/floorplan";
import { z } from "zod";
import { type Automation, defineAutomation } from "../automations/Automation.js";
import { Text, Texts } from "../internal/arguments.js";
import { invalidInput } from "../internal/invalid.js";
import { parseInput } from "../internal/parse.js";
import type { FindingSeverity } from "./Rule.js";
import type { Standards } from "./Standards.js";
import { ScorecardDefined, ScorecardLevelChanged } from "./scorecardEvents.js";
import { type LineScore, scoreLines } from "./scoreLines.js";

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
  /**
   * Lowest severity of finding that keeps a line from a level (default
   * `error`: warnings and info advise, as at a rule gate). `warning` makes
   * warnings count too.
   */
  readonly severity?: FindingSeverity;
}

/**
 * The floor plan's events that add a line (or change one) and retire one: on
 * them the lines to score change, whatever the scorecards' rules trigger on.
 */
const LINE_EVENTS = [LineDeclared, LineRetired];

const ScorecardSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case, as in production-readiness"),
  description: z.string().trim().min(1, "must say what reaching the top level means"),
  levels: z
    .array(z.object({ name: z.string().min(1), rules: z.array(z.string().min(1)) }))
    .min(1, "needs at least one level")
    .refine(
      (levels) => new Set(levels.map((level) => level.name)).size === levels.length,
      "two levels share a name",
    ),
  severity: z.enum(["error", "warning", "info"]).optional(),
});

/**
 * Defines a scorecard.
 *
 * @throws ValidationError when the id is not kebab-case, it has no level, two
 * levels share a name or the severity is unknown.
 */
export function defineScorecard(scorecard: Scorecard): Scorecard {
  parseInput(ScorecardSchema, scorecard, `scorecard "${String(scorecard?.id)}"`);
  return scorecard;
}

/** The fingerprint of a scorecard over the standards' rules (see {@link ScorecardDefined}). */
function fingerprintOf(scorecard: Scorecard, standards: Standards<unknown>): string {
  const rules = scorecard.levels.flatMap((level) => level.rules);
  return hashJson({
    severity: scorecard.severity ?? "error",
    levels: scorecard.levels.map((level) => ({ name: level.name, rules: level.rules })),
    rules: rules.map((id) => {
      const rule = standards.rule(id);
      return {
        id,
        description: rule?.description,
        severity: rule?.severity,
        appliesTo: rule?.appliesTo,
        triggers: rule?.triggers ?? [],
        check: rule?.check.toString(),
      };
    }),
  });
}

/** Refuses a scorecard rule the standards lack or that has no triggers, and two scorecards with one id. */
function checkRules(standards: Standards<unknown>, scorecards: readonly Scorecard[]): void {
  const issues: { path: string; message: string }[] = [];
  const ids = new Set<string>();
  scorecards.forEach((scorecard, index) => {
    if (ids.has(scorecard.id))
      issues.push({ path: `scorecards[${index}].id`, message: `two scorecards are named "${scorecard.id}"` });
    ids.add(scorecard.id);
    scorecard.levels.forEach((level, levelIndex) => {
      level.rules.forEach((id, ruleIndex) => {
        const path = `scorecards[${index}].levels[${levelIndex}].rules[${ruleIndex}]`;
        const where = `scorecard "${scorecard.id}", level "${level.name}"`;
        const rule = standards.rule(id);
        if (rule === undefined) {
          issues.push({
            path,
            message: `${where}: no rule "${id}" in the standards; add it before opening the scorecards`,
          });
        } else if (rule.triggers === undefined || rule.triggers.length === 0) {
          issues.push({
            path,
            message: `${where}: rule "${id}" has no triggers, so its level would never be re-evaluated; give it the event types after which its verdict may change`,
          });
        }
      });
    });
  });
  if (issues.length > 0) {
    throw new ValidationError({
      message: `scorecards are invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
      issues,
    });
  }
}

/** Options of {@link Scorecards}. */
export interface ScorecardsOptions {
  /** The factory's log. */
  readonly log: EventLog;
  /** The standards the scorecards' rules come from; add the rules before opening. */
  readonly standards: Standards<unknown>;
  /** The scorecards to keep. */
  readonly scorecards: readonly Scorecard[];
  /** Ids of every line to score. */
  readonly lines: () => readonly string[];
  /**
   * Brings what the rules read up to the log's head before each evaluation
   * (for a factory: `floorplan.refresh()` and `work.refresh()`), so an event
   * another process appended is seen when the automation re-evaluates on it.
   */
  readonly refresh?: () => Promise<unknown>;
}

const OptionsSchema = z.object({
  log: z.custom<EventLog>((value) => typeof value === "object" && value !== null, "must be the event log"),
  standards: z.custom<Standards<unknown>>(
    (value) => typeof value === "object" && value !== null,
    "must be the standards",
  ),
  scorecards: z.array(z.unknown()),
  lines: z.custom<() => readonly string[]>(
    (value) => typeof value === "function",
    "must be a function returning line ids",
  ),
  refresh: z
    .custom<() => Promise<unknown>>((value) => typeof value === "function", "must be a function")
    .optional(),
});

/**
 * Scorecards kept current from the log: the levels are a projection of
 * `scorecard.level.changed` events, and {@link Scorecards.automation}
 * re-evaluates them when an event a rule depends on (its `triggers`) lands,
 * or a line is added to or retired from the floor plan (once per burst),
 * recording each change as an event.
 *
 * @example
 * ```ts
 * const factory = await openFactory({ dir: ".factory", rules: [basicStandards] });
 * const scorecards = await Scorecards.open({
 *   log: factory.log,
 *   standards: factory.standards,
 *   scorecards: [readiness],
 *   lines: () => factory.floorplan.lines().map((line) => line.id),
 *   refresh: async () => {
 *     await factory.floorplan.refresh();
 *     await factory.work.refresh();
 *   },
 * });
 * const runner = await startAutomations({ log: factory.log, automations: [scorecards.automation()], services: factory });
 * ```
 */
export class Scorecards implements AsyncDisposable {
  readonly #levels = new Map<string, Map<string, string | null>>();
  readonly #fingerprints = new Map<string, string>();
  #projection: Projection | undefined;

  private constructor(private readonly options: ScorecardsOptions) {}

  /**
   * Checks the scorecards against the standards, opens the level projection,
   * and re-scores each scorecard that is new to the log or changed since its
   * levels were recorded (a level added or removed, a rule of it changed: its
   * description, severity, triggers or check), recording the level changes
   * and a `scorecard.defined` event, so `levelOf` follows the definitions in
   * use without waiting for an event the rules trigger on. An unchanged
   * scorecard is not re-scored. A rule whose check does not finish within
   * the standards' `checkTimeoutMs` fails on the lines it checks, so a stuck
   * check holds the open that long, once per rule, not forever.
   *
   * @throws ValidationError when the options or a scorecard are malformed,
   * two scorecards share an id, or a scorecard names a rule the standards do
   * not have or a rule without `triggers` (it could never re-evaluate on it);
   * the message names the scorecard, level and rule.
   */
  static async open(options: ScorecardsOptions): Promise<Scorecards> {
    parseInput(OptionsSchema, options, "scorecards options");
    for (const scorecard of options.scorecards) defineScorecard(scorecard);
    checkRules(options.standards, options.scorecards);
    options.log.registry.register(ScorecardLevelChanged);
    options.log.registry.register(ScorecardDefined);
    // The automation follows lines added and retired; a log the floor plan has not opened on learns their types here.
    for (const definition of LINE_EVENTS)
      if (!options.log.registry.has(definition.type)) options.log.registry.register(definition);
    const scorecards = new Scorecards(options);
    scorecards.#projection = await startProjection(options.log, {
      types: [ScorecardLevelChanged.type, ScorecardDefined.type],
      apply: (event) => scorecards.#apply(event),
    });
    try {
      await scorecards.#rescoreChanged();
    } catch (error) {
      await scorecards.close();
      throw error;
    }
    return scorecards;
  }

  /**
   * Re-scores each scorecard whose fingerprint is not the one last recorded
   * (a level or rule added or changed since, or a scorecard new to the log):
   * its level changes and its new fingerprint land in one append at the head
   * it read, so of processes opening at once one records them.
   */
  async #rescoreChanged(): Promise<void> {
    const { log, standards, scorecards } = this.options;
    const fingerprints = new Map(scorecards.map((card) => [card.id, fingerprintOf(card, standards)]));
    const stale = () =>
      scorecards.filter((card) => this.#fingerprints.get(card.id) !== fingerprints.get(card.id));
    if (stale().length === 0) return;
    await retryOnConflict(
      async () => {
        const head = await log.head();
        await this.#projection?.catchUp();
        const events: NewEvent[] = [];
        for (const card of stale()) {
          events.push(...(await this.#changes(card)), {
            type: ScorecardDefined.type,
            subject: card.id,
            data: { scorecard: card.id, fingerprint: fingerprints.get(card.id) ?? "" },
          });
        }
        if (events.length > 0) await log.append(events, { expectedHead: head });
      },
      { maxBackoffMs: 500 },
    );
    await this.#projection?.catchUp();
  }

  /** The `scorecard.level.changed` events that bring a scorecard's recorded levels to its score now. */
  async #changes(scorecard: Scorecard): Promise<NewEvent[]> {
    const scores = await this.evaluate(scorecard.id);
    // A line no longer listed (retired from the floor plan) has no level any more.
    const listed = new Set(scores.map((score) => score.line));
    const gone = [...(this.#levels.get(scorecard.id)?.keys() ?? [])].filter((line) => !listed.has(line));
    const changes: NewEvent[] = [];
    for (const score of [...scores, ...gone.map((line): LineScore => ({ line, level: undefined }))]) {
      const before = this.#levels.get(scorecard.id)?.get(score.line) ?? null;
      const after = score.level ?? null;
      if (before === after) continue;
      changes.push({
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
    return changes;
  }

  /** The scorecards kept. */
  list(): readonly Scorecard[] {
    return this.options.scorecards;
  }

  /**
   * Recorded level of a line (as of the last re-evaluation), or undefined
   * when the line has none yet.
   *
   * @throws NotFoundError when the scorecard is not kept, or the line is not
   * in the floor plan (`entity` says which).
   */
  async levelOf(scorecard: string, line: string): Promise<string | undefined> {
    checkArguments("scorecards.levelOf", { scorecard: [Text, scorecard], line: [Text, line] });
    this.#find(scorecard);
    await this.#expectLines([line]);
    await this.#projection?.catchUp();
    return this.#levels.get(scorecard)?.get(line) ?? undefined;
  }

  /**
   * Scores lines now (default: every line), with what keeps each from its next level.
   *
   * @throws NotFoundError when the scorecard is not kept, or a given line is
   * not in the floor plan (`entity` says which).
   */
  async evaluate(scorecard: string, lines?: readonly string[]): Promise<LineScore[]> {
    checkArguments("scorecards.evaluate", { scorecard: [Text, scorecard], lines: [Texts.optional(), lines] });
    const found = this.#find(scorecard);
    await this.options.refresh?.();
    if (lines !== undefined) await this.#expectLines(lines, false);
    return scoreLines(this.options.standards, found, lines ?? this.options.lines());
  }

  /**
   * Event types the automation re-evaluates on: the triggers of every rule of
   * every scorecard, and the floor plan's `floorplan.line.declared` and
   * `floorplan.line.retired` (a line added or retired is scored or loses its
   * level, even on a scorecard whose levels list no rules). None when no
   * scorecard is kept.
   */
  triggers(): string[] {
    const { scorecards, standards } = this.options;
    if (scorecards.length === 0) return [];
    const rules = scorecards.flatMap((scorecard) =>
      scorecard.levels.flatMap((level) => level.rules.flatMap((id) => standards.rule(id)?.triggers ?? [])),
    );
    return [...new Set([...rules, ...LINE_EVENTS.map((event) => event.type)])];
  }

  /**
   * The automation (`rescore-lines`) that re-evaluates every scorecard when
   * an event one of its rules depends on lands or a line is added or retired
   * (see {@link Scorecards.triggers}), and records each level that changed as
   * a `scorecard.level.changed` event (a line no longer listed by `lines`
   * goes to no level).
   *
   * @throws ValidationError (path `scorecards`) when no scorecard is kept (it would have nothing to re-evaluate).
   */
  automation(): Automation {
    const triggers = this.triggers();
    if (triggers.length === 0)
      throw invalidInput("scorecards automation", [
        {
          path: "scorecards",
          message: "no scorecard is kept, so the automation would have nothing to re-evaluate",
        },
      ]);
    return defineAutomation({
      name: "rescore-lines",
      description:
        "Re-evaluates the scorecards when an event their rules depend on lands, or a line is added or retired.",
      on: triggers,
      run: async (event, { emit }) => {
        // Only the last trigger of a burst re-evaluates: the state it sees includes the others.
        const later = await this.options.log.read({ after: event.seq, types: triggers, limit: 1 });
        if (later.length > 0) return;
        await this.#projection?.catchUp();
        for (const scorecard of this.options.scorecards)
          for (const change of await this.#changes(scorecard)) emit(change);
      },
    });
  }

  /** Stops following the log. */
  async close(): Promise<void> {
    await this.#projection?.close();
  }

  /** Same as {@link Scorecards.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #find(id: string): Scorecard {
    const scorecard = this.options.scorecards.find((candidate) => candidate.id === id);
    if (scorecard === undefined) {
      throw new NotFoundError({
        message: `no scorecard "${id}"; scorecards kept: ${this.options.scorecards.map((known) => known.id).join(", ") || "none"}`,
        entity: "scorecard",
        id,
      });
    }
    return scorecard;
  }

  /** Throws NotFoundError for the first of `lines` the floor plan lacks (refreshed first when `refresh`, so another process's lines are seen). */
  async #expectLines(lines: readonly string[], refresh = true): Promise<void> {
    const known = () => new Set(this.options.lines());
    let listed = known();
    if (refresh && lines.some((line) => !listed.has(line))) {
      await this.options.refresh?.();
      listed = known();
    }
    const missing = lines.find((line) => !listed.has(line));
    if (missing === undefined) return;
    const names = [...listed].sort();
    const shown =
      names.length > 20 ? `${names.slice(0, 20).join(", ")} and ${names.length - 20} more` : names.join(", ");
    throw new NotFoundError({
      message: `no line "${missing}" in the floor plan; lines: ${shown || "none"}`,
      entity: "line",
      id: missing,
    });
  }

  #apply(event: StoredEvent): void {
    if (ScorecardDefined.is(event)) {
      this.#fingerprints.set(event.data.scorecard, event.data.fingerprint);
      return;
    }
    if (!ScorecardLevelChanged.is(event)) return;
    const levels = this.#levels.get(event.data.scorecard) ?? new Map<string, string | null>();
    levels.set(event.data.line, event.data.to);
    this.#levels.set(event.data.scorecard, levels);
  }
}
