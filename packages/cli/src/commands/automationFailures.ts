/**
 * `factory automations failures [--automation <name>] [-n <n>]`: the events an
 * automation failed to handle and that no retry has handled since, read from
 * the log, whichever process ran the automation (`automations run`, a
 * `factory mcp --automations` or `--notify-webhook`, an SDK program); the
 * newest `--limit` of them (50 by default), as the other lists show theirs.
 *
 * @module
 */
import { nearNames } from "@software-factory/core";
import {
  type AutomationFailures,
  automationNames,
  type FailedHandling,
  readAutomationFailures,
} from "@software-factory/intelligence";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { IdValue, parseFlag } from "../flags.js";
import { newestLimitOption, parseLimit, printOlder } from "../newestRows.js";
import type { Output } from "../Output.js";
import { counted } from "../plural.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/**
 * Refuses an automation name that is none of `automationNames(recorded)`: the
 * built-in ones, `deliver-notifications`, and those the log records.
 *
 * @throws UsageError naming `where` (the flag or argument), the name, the names near it and every name.
 */
export function requireAutomation(name: string, recorded: readonly string[], where: string): void {
  const known = automationNames(recorded);
  if (known.includes(name)) return;
  const near = nearNames(name, known);
  const hint = near.length === 0 ? "" : `did you mean ${near.map((found) => `"${found}"`).join(" or ")}? `;
  throw new UsageError(
    `${where}: no automation "${name}" in this factory; ${hint}the automations are ${known.join(", ")}`,
  );
}

/** Prints one failure: the automation and event, when and how it failed, and the error. */
function printFailure(output: Output, failure: FailedHandling): void {
  const { event, error } = failure;
  output.line(
    `${output.style("bold", failure.automation)}  ${event.id}  ${event.type} ${oneLine(event.subject)}`,
  );
  // Unknown (an old mark) or none (the automation's filter failed the event, as its message says): not printed.
  const attempts =
    failure.attempts === null || failure.attempts === 0
      ? ""
      : ` after ${counted(failure.attempts, "attempt")}`;
  const how = failure.permanent ? output.style("red", "permanent") : "may be retried";
  const retries = failure.retries === 0 ? "" : `, ${counted(failure.retries, "retry", "retries")} failed too`;
  output.line(
    output.style(
      "dim",
      `    failed ${failure.failedAt.slice(0, 19).replace("T", " ")}${attempts}: ${how}${retries}`,
    ),
  );
  output.line(output.style("red", `    ${error.code}: ${oneLine(error.message)}`));
}

/** Registers `factory automations failures` under `factory automations`. */
export function registerAutomationFailures(automations: Command, context: CliContext): void {
  automations
    .command("failures")
    .description(
      "list the events an automation failed to handle (after its retries, or at once when permanent) and no retry has handled since; any automation the log has records of, whichever process ran it",
    )
    .option(
      "--automation <name>",
      "only this automation's failures (route-new-signals, deliver-notifications...)",
    )
    .addOption(newestLimitOption())
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { automation?: string; limit: string };
        const automation =
          f.automation === undefined ? undefined : parseFlag(IdValue, f.automation, "--automation");
        const limit = parseLimit(f.limit);
        const listing = await withFactory(options, async (factory): Promise<AutomationFailures> => {
          const found = await readAutomationFailures(factory.log, automation, { limit });
          if (automation !== undefined) requireAutomation(automation, found.automations, "--automation");
          return found;
        });
        if (options.json) return output.json(listing);
        if (listing.failures.length === 0) {
          output.line(`no failed automation handlings${automation === undefined ? "" : ` of ${automation}`}`);
          return;
        }
        for (const failure of listing.failures) printFailure(output, failure);
        printOlder(output, listing.count - listing.failures.length, "failed handling");
        output.line(
          `${counted(listing.count, "failed handling")}; factory automations retry <automation> <event-id> runs one again`,
        );
      }),
    );
}
