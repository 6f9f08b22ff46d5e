/**
 * `factory check`: the standards over the floor plan, lines, work, artifacts,
 * signals and recorded decisions; exit 1 on errors.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import { type Finding, RuleIdSchema } from "@software-factory/intelligence";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { collect, IdValue, parseFlag } from "../flags.js";
import { filteredOnLine, requireRuleKind } from "../knownValues.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

const FailOnFlag = z.enum(["error", "warning", "never"]);

/**
 * A `--rule` value: not blank, and a rule id by the rules' own rule
 * (kebab-case), so a value no rule can have is refused as malformed; a
 * well-formed id of no rule is a not-found listing the rules.
 */
const RuleFlag = IdValue.pipe(RuleIdSchema);

/**
 * Refuses a rule id of `flag` (`--rule`, `--skip`) that no rule of the
 * factory's standards has, listing the rules.
 *
 * @throws NotFoundError naming the flag and the rules there are.
 */
function requireRule(known: readonly string[], rule: string, flag: string): void {
  if (known.includes(rule)) return;
  throw new NotFoundError({
    message: `${flag}: no rule "${rule}"; the rules are ${known.join(", ")}`,
    entity: "rule",
    id: rule,
    field: flag,
  });
}

/** Registers `factory check`. */
export function registerCheck(program: Command, context: CliContext): void {
  program
    .command("check")
    .description(
      "check the standards (floor plan, lines, work items, artifacts, signals, recorded decisions); exit 1 when a finding is an error",
    )
    .option("--line <line>", "only targets of this line (a line of the floor plan)")
    .option(
      "--kind <kind>",
      "only targets of this kind (line, workItem, floorplan, ...: the kinds the rules check)",
    )
    .option("--rule <id>", "only this rule (repeatable)", collect)
    .option("--skip <id>", "every rule but this one (repeatable)", collect)
    .option("--fail-on <level>", "error, warning or never", "error")
    .action(
      action(context, async ({ options, output, fail }, flags) => {
        const f = flags as { line?: string; kind?: string; rule?: string[]; skip?: string[]; failOn: string };
        const failOn = parseFlag(FailOnFlag, f.failOn, "--fail-on");
        for (const rule of f.rule ?? []) parseFlag(RuleFlag, rule, "--rule");
        for (const rule of f.skip ?? []) parseFlag(RuleFlag, rule, "--skip");
        const findings: Finding[] = await withFactory(options, async (factory) => {
          await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
          // Stricter than the SDK, which takes any kind a source serves: a kind no rule checks would pass unchecked.
          if (f.kind !== undefined) requireRuleKind(factory, f.kind, "--kind");
          const known = factory.standards.rules().map((rule) => rule.id);
          for (const rule of f.rule ?? []) requireRule(known, rule, "--rule");
          for (const rule of f.skip ?? []) requireRule(known, rule, "--skip");
          const skipped = new Set(f.skip ?? []);
          const chosen = (f.rule ?? known).filter((rule) => !skipped.has(rule));
          if (chosen.length === 0)
            throw new UsageError("--skip: every rule chosen is skipped; nothing to check");
          return filteredOnLine(f.line, "--line", () =>
            factory.standards.check({
              ...(f.line === undefined ? {} : { line: f.line }),
              ...(f.kind === undefined ? {} : { kind: f.kind }),
              ...(f.rule === undefined && f.skip === undefined ? {} : { rules: chosen }),
            }),
          );
        });
        const errors = findings.filter((finding) => finding.severity === "error").length;
        const warnings = findings.filter((finding) => finding.severity === "warning").length;
        if ((failOn === "error" && errors > 0) || (failOn === "warning" && errors + warnings > 0)) fail();
        if (options.json) return output.json({ errors, warnings, findings });
        // The rule column fits the longest rule id listed, so the targets stay aligned.
        const ruleWidth = Math.max(26, ...findings.map((finding) => finding.rule.length));
        for (const finding of findings) {
          const severity =
            finding.severity === "error"
              ? output.style("red", "error  ")
              : finding.severity === "warning"
                ? output.style("yellow", "warning")
                : output.style("dim", "info   ");
          output.line(
            `${severity} ${finding.rule.padEnd(ruleWidth)} ${finding.target.kind}:${finding.target.id}  ${finding.message}`,
          );
          if (finding.hint !== undefined) output.line(output.style("dim", `        fix: ${finding.hint}`));
        }
        output.line(
          errors === 0
            ? output.style("green", `standards: ${counted(errors, "error")}, ${counted(warnings, "warning")}`)
            : output.style("red", `standards: ${counted(errors, "error")}, ${counted(warnings, "warning")}`),
        );
      }),
    );
}
