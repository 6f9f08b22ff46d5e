/**
 * `factory metrics [--line] [--since]`: yield, throughput and signal resolution
 * from the history, and the use of what factory operators encoded.
 *
 * @module
 */
import { type AssemblyMeasures, instantOf } from "@software-factory/core";
import type {
  AuthorUse,
  AutomationUse,
  EncodedAuthorUse,
  EncodedUsage,
  SkillUse,
} from "@software-factory/intelligence";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { parseFlag, SinceFlag } from "../flags.js";
import { filteredOnLine, requireOperator } from "../knownValues.js";
import type { Output } from "../Output.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

const percent = (value: number | null) => (value === null ? "-" : `${Math.round(value * 100)}%`);

/**
 * A duration given in hours, in the unit that reads best: seconds under a
 * minute (`<1 s` under half a second), minutes under an hour, else hours to a
 * tenth (`45 s`, `48 min`, `53.4 h`).
 */
function formatHours(value: number | null): string {
  if (value === null) return "-";
  const seconds = value * 3600;
  if (seconds < 0.5) return "<1 s";
  if (seconds < 59.5) return `${Math.round(seconds)} s`;
  if (seconds < 3570) return `${Math.round(seconds / 60)} min`;
  return `${value.toFixed(1)} h`;
}

/** A duration given in milliseconds: `12 ms` under a second, else as {@link formatHours}. */
function formatMs(value: number | null): string {
  if (value === null || value >= 999.5) return formatHours(value === null ? null : value / 3_600_000);
  return `${Math.round(value)} ms`;
}

/** An end of the window as given to the measures: the date alone at midnight UTC, else the instant. */
const windowEnd = (instant: string) => instant.replace(/T00:00:00(\.000)?Z$/, "");

/**
 * A count in the window and, when the window covers a week or more, its rate
 * per week: `3 delivered, 0.7/week`. A shorter window gives no rate, as the
 * count stretched to a week (1 in a day, 7.0/week) would state a pace nobody
 * measured: `1 delivered (window under a week: no weekly rate)`.
 */
function weekly(count: string, perWeek: number, days: number): string {
  return days < 7 ? `${count} (window under a week: no weekly rate)` : `${count}, ${perWeek.toFixed(1)}/week`;
}

/**
 * Prints the measures as text, under the window they cover (its end excluded)
 * and their scope; rates per week only for a window of a week or more.
 */
export function printMeasures(output: Output, measures: AssemblyMeasures): void {
  const scope = [
    "end excluded",
    measures.scope.line && `line ${measures.scope.line}`,
    measures.scope.operator && `operator ${measures.scope.operator}`,
  ]
    .filter(Boolean)
    .join(", ");
  output.line(
    output.style(
      "bold",
      `measures ${windowEnd(measures.window.from)} .. ${windowEnd(measures.window.to)} (${scope})`,
    ),
  );
  const { yield: y, throughput: t, signals: s } = measures;
  output.line(
    `  yield (line operators)         ${percent(y.rate)} first-pass of ${y.delivered} delivered; rework of these ${y.delivered} delivered items (work in progress not counted): ${y.rework.sendBacks} send-backs, ${y.rework.gateFailures} gate failures, ${y.rework.adaptedLinks} adapted links`,
  );
  output.line(
    `  throughput (factory operators) ${weekly(`${t.delivered} delivered`, t.perWeek, measures.window.days)}; lead time p50 ${formatHours(t.leadTimeHours.p50)}, p85 ${formatHours(t.leadTimeHours.p85)}; WIP ${t.wip}`,
  );
  output.line(
    `  signal resolution (field)      ${s.captured} captured, ${percent(s.routedShare)} routed, ${percent(s.workShare)} turned into work, ${percent(s.resolvedShare)} resolved; median ${formatHours(s.medianHoursToRoute)} to route, ${formatHours(s.medianHoursToResolve)} to resolve`,
  );
  const dora = measures.dora;
  if (dora !== null) {
    output.line(
      `  DORA                           ${weekly(counted(dora.deployments, "deployment"), dora.deploymentsPerWeek, measures.window.days)}; change lead time p50 ${formatHours(dora.changeLeadTimeHours.p50)}; change fail rate ${percent(dora.changeFailRate)}; recovery p50 ${formatHours(dora.failedDeploymentRecoveryHours.p50)}; rework rate ${percent(dora.deploymentReworkRate)}`,
    );
  }
}

