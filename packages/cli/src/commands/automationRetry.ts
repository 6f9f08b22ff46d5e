/**
 * `factory automations retry <automation> <event-id>`: runs an automation's
 * failed handling of an event again, once (with the automation's retries), and
 * says how it went. This process runs the built-in automations, and the
 * webhook delivery when given its URL as `factory mcp --notify-webhook` is.
 *
 * @module
 */
import {
  type Automation,
  type AutomationFailures,
  DELIVER_NOTIFICATIONS,
  type Factory,
  type RetryResult,
  readAutomationFailures,
  startAutomations,
} from "@software-factory/intelligence";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { idArgument } from "../flags.js";
import { argumentNotFound } from "../namingFlags.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";
import { requireAutomation } from "./automationFailures.js";
import { catchUp } from "./automationsCatchUp.js";

/** The local options of `factory automations retry`, as commander gives them. */
interface RetryFlags {
  /** A URL, or true when the flag is given without one (the URL is then FACTORY_NOTIFY_WEBHOOK's). */
  readonly notifyWebhook?: string | true;
  readonly notifyFormat?: string;
}

/** What `factory automations retry --json` prints. */
interface RetryReport {
  readonly automation: string;
  /** Id of the event handled again. */
  readonly event: string;
  /** `ok` when the handling went well this time, `error` when it failed again. */
  readonly outcome: RetryResult["outcome"];
  /** What the handler threw the last time, when it failed again; null otherwise. */
  readonly error: { readonly code: string; readonly message: string } | null;
  /** True when it failed again saying the failure is permanent. */
  readonly permanent: boolean;
}

/**
 * The automation of that name this process can run: a built-in one, or the
 * webhook delivery of `--notify-webhook`.
 *
 * @throws UsageError when it is none of the factory's automations, or the
 *   webhook delivery without `--notify-webhook`, or a flag is wrong.
 * @throws NotFoundError naming `<automation>` when it is an automation another program runs.
 */
function runnable(
  mcp: typeof import("@software-factory/mcp"),
  name: string,
  flags: RetryFlags,
  recorded: readonly string[],
): Automation<Factory> {
  const served = mcp.servedAutomationsOf({
    automations: true,
    ...(flags.notifyWebhook === undefined ? {} : { notifyWebhook: flags.notifyWebhook }),
    ...(flags.notifyFormat === undefined ? {} : { notifyFormat: flags.notifyFormat }),
  });
  if (served instanceof Error) throw new UsageError(served.message);
  const found = served.automations.find((automation) => automation.name === name);
  if (found !== undefined) return found;
  requireAutomation(name, recorded, "<automation>");
  if (name === DELIVER_NOTIFICATIONS)
    throw new UsageError(
      `<automation>: ${name} posts to a webhook: give its URL to retry, as to factory mcp (--notify-webhook <url>, or --notify-webhook with FACTORY_NOTIFY_WEBHOOK set; --notify-format and FACTORY_WEBHOOK_SECRET as there)`,
    );
  const runs = served.automations.map((automation) => automation.name).join(", ");
  throw argumentNotFound("<automation>", {
    message: `automation "${name}" is run by another program, not by this command (it runs ${runs}, and ${DELIVER_NOTIFICATIONS} with --notify-webhook): retry it there, with factory.automations.retry("${name}", eventId)`,
    entity: "automation",
    id: name,
  });
}

/**
 * Refuses an event the automation has no failed handling of.
 *
 * @throws NotFoundError naming `<event-id>`, the automation's failed events near it, and how to list them.
 */
function requireFailure(listing: AutomationFailures, automation: string, event: string): void {
  const failed = listing.failures.filter((failure) => failure.automation === automation);
  if (failed.some((failure) => failure.event.id === event)) return;
  const ids = failed.map((failure) => failure.event.id);
  const shown =
    ids.length === 0
      ? "it has none"
      : `its failed events are ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? "..." : ""}`;
  throw argumentNotFound("<event-id>", {
    message: `automation "${automation}" has no failed handling of event "${event}" (it handled it well, or never reached it); ${shown} (factory automations failures lists them)`,
    entity: "event",
    id: event,
  });
}

/**
 * Runs the failed handling again with only that automation started in this
 * process, which then handles the events of its types it had not reached
 * (as `factory automations run` would) before it is closed.
 */
async function retried(
  factory: Factory,
  automation: Automation<Factory>,
  event: string,
): Promise<RetryResult> {
  return catchUp(
    factory,
    (onError) =>
      startAutomations({ log: factory.log, automations: [automation], services: factory, onError }),
    (runner) => runner.retry(automation.name, event),
  );
}

/** Registers `factory automations retry` under `factory automations`. */
export function registerAutomationRetry(automations: Command, context: CliContext): void {
  automations
    .command("retry")
    .description(
      "run an automation's failed handling of an event again, once (with its retries), and say how it went; exits 1 when it failed again. Runs the built-in automations, and the webhook delivery given --notify-webhook",
    )
    .argument(
      "<automation>",
      "the automation (factory automations failures names it)",
      idArgument("<automation>"),
    )
    .argument("<event-id>", "the event it failed to handle", idArgument("<event-id>"))
    .option(
      "--notify-webhook [url]",
      "to retry deliver-notifications: the webhook it posts to, as for factory mcp (no URL: FACTORY_NOTIFY_WEBHOOK's); FACTORY_WEBHOOK_SECRET signs",
    )
    .option("--notify-format <format>", "json (default) or slack, as for factory mcp")
    .action(
      action(context, async ({ options, output, fail }, name, event, flags) => {
        const automation = name as string;
        const eventId = event as string;
        const mcp = await import("@software-factory/mcp");
        const result = await withFactory(options, async (factory) => {
          const listing = await readAutomationFailures(factory.log, automation);
          const chosen = runnable(mcp, automation, flags as RetryFlags, listing.automations);
          requireFailure(listing, automation, eventId);
          return retried(factory, chosen, eventId);
        });
        const report: RetryReport = {
          automation,
          event: eventId,
          outcome: result.outcome,
          error: result.error ?? null,
          permanent: result.permanent === true,
        };
        if (report.outcome === "error") fail();
        if (options.json) return output.json(report);
        if (report.error === null) {
          output.line(
            `${output.style("green", "handled")}: ${automation} handled event ${eventId} on this retry`,
          );
          return;
        }
        const how = report.permanent
          ? "permanently (the handler says retrying will not help until its cause is fixed)"
          : "again, after its retries";
        output.line(`${output.style("red", "failed")} ${how}: ${automation} on event ${eventId}`);
        output.line(output.style("red", `  ${report.error.code}: ${oneLine(report.error.message)}`));
      }),
    );
}
