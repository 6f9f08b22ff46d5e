/**
 * `factory work list|create|advance|back|block|unblock|drop|complete|show`.
 *
 * @module
 */
import {
  ReworkCauseSchema,
  StageNameSchema,
  type WorkItem,
  WorkItemKindSchema,
  WorkItemStateSchema,
} from "@software-factory/core";
import type { Command } from "commander";
import { IdempotencyKeyFlag, nameArgument, parseFlag } from "../flags.js";
import { requireLines, requireOperator, requireStage, requireWorkItem } from "../knownValues.js";
import { type FlagsOfFields, namingArgument, namingFlags } from "../namingFlags.js";
import type { Output } from "../Output.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function printItem(output: Output, item: WorkItem): void {
  const state = item.state === "active" ? item.state : output.style("yellow", item.state);
  output.line(
    `${output.style("bold", item.id)}  ${item.line.padEnd(18)} ${item.stage.padEnd(15)} ${state.padEnd(7)} ${(item.owner ?? "-").padEnd(10)} ${item.title}`,
  );
}

/** Where a new work item's fields came from on the command line. */
const CREATE_FLAGS: FlagsOfFields = {
  title: "<title>",
  line: "--line",
  flow: "--flow",
  owner: "--owner",
  signals: "--signal",
  idempotencyKey: "--idempotency-key",
};

/** Where a move's input came from: `--reason` (block, unblock, drop, back) and `back --to`. */
const MOVE_FLAGS: FlagsOfFields = { reason: "--reason", to: "--to", overrideWip: "--override-wip" };

/** Where `advance`'s options came from: the reason of `--override-wip`. */
const ADVANCE_FLAGS: FlagsOfFields = { overrideWip: "--override-wip" };

