/**
 * Where lines stand on a scorecard, computed from the standards' findings.
 *
 * @module
 */

import { anObject, checkArguments } from "@software-factory/core";
import { z } from "zod";
import { aStandards, Texts } from "../internal/arguments.js";
import type { Finding, FindingSeverity } from "./Rule.js";
import type { Scorecard } from "./Scorecard.js";
import type { Standards } from "./Standards.js";

/** What {@link scoreLines} reads of a scorecard: its levels' rules and its severity. */
const ScoredSchema = anObject("a scorecard (defineScorecard's result)").pipe(
  z.object({
    levels: z.array(z.object({ name: z.string(), rules: z.array(z.string()) })),
    severity: z.enum(["error", "warning", "info"]).optional(),
  }),
);

/** Rank of each severity: a finding blocks when its rank reaches the scorecard's or gate's bar. */
export const SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = { info: 0, warning: 1, error: 2 };

/** Whether a finding of `severity` blocks under a bar of `bar` (default `error`). */
export function blocks(severity: FindingSeverity, bar: FindingSeverity = "error"): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[bar];
}

/** Where a line stands on a scorecard. */
export interface LineScore {
  /** Line id. */
  readonly line: string;
  /** Highest level reached, or undefined when not even the first. */
  readonly level: string | undefined;
  /** The next level and the findings (at or above the scorecard's severity) that keep the line from it. */
  readonly next?: {
    /** The next level's name. */
    readonly level: string;
    /** The findings that keep the line from it. */
    readonly failing: readonly Finding[];
  };
}

/**
 * Scores lines on a scorecard now: a line reaches a level when no rule of
 * that level or any level below has a finding at or above the scorecard's
 * severity (default `error`) on the line or on what belongs to it (its work
 * items, artifacts, documents). A finding on a target of several lines (a
 * document naming two lines) counts against each of them, and so does one
 * that names more lines itself (`Finding.lines`: a dependency cycle counts
 * against every line in it). So a line that has
 * reached a level passes `ruleGate({ rules: { scorecard, level } })`, which
 * blocks on the same severity.
 *
 * @throws NotFoundError when the scorecard names a rule the standards do not have (see {@link Standards.check}).
 */
export async function scoreLines(
  standards: Standards<unknown>,
  scorecard: Scorecard,
  lines: readonly string[],
): Promise<LineScore[]> {
  checkArguments("scoreLines", {
    standards: [aStandards, standards],
    scorecard: [ScoredSchema, scorecard],
    lines: [Texts, lines],
  });
  const ruleIds = scorecard.levels.flatMap((level) => level.rules);
  const bar = scorecard.severity ?? "error";
  const findings = (await standards.check({ rules: ruleIds })).filter((finding) =>
    blocks(finding.severity, bar),
  );
  const byLine = new Map<string, Finding[]>();
  for (const finding of findings) {
    const lines = new Set([
      ...(finding.target.kind === "line" ? [finding.target.id] : await standards.linesOf(finding.target)),
      ...(finding.lines ?? []),
    ]);
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
