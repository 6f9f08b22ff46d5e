/**
 * `factory automations run`: runs the built-in automations once, until they
 * have handled every event up to the log's head, and says what each handled;
 * `automations failures` and `automations retry` are registered beside it.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { StoredEvent } from "@software-factory/core";
import {
  AutomationAdvanced,
  AutomationHandled,
  builtinAutomations,
  defaultGates,
  type Factory,
  openFactory,
  startAutomations,
} from "@software-factory/intelligence";
import type { Command } from "commander";
import { InterruptedError } from "../exitCodes.js";
import { onInterrupt } from "../interruption.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { recordWrites } from "../recordWrites.js";
import { assertFactoryExists, type GlobalOptions, installFactoryStandards, openStore } from "../Session.js";
import { registerAutomationFailures } from "./automationFailures.js";
import { registerAutomationRetry } from "./automationRetry.js";
import { catchUp } from "./automationsCatchUp.js";

/** What one automation did during a run, as `factory automations run --json` prints it. */
interface AutomationRun {
  readonly name: string;
  readonly description: string;
  /**
   * Events this process handled, as its records in the log count them: a mark
   * for each event whose handling emitted or failed, and the count of those
   * that emitted nothing in its `automation.advanced` records. Another process
   * running the automations at the same time counts the others; what an event's
   * handling emits lands once between them, but both may have run a handler
   * that emitted nothing for the same event, and count it.
   */
  readonly handled: number;
  /** Of those, events whose handler failed (recorded with their error after the automation's retries). */
  readonly failed: number;
  /** Events it appended (routings, notifications) in reaction. */
  readonly emitted: number;
  /** The failures, with the event that caused each. */
  readonly errors: readonly { readonly event: string; readonly code: string; readonly message: string }[];
}

/** What `factory automations run --json` prints. */
interface AutomationsReport {
  /** Log position before the run. */
  readonly from: number;
  /** Log position after it: every automation has handled every event of its types up to here. */
  readonly to: number;
  readonly automations: readonly AutomationRun[];
}

/** What each automation did in this process, from the `automation.handled` marks and `automation.advanced` records it wrote. */
function summarise(written: readonly StoredEvent[]): AutomationRun[] {
  const runs = new Map(
    builtinAutomations.map((automation) => [
      automation.name,
      {
        name: automation.name,
        description: automation.description,
        handled: 0,
        failed: 0,
        emitted: 0,
        errors: [] as { event: string; code: string; message: string }[],
      },
    ]),
  );
  for (const event of written) {
    if (AutomationAdvanced.is(event)) {
      const run = runs.get(event.data.automation);
      if (run !== undefined) run.handled += event.data.handled;
      continue;
    }
    if (!AutomationHandled.is(event)) continue;
    const { data } = event;
    const run = runs.get(data.automation);
    if (run === undefined) continue;
    run.handled++;
    run.emitted += data.emitted;
    if (data.outcome === "error") {
      run.failed++;
      run.errors.push({
        event: data.event,
        code: data.error?.code ?? "E_FAILED",
        message: data.error?.message ?? "",
      });
    }
  }
  return [...runs.values()];
}

/**
 * Runs `work` on the factory the options name, as `withFactory` does, over a
 * store that keeps the events this process wrote (see `recordWrites`), and
 * hands those to `work` too.
 *
 * @throws NotFoundError when the factory does not exist.
 */
async function withWritesKept<T>(
  options: GlobalOptions,
  work: (factory: Factory, written: readonly StoredEvent[]) => Promise<T>,
): Promise<T> {
  await assertFactoryExists(options);
  const dir = resolve(options.dir);
  const store = recordWrites(await openStore(options.store ?? join(dir, "factory.db"), options.storeFlag));
  const factory = await openFactory({ dir, actor: options.actor, gates: defaultGates, store });
  try {
    installFactoryStandards(factory);
    return await work(factory, store.written);
  } finally {
    await factory.close();
  }
}

/**
 * A promise that rejects on the first SIGINT, SIGTERM or SIGHUP with an
 * {@link InterruptedError} (exit 130, 143 or 129), for {@link catchUp} to
 * stop on: the handling in flight ends as the runner's close allows, the
 * factory closes, and the next run goes on from the durable cursors.
 * `forget` stops listening.
 */
function stopOnInterrupt(): { readonly stop: Promise<never>; readonly forget: () => void } {
  let forget: () => void = () => undefined;
  const stop = new Promise<never>((_, reject) => {
    forget = onInterrupt((signal) =>
      reject(
        new InterruptedError(
          `interrupted (${signal}): the automations stopped; what they handled is recorded, the next run handles the rest`,
          { signal },
        ),
      ),
    );
  });
  // Heard by catchUp's race; a signal before it starts must not be an unhandled rejection.
  stop.catch(() => undefined);
  return { stop, forget };
}

/** Registers `factory automations run`, `failures` and `retry`. */
export function registerAutomations(program: Command, context: CliContext): void {
  const automations = program
    .command("automations")
    .description(
      "the built-in automations (route new signals, tell owners of suspect work and contract changes)",
    );

  automations
    .command("run")
    .description(
      "run the built-in automations until they have handled every event up to the log's head, then exit; safe from cron or CI, and concurrently (cursors are durable, handling is idempotent)",
    )
    .action(
      action(context, async ({ options, output, fail }) => {
        const { stop, forget } = stopOnInterrupt();
        const report = await withWritesKept(options, async (factory, written): Promise<AutomationsReport> => {
          const from = await factory.log.head();
          await catchUp(
            factory,
            (onError) =>
              startAutomations({
                log: factory.log,
                automations: builtinAutomations,
                services: factory,
                onError,
              }),
            async () => undefined,
            stop,
          );
          const to = await factory.log.head();
          return { from, to, automations: summarise(written) };
        }).finally(forget);
        if (report.automations.some((run) => run.failed > 0)) fail();
        if (options.json) return output.json(report);
        const width = Math.max(...report.automations.map((run) => run.name.length));
        for (const run of report.automations) {
          const failed = run.failed === 0 ? "" : output.style("red", ` (${run.failed} failed)`);
          output.line(
            `${output.style("bold", run.name.padEnd(width))}  ${run.handled} handled${failed}, ${counted(run.emitted, "event")} emitted`,
          );
          for (const error of run.errors)
            output.line(output.style("red", `  ${error.event}: ${error.code}: ${error.message}`));
        }
        output.line(`automations: every event handled up to log position ${report.to}`);
      }),
    );

  registerAutomationFailures(automations, context);
  registerAutomationRetry(automations, context);
}
