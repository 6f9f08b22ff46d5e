/**
 * `factory signal capture|route`.
 *
 * @module
 */
import { countAppended, SeveritySchema } from "@software-factory/core";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { idArgument, idempotencyKeyOption, NameValue, parseFlag, positiveIntFlag } from "../flags.js";
import { LineFlag } from "../knownValues.js";
import { argumentNotFound, type FlagsOfFields, namingFlags } from "../namingFlags.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/** Where a captured signal's fields came from on the command line. */
const CAPTURE_FLAGS: FlagsOfFields = {
  text: "<text>",
  source: "--source",
  customer: "--customer",
  severity: "--severity",
  line: "--line",
  idempotencyKey: "--idempotency-key",
};

/** Registers `factory signal`. */
export function registerSignal(program: Command, context: CliContext): void {
  const signal = program
    .command("signal")
    .description("signals from the field: capture and route them to lines");

  signal
    .command("capture")
    .description("capture a signal (what a customer said or what was observed); --source is required")
    .argument("<text...>", "the signal")
    .requiredOption("--source <source>", "where it came from (support, sales-call, monitoring)")
    .option("--customer <name>", "the customer concerned")
    .option("--severity <level>", "low, medium, high or critical", "medium")
    .option("--line <line>", "route it at once to this line")
    .option(
      "--idempotency-key <key>",
      "capture it once: a retry with this key (a CI job or ticket id) returns the first signal",
    )
    .action(
      action(context, async ({ options, output }, text, flags) => {
        const f = flags as {
          source: string;
          customer?: string;
          severity: string;
          line?: string;
          idempotencyKey?: string;
        };
        const severity = parseFlag(SeveritySchema, f.severity, "--severity");
        // An empty customer (an unset variable) names no one: refused, not stored as "".
        const customer =
          f.customer === undefined ? undefined : parseFlag(NameValue, f.customer, "--customer");
        // A value no line can have is malformed (exit 2), as for the --line filters.
        if (f.line !== undefined) parseFlag(LineFlag, f.line, "--line");
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        // A retry with the key returns the first signal and appends nothing.
        const { result: captured, appended } = await withFactory(options, (factory) =>
          countAppended(() =>
            namingFlags(CAPTURE_FLAGS, () =>
              factory.work.captureSignal(
                {
                  text: (text as string[]).join(" "),
                  source: f.source,
                  severity,
                  actor: options.actor,
                  ...(customer === undefined ? {} : { customer }),
                  ...(f.line === undefined ? {} : { line: f.line }),
                },
                keyed,
              ),
            ),
          ),
        );
        const alreadyCaptured = f.idempotencyKey !== undefined && appended === 0;
        if (options.json) return output.json({ ...captured, alreadyCaptured });
        const what = `${captured.id}${captured.line === undefined ? "" : `, routed to ${captured.line}`}`;
        output.line(
          alreadyCaptured
            ? `already captured ${what}: --idempotency-key ${f.idempotencyKey} was used for it before (nothing written)`
            : `captured ${what}`,
        );
      }),
    );

  signal
    .command("route")
    .description("rank the lines a signal belongs to, with reasons; --to routes it")
    .argument("<id>", "signal id", idArgument("<id>"))
    .option("--to <line>", "route the signal to this line")
    .option("--best", "route the signal to the best-ranked line")
    .option("-n, --limit <n>", "candidates to show (at most 100)", "3")
    .action(
      action(context, async ({ options, output, fail }, id, flags) => {
        const f = flags as { to?: string; best?: boolean; limit: string };
        // Two ways to choose the line: taking one silently would route where the caller did not ask.
        if (f.to !== undefined && f.best === true)
          throw new UsageError("give --to <line> or --best, not both");
        // The router ranks at most 100 lines; past that it refused the call after the factory opened.
        const limit = parseFlag(positiveIntFlag(100), f.limit, "--limit");
        const result = await withFactory(options, async (factory) => {
          await factory.work.refresh();
          const found = factory.work.signal(id as string);
          if (found === undefined)
            throw argumentNotFound("<id>", {
              message: `no signal "${id}"`,
              entity: "signal",
              id: id as string,
            });
          // By id, so a signal routed before does not count as evidence for itself.
          const candidates = await factory.route({ signal: found.id }, { limit });
          const target = f.to ?? (f.best === true ? candidates[0]?.line : undefined);
          if (target === undefined) return { signal: found, candidates, routed: false, changed: false };
          // Routed there already: a retried step writes nothing, so the line's owner is told once.
          if (found.line === target) return { signal: found, candidates, routed: true, changed: false };
          const routed = await namingFlags(f.to === undefined ? {} : { line: "--to" }, () =>
            factory.work.routeSignal(found.id, target, { actor: options.actor }),
          );
          return { signal: routed, candidates, routed: true, changed: true };
        });
        if (f.best === true && !result.routed) fail();
        if (options.json) return output.json(result);
        output.line(`${result.signal.id}: ${oneLine(result.signal.text)}`);
        for (const [rank, candidate] of result.candidates.entries()) {
          output.line(
            `  ${rank + 1}. ${output.style("bold", candidate.line.padEnd(20))} ${candidate.score.toFixed(3)}  ${candidate.reasons.join("; ")}`,
          );
        }
        // With --best, exit 1 and this line are the answer (as who-owns answers a path no line claims).
        if (result.candidates.length === 0)
          output.line(
            f.best === true
              ? "  no line matches: nothing routed (route it with --to <line>)"
              : "  no line matches",
          );
        if (result.changed) output.line(output.style("green", `routed to ${result.signal.line}`));
        else if (result.routed) output.line(`already routed to ${result.signal.line}: nothing written`);
        // Only ranked: where it is routed now, which the ranking does not show.
        else if (result.signal.line !== undefined)
          output.line(
            `routed to ${result.signal.line} already${result.signal.routedBy === undefined ? "" : ` (by ${result.signal.routedBy})`}`,
          );
      }),
    );
}