/** Runs by outcome, and the operators who ran them: `4 runs (3 ok, 1 failed) by 3 operators`. */
function runsOf(use: AuthorUse | SkillUse): string {
  if (use.runs === 0) return "no runs";
  const outcomes = [
    `${use.succeeded} ok`,
    use.failed > 0 && `${use.failed} failed`,
    use.cancelled > 0 && `${use.cancelled} cancelled`,
    use.refused > 0 && `${use.refused} refused`,
  ].filter(Boolean);
  return `${counted(use.runs, "run")} (${outcomes.join(", ")}) by ${counted(use.operators.length, "operator")}`;
}

/** What a rule did, as the log records it: `2 moves refused (1 work item), 1 scorecard level held`. */
function ruleUseOf(use: { refusedMoves: number; items: number; heldLevels: number }): string {
  const parts = [
    use.refusedMoves > 0 &&
      `${counted(use.refusedMoves, "move")} refused (${counted(use.items, "work item")})`,
    use.heldLevels > 0 && `${counted(use.heldLevels, "scorecard level")} held`,
  ].filter(Boolean);
  return parts.length === 0 ? "nothing refused or held" : parts.join(", ");
}

/** An automation's handlings: `2 handled (1 failed), 1 retried (1 recovered), 4 events emitted`. */
function handlingsOf(use: Omit<AutomationUse, "automation" | "lines" | "operators">): string {
  if (use.handled === 0 && use.retried === 0) return "nothing handled";
  return [
    `${use.handled} handled${use.failed > 0 ? ` (${use.failed} failed)` : ""}`,
    use.retried > 0 && `${use.retried} retried (${use.recovered} recovered)`,
    use.emitted > 0 && `${counted(use.emitted, "event")} emitted`,
  ]
    .filter(Boolean)
    .join(", ");
}

/** The lines and operators a rule's or automation's use reached: `; lines checkout, returns; operators ana`. */
function reached(lines: readonly string[], operators: readonly string[] = []): string {
  return [
    lines.length > 0 ? `; lines ${lines.join(", ")}` : "",
    operators.length > 0 ? `; operators ${operators.join(", ")}` : "",
  ].join("");
}

/** Prints one author's rules: a summary, then each rule the log shows used. */
function printRules(output: Output, rules: EncodedAuthorUse["rules"]): void {
  if (rules.length === 0) return;
  const used = rules.filter((rule) => rule.refusedMoves > 0 || rule.heldLevels > 0);
  const total = rules.reduce(
    (sum, rule) => ({
      refusedMoves: sum.refusedMoves + rule.refusedMoves,
      items: sum.items + rule.items,
      heldLevels: sum.heldLevels + rule.heldLevels,
    }),
    { refusedMoves: 0, items: 0, heldLevels: 0 },
  );
  output.line(`      rules (${rules.length}, ${used.length} used): ${ruleUseOf(total)}`);
  for (const rule of used) output.line(`        ${rule.rule}: ${ruleUseOf(rule)}${reached(rule.lines)}`);
}

/** Prints one author's automations: a summary, then each one that handled something. */
function printAutomations(output: Output, automations: EncodedAuthorUse["automations"]): void {
  if (automations.length === 0) return;
  const ran = automations.filter((use) => use.handled > 0 || use.retried > 0);
  const total = automations.reduce(
    (sum, use) => ({
      handled: sum.handled + use.handled,
      failed: sum.failed + use.failed,
      retried: sum.retried + use.retried,
      recovered: sum.recovered + use.recovered,
      emitted: sum.emitted + use.emitted,
    }),
    { handled: 0, failed: 0, retried: 0, recovered: 0, emitted: 0 },
  );
  output.line(`      automations (${automations.length}, ${ran.length} ran): ${handlingsOf(total)}`);
  for (const use of ran)
    output.line(`        ${use.automation}: ${handlingsOf(use)}${reached(use.lines, use.operators)}`);
}

/**
 * Prints the use of what factory operators encoded: a line per author (what
 * names none under `no author`) with their skills' runs, then each skill of
 * theirs that ran with its median duration, then their rules (moves refused,
 * scorecard levels held; checks that refused nothing are not in the log) and
 * automations (handlings by outcome, events emitted), each one used with
 * the lines and operators it reached.
 */