/** Registers `factory work`. */
export function registerWork(program: Command, context: CliContext): void {
  const work = program.command("work").description("work items on the assembly line");

  work
    .command("list")
    .description("list work items")
    .option("--line <line>", "only this line's items (a line of the floor plan)")
    .option("--state <state>", "active, blocked, done or dropped")
    .option("--stage <stage>", "only items in this stage (a stage of the pipeline)")
    .option("--owner <operator>", "only this operator's items")
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { line?: string; state?: string; stage?: string; owner?: string };
        const state = f.state === undefined ? undefined : parseFlag(WorkItemStateSchema, f.state, "--state");
        const items = await withFactory(options, async (factory) => {
          await factory.work.refresh();
          if (f.stage !== undefined) requireStage(factory, f.stage, "--stage");
          await requireLines(factory, f.line === undefined ? [] : [f.line], "--line");
          if (f.owner !== undefined) await requireOperator(factory, f.owner, "--owner");
          return factory.work.list({
            ...(f.line === undefined ? {} : { line: f.line }),
            ...(state === undefined ? {} : { state }),
            ...(f.stage === undefined ? {} : { stage: f.stage }),
            ...(f.owner === undefined ? {} : { owner: f.owner }),
          });
        });
        if (options.json) return output.json(items);
        if (items.length === 0) return output.line("no work items");
        for (const item of items) printItem(output, item);
      }),
    );

  work
    .command("create")
    .description("create a work item on a line (owned by the line's owner unless --owner)")
    .requiredOption("--line <line>", "the line the work belongs to")
    .argument("<title...>", "what is to be done")
    .option("--kind <kind>", "feature, bug, improvement or chore", "feature")
    .option("--flow <flow>", "a flow of the pipeline (tiny, standard, full)")
    .option("--owner <operator>", "accountable operator")
    .option("--signal <id>", "a signal the work comes from (repeatable)", collect)
    .option(
      "--idempotency-key <key>",
      "create it once: a retry with this key (a CI job or ticket id) returns the first item",
    )
    .action(
      action(context, async ({ options, output }, title, flags) => {
        const f = flags as {
          line: string;
          kind: string;
          flow?: string;
          owner?: string;
          signal?: string[];
          idempotencyKey?: string;
        };
        const kind = parseFlag(WorkItemKindSchema, f.kind, "--kind");
        const idempotencyKey =
          f.idempotencyKey === undefined
            ? undefined
            : parseFlag(IdempotencyKeyFlag, f.idempotencyKey, "--idempotency-key");
        const item = await withFactory(options, (factory) =>
          namingFlags(CREATE_FLAGS, () =>
            factory.work.createWorkItem(
              {
                line: f.line,
                title: (title as string[]).join(" "),
                kind,
                ...(f.flow === undefined ? {} : { flow: f.flow }),
                ...(f.owner === undefined ? {} : { owner: f.owner }),
                signals: f.signal ?? [],
              },
              { actor: options.actor, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) },
            ),
          ),
        );
        if (options.json) return output.json(item);
        output.line(`created ${item.id} on ${item.line} in ${item.stage}, owner ${item.owner ?? "none"}`);
      }),
    );

  work
    .command("advance")
    .description("move a work item to its next stage (gates and evidence checks run first)")
    .argument("<id>", "work item id", nameArgument("<id>"))
    .option("--override-wip <reason>", "enter past the line's WIP limit, on purpose, with a reason")
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const f = flags as { overrideWip?: string };
        const item = await withFactory(options, (factory) =>
          namingArgument("<id>", id as string, () =>
            namingFlags(ADVANCE_FLAGS, () =>
              factory.work.advance(id as string, {
                actor: options.actor,
                ...(f.overrideWip === undefined ? {} : { overrideWip: { reason: f.overrideWip } }),
              }),
            ),
          ),
        );
        if (options.json) return output.json(item);
        output.line(`${item.id} is now in ${item.stage}`);
      }),
    );

  work
    .command("back")
    .description("send a work item back for rework, with a reason")
    .argument("<id>", "work item id", nameArgument("<id>"))
    .requiredOption("--reason <text>", "why it goes back")
    .option("--to <stage>", "an earlier stage (default the previous one)")
    .option("--cause <cause>", "defect, upstream, incident or other", "defect")
    .option("--override-wip <reason>", "enter past the stage's WIP limit, on purpose, with a reason")
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const f = flags as { reason: string; to?: string; cause: string; overrideWip?: string };
        const cause = parseFlag(ReworkCauseSchema, f.cause, "--cause");
        const to = f.to === undefined ? undefined : parseFlag(StageNameSchema, f.to, "--to");
        const item = await withFactory(options, (factory) =>
          namingArgument("<id>", id as string, () =>
            namingFlags(MOVE_FLAGS, () =>
              factory.work.sendBack(
                id as string,
                { reason: f.reason, cause, ...(to === undefined ? {} : { to }) },
                {
                  actor: options.actor,
                  ...(f.overrideWip === undefined ? {} : { overrideWip: { reason: f.overrideWip } }),
                },
              ),
            ),
          ),
        );
        if (options.json) return output.json(item);
        output.line(`${item.id} sent back to ${item.stage} (${cause}: ${f.reason})`);
      }),
    );

  work
    .command("block")
    .description("stop a work item until it is unblocked, with a reason")
    .argument("<id>", "work item id", nameArgument("<id>"))
    .requiredOption("--reason <text>", "what it waits for")
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const { reason } = flags as { reason: string };
        const item = await withFactory(options, (factory) =>
          namingArgument("<id>", id as string, () =>
            namingFlags(MOVE_FLAGS, () =>
              factory.work.block(id as string, { reason }, { actor: options.actor }),
            ),
          ),
        );
        if (options.json) return output.json(item);
        output.line(`${item.id} is blocked in ${item.stage} (${reason})`);
      }),
    );

  work
    .command("unblock")
    .description("let a blocked work item move again")
    .argument("<id>", "work item id", nameArgument("<id>"))
    .option("--reason <text>", "why it can move again")
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const { reason } = flags as { reason?: string };
        const item = await withFactory(options, (factory) =>
          namingArgument("<id>", id as string, () =>
            namingFlags(MOVE_FLAGS, () =>
              factory.work.unblock(id as string, reason === undefined ? {} : { reason }, {
                actor: options.actor,
              }),
            ),
          ),
        );
        if (options.json) return output.json(item);
        output.line(`${item.id} is active again in ${item.stage}`);
      }),
    );

  work
    .command("drop")
    .description("abandon an active or blocked work item, with a reason")
    .argument("<id>", "work item id", nameArgument("<id>"))
    .requiredOption("--reason <text>", "why it is abandoned")
    .action(
      action(context, async ({ options, output }, id, flags) => {
        const { reason } = flags as { reason: string };
        const item = await withFactory(options, (factory) =>
          namingArgument("<id>", id as string, () =>
            namingFlags(MOVE_FLAGS, () =>
              factory.work.drop(id as string, { reason }, { actor: options.actor }),
            ),
          ),
        );
        if (options.json) return output.json(item);
        output.line(`${item.id} dropped in ${item.stage} (${reason})`);
      }),
    );

  work
    .command("complete")
    .description("finish a work item at the last stage of its flow (its evidence checks run first)")
    .argument("<id>", "work item id", nameArgument("<id>"))
    .action(
      action(context, async ({ options, output }, id) => {
        const item = await withFactory(options, (factory) =>
          namingArgument("<id>", id as string, () =>
            factory.work.complete(id as string, { actor: options.actor }),
          ),
        );
        if (options.json) return output.json(item);
        output.line(`${item.id} is done in ${item.stage}`);
      }),
    );

  work
    .command("show")
    .description("a work item with its signals, artifacts and suspect links")
    .argument("<id>", "work item id", nameArgument("<id>"))
    .action(
      action(context, async ({ options, output }, id) => {
        const trace = await withFactory(options, async (factory) => {
          await requireWorkItem(factory, id as string, "<id>");
          return {
            ...factory.work.trace(id as string),
            suspect: factory.work.suspectLinks({ item: id as string }),
          };
        });
        if (options.json) return output.json(trace);
        printItem(output, trace.item);
        output.line(
          `  stages   ${trace.item.stages.map((stage) => (stage === trace.item.stage ? output.style("bold", `[${stage}]`) : stage)).join(" ")}`,
        );
        if (trace.item.reason !== undefined) output.line(`  reason   ${trace.item.reason}`);
        for (const signal of trace.signals)
          output.line(`  signal   ${signal.id} (${signal.source}) ${signal.text}`);
        for (const artifact of trace.artifacts)
          output.line(`  artifact ${artifact.id} ${artifact.kind} v${artifact.version} ${artifact.title}`);
        for (const link of trace.suspect)
          output.line(output.style("yellow", `  suspect  ${link.from} ${link.type} ${link.to}`));
      }),
    );
}
