/**
 * The use of the rules factory operators encoded, as far as the log records
 * it: the moves a rule gate refused citing a rule (`work.gate.failed`), and
 * the scorecard level changes that name a rule as keeping a line from the
 * next level (`scorecard.level.changed`).
 *
 * What is not measured, and why: a rule's checks leave no event. A gate that
 * passes, `standards.check` (the CLI's `factory check`, MCP's
 * `check_standards`), a scorecard evaluation that changes no level and a
 * context pack's findings are computed and given back, not recorded, and an
 * event per check would grow the log with every check; so the findings a
 * rule gives, and the moves it let through, are not counted.
 *
 * @module
 */
import { type EventLog, WorkGateFailed } from "@software-factory/core";
import type { MeasuredWindow } from "../automations/automationUsage.js";
import { ScorecardLevelChanged } from "./scorecardEvents.js";

/** What one rule did in the window, as the log records it. */
export interface RuleUse {
  /** Id of the rule. */
  readonly rule: string;
  /**
   * Moves a gate refused with a finding of this rule (a `work.gate.failed`
   * whose findings hold one `ruleGate` wrote for it: `<rule> (<severity>): ...`).
   */
  readonly refusedMoves: number;
  /** Distinct work items of those moves. */
  readonly items: number;
  /**
   * Scorecard level changes that name it among the rules keeping the line
   * from the next level (a line that fell or rose short of it).
   */
  readonly heldLevels: number;
  /** Lines of the refused items and of those level changes, sorted. */
  readonly lines: readonly string[];
}

/** A rule of the factory's standards, as the measure reads it. */
export interface EncodedRule {
  /** Its id. */
  readonly id: string;
  /** Who encoded it, if it says. */
  readonly author?: string | undefined;
}

interface Tally {
  refusedMoves: number;
  heldLevels: number;
  readonly items: Set<string>;
  readonly lines: Set<string>;
}

const tally = (): Tally => ({ refusedMoves: 0, heldLevels: 0, items: new Set(), lines: new Set() });

/** The rule id a ruleGate finding's message begins with (`line-has-owner (error): ...`). */
const GATE_FINDING = /^([a-z0-9]+(?:-[a-z0-9]+)*) \((?:error|warning|info)\): /;

/**
 * The use of each of `rules` in `[start, end)`: the moves gates refused citing
 * it and the scorecard level changes naming it, from the `work.gate.failed`
 * and `scorecard.level.changed` events stamped in the window (any process's).
 * Only rules the factory's standards hold are counted (a finding names its
 * rule by id alone, so another program's rule has no author here). `lineOf`
 * gives a work item's line. Reads every event of the two types (the log
 * offers no read bounded by time).
 */
export async function measureRuleUsage(
  log: EventLog,
  rules: readonly EncodedRule[],
  window: MeasuredWindow,
  lineOf: (item: string) => string | undefined,
): Promise<Map<string, RuleUse>> {
  const byId = new Map<string, Tally>(rules.map((rule) => [rule.id, tally()]));
  const types = [WorkGateFailed.type, ScorecardLevelChanged.type];
  for await (const event of log.readAll({ types })) {
    const at = Date.parse(event.at);
    if (at < window.start || at >= window.end) continue;
    if (ScorecardLevelChanged.is(event)) {
      for (const id of new Set(event.data.failing)) {
        const t = byId.get(id);
        if (t === undefined) continue;
        t.heldLevels++;
        t.lines.add(event.data.line);
      }
      continue;
    }
    if (!WorkGateFailed.is(event)) continue;
    const cited = new Set(event.data.findings.map((finding) => GATE_FINDING.exec(finding.message)?.[1]));
    for (const id of cited) {
      const t = id === undefined ? undefined : byId.get(id);
      if (t === undefined) continue;
      t.refusedMoves++;
      t.items.add(event.subject);
      const line = lineOf(event.subject);
      if (line !== undefined) t.lines.add(line);
    }
  }
  return new Map(
    [...byId].map(([id, t]) => [
      id,
      {
        rule: id,
        refusedMoves: t.refusedMoves,
        items: t.items.size,
        heldLevels: t.heldLevels,
        lines: [...t.lines].sort(),
      },
    ]),
  );
}