export function printEncoded(output: Output, usage: EncodedUsage): void {
  output.line(
    "  what factory operators encoded (skill runs, rule refusals and scorecard holds, automation handlings; use only, not effect)",
  );
  if (usage.operator !== undefined && usage.authors.length === 0)
    output.line(`    no skill, rule or automation names ${usage.operator} as its author`);
  else if (usage.authors.every((author) => author.author === null))
    output.line("    no skill, rule or automation names an author");
  for (const author of usage.authors) {
    const name = author.author ?? "no author";
    const ran = author.skills.filter((skill) => skill.runs > 0);
    output.line(
      author.skills.length === 0
        ? `    ${name} (no skill)`
        : `    ${name} (${counted(author.skills.length, "skill")}, ${ran.length} run): ${runsOf(author)}`,
    );
    for (const skill of ran)
      output.line(`      ${skill.skill}: ${runsOf(skill)}; median ${formatMs(skill.medianDurationMs)}`);
    printRules(output, author.rules);
    printAutomations(output, author.automations);
  }
}

/** The usage error of a window that ends before it starts, naming the flags as typed. */
function emptyWindow(since: string, until: string | undefined): UsageError {
  return until === undefined
    ? new UsageError(`--since: must be before now, the end of the window without --until (got "${since}")`)
    : new UsageError(`--until: must be after --since (got --since "${since}", --until "${until}")`);
}

/**
 * The window `factory metrics` measures, by the rule of MCP's `get_metrics`:
 * one reading of the clock, spans counted back from it; the end is exclusive,
 * so the default one ends a millisecond after now and what was recorded now is
 * inside; the default start is 30 days before the end.
 *
 * @throws UsageError naming the flag that is no point in time, or the window that ends before it starts.
 */
function windowOf(since: string | undefined, until: string | undefined): { from: Date; to: Date } {
  const now = Date.now();
  // Parsed for their messages first; then read against the one now.
  if (since !== undefined) parseFlag(SinceFlag, since, "--since");
  if (until !== undefined) parseFlag(SinceFlag, until, "--until");
  const to = until === undefined ? new Date(now + 1) : (instantOf(until.trim(), now) as Date);
  if (since === undefined) return { from: new Date(to.getTime() - 30 * 86_400_000), to };
  const from = instantOf(since.trim(), now) as Date;
  if (from.getTime() >= to.getTime()) throw emptyWindow(since, until);
  return { from, to };
}

/** Registers `factory metrics`. */
export function registerMetrics(program: Command, context: CliContext): void {
  program
    .command("metrics")
    .description(
      "yield (work delivered in the window, and the rework of those items), throughput, signal resolution and the use of the skills, rules and automations factory operators encoded, computed from the event history",
    )
    .option("--line <line>", "only this line (a line of the floor plan)")
    .option(
      "--operator <operator>",
      "only the items this operator owns, the signals they captured and the skills, rules and automations they encoded",
    )
    .option(
      "--since <when>",
      "start of the window: a date (2026-03-01, midnight UTC), an instant (2026-03-01T09:00:00Z) or a span back (30d, 12h, 2w) (default 30 days before its end)",
    )
    .option(
      "--until <when>",
      "end of the window, excluded, in the forms of --since (default now, what was recorded now included)",
    )
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { line?: string; operator?: string; since?: string; until?: string };
        const { from, to } = windowOf(f.since, f.until);
        const measures = await withFactory(options, async (factory) => {
          if (f.operator !== undefined) await requireOperator(factory, f.operator, "--operator");
          const operator = f.operator === undefined ? {} : { operator: f.operator };
          // A line the factory never knew is refused; one retired from the floor plan is measured from its history.
          const work = await filteredOnLine(f.line, "--line", () =>
            factory.work.measures({
              from,
              to,
              ...(f.line === undefined ? {} : { line: f.line }),
              ...operator,
            }),
          );
          return { ...work, encoded: await factory.encodedUsage({ from, to, ...operator }) };
        });
        if (options.json) return output.json(measures);
        printMeasures(output, measures);
        printEncoded(output, measures.encoded);
      }),
    );
}
