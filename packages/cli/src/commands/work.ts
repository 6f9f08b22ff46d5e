/**
 * `factory work list|create|advance|back|block|unblock|drop|complete|assign|show`:
 * the moves and `assign` take `--idempotency-key` and `--expected-version`.
 * `work artifact`, `work link` and `work review` are registered from `workTrace.ts`.
 *
 * @module
 */
import {
  type AssemblyLine,
  type MoveOptions,
  OperatorIdSchema,
  ReworkCauseSchema,
  StageNameSchema,
  type WorkItem,
  WorkItemKindSchema,
  WorkItemStateSchema,
} from "@software-factory/core";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { idArgument, idempotencyKeyOption, NameValue, PositiveIntFlag, parseFlag } from "../flags.js";
import { LineFlag, requireLines, requireOperator, requireStage, requireWorkItem } from "../knownValues.js";
import { type FlagsOfFields, namingArgument, namingFlags } from "../namingFlags.js";
import { newestLimitOption, newestRows, parseLimit, printOlder } from "../newestRows.js";
import type { Output } from "../Output.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { type GlobalOptions, withFactory } from "../Session.js";
import { registerWorkTrace } from "./workTrace.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Widths of the line, stage and owner columns of work item rows. */
interface ItemColumns {
  readonly line: number;
  readonly stage: number;
  readonly owner: number;
}

/** The columns of `items`' rows: the usual widths, wider where a value of a row needs it, so the rows stay aligned. */
function itemColumns(items: readonly WorkItem[]): ItemColumns {
  const widest = (least: number, values: readonly string[]) =>
    Math.max(least, ...values.map((value) => value.length));
  return {
    line: widest(
      18,
      items.map((item) => item.line),
    ),
    stage: widest(
      15,
      items.map((item) => item.stage),
    ),
    owner: widest(
      10,
      items.map((item) => item.owner ?? "-"),
    ),
  };
}

function printItem(output: Output, item: WorkItem, columns = itemColumns([item])): void {
  const state = item.state === "active" ? item.state : output.style("yellow", item.state);
  output.line(
    `${output.style("bold", item.id)}  ${item.line.padEnd(columns.line)} ${item.stage.padEnd(columns.stage)} ${state.padEnd(7)} ${(item.owner ?? "-").padEnd(columns.owner)} ${oneLine(item.title)}`,
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

/** Where the options a move's SDK call may refuse came from (all the input of `advance` and `complete`). */
const MOVE_OPTION_FLAGS: FlagsOfFields = {
  idempotencyKey: "--idempotency-key",
  overrideWip: "--override-wip",
};

/** Where a move's input came from: `--reason` (block, unblock, drop, back), `back --to`, and its options. */
const MOVE_FLAGS: FlagsOfFields = { reason: "--reason", to: "--to", ...MOVE_OPTION_FLAGS };

/** Where an assignment's input came from: `--owner`, `--contributor` (`contributors[1]` too), and its key. */
const ASSIGN_FLAGS: FlagsOfFields = {
  owner: "--owner",
  contributors: "--contributor",
  idempotencyKey: "--idempotency-key",
};

/** An operator given to `assign`: not blank, and an operator id, so a malformed one is refused before the factory opens. */
const OperatorFlag = NameValue.pipe(OperatorIdSchema);

/** The flags of a move, as commander gives them, that become its options. */
interface MoveFlags {
  readonly idempotencyKey?: string;
  readonly expectedVersion?: string;
  readonly overrideWip?: string;
}

/**
 * Adds the flags every move takes: `--idempotency-key`, so a retried move
 * (a CI step run again) moves the item once, and `--expected-version`, so a
 * move decided on what the caller read is refused if the item changed since.
 */
function moveFlags(command: Command, doing: string): Command {
  return command
    .option(
      "--idempotency-key <key>",
      `${doing} once: a retry with this key (a CI job or ticket id) moves nothing more and prints the item`,
    )
    .option(
      "--expected-version <n>",
      "refuse (E_CONCURRENCY_CONFLICT) unless the item is still at this version (the version --json shows)",
    );
}

/**
 * The SDK's options of a move from its flags: the actor, the checked
 * `--idempotency-key` and `--expected-version`, and `--override-wip`'s reason.
 *
 * @throws UsageError naming the flag whose value is malformed.
 */
function moveOptionsOf(options: GlobalOptions, flags: MoveFlags): MoveOptions {
  return {
    actor: options.actor,
    ...idempotencyKeyOption(flags.idempotencyKey),
    ...(flags.expectedVersion === undefined
      ? {}
      : { expectedVersion: parseFlag(PositiveIntFlag, flags.expectedVersion, "--expected-version") }),
    ...(flags.overrideWip === undefined ? {} : { overrideWip: { reason: flags.overrideWip } }),
  };
}

/** What a move command does once its flags are read: the SDK call, and the line it prints. */
interface PlannedMove {
  readonly move: (line: AssemblyLine, id: string, options: MoveOptions) => Promise<WorkItem>;
  readonly done: (item: WorkItem) => string;
}

/**
 * The action of a move command: `plan` reads the command's own flags (a
 * malformed one refused before the factory opens), then the move runs with
 * the options every move takes, the SDK's refusals naming `<id>` and the flags
 * in `fieldFlags`, and the item is printed as JSON or as `done` says it.
 */
function moveAction<Flags extends MoveFlags>(
  context: CliContext,
  fieldFlags: FlagsOfFields,
  plan: (flags: Flags) => PlannedMove,
): ReturnType<typeof action> {
  return action(context, async ({ options, output }, id, flags) => {
    const { move, done } = plan(flags as Flags);
    const moveOptions = moveOptionsOf(options, flags as Flags);
    const item = await withFactory(options, (factory) =>
      namingArgument("<id>", id as string, () =>
        namingFlags(fieldFlags, () => move(factory.work, id as string, moveOptions)),
      ),
    );
    if (options.json) return output.json(item);
    output.line(done(item));
  });
}

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
    .addOption(newestLimitOption())
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { line?: string; state?: string; stage?: string; owner?: string; limit: string };
        const state = f.state === undefined ? undefined : parseFlag(WorkItemStateSchema, f.state, "--state");
        const limit = parseLimit(f.limit);
        const all = await withFactory(options, async (factory) => {
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
        const { rows: items, older } = newestRows(all, limit);
        if (options.json) return output.json(items);
        if (items.length === 0) return output.line("no work items");
        const columns = itemColumns(items);
        for (const item of items) printItem(output, item, columns);
        printOlder(output, older, "work item");
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
        // A value no line can have is malformed (exit 2), as for the --line filters.
        parseFlag(LineFlag, f.line, "--line");
        const keyed = idempotencyKeyOption(f.idempotencyKey);
        const { item, alreadyCreated } = await withFactory(options, async (factory) => {
          // A retry with the key returns the first item, whose events all precede this head.
          const head = await factory.log.head();
          const created = await namingFlags(CREATE_FLAGS, () =>
            factory.work.createWorkItem(
              {
                line: f.line,
                title: (title as string[]).join(" "),
                kind,
                ...(f.flow === undefined ? {} : { flow: f.flow }),
                ...(f.owner === undefined ? {} : { owner: f.owner }),
                signals: f.signal ?? [],
              },
              { actor: options.actor, ...keyed },
            ),
          );
          return { item: created, alreadyCreated: created.position <= head };
        });
        if (options.json) return output.json({ ...item, alreadyCreated });
        const where = `${item.id} on ${item.line} in ${item.stage}, owner ${item.owner ?? "none"}`;
        output.line(
          alreadyCreated
            ? `already created ${where}: --idempotency-key ${f.idempotencyKey} was used for it before (nothing written)`
            : `created ${where}`,
        );
      }),
    );

  moveFlags(
    work
      .command("advance")
      .description("move a work item to its next stage (gates and evidence checks run first)")
      .argument("<id>", "work item id", idArgument("<id>"))
      .option("--override-wip <reason>", "enter past the line's WIP limit, on purpose, with a reason"),
    "advance it",
  ).action(
    moveAction<MoveFlags>(context, MOVE_OPTION_FLAGS, () => ({
      move: (line, id, options) => line.advance(id, options),
      done: (item) => `${item.id} is now in ${item.stage}`,
    })),
  );

  moveFlags(
    work
      .command("back")
      .description("send a work item back for rework, with a reason")
      .argument("<id>", "work item id", idArgument("<id>"))
      .requiredOption("--reason <text>", "why it goes back")
      .option("--to <stage>", "an earlier stage (default the previous one)")
      .option("--cause <cause>", "defect, upstream, incident or other", "defect")
      .option("--override-wip <reason>", "enter past the stage's WIP limit, on purpose, with a reason"),
    "send it back",
  ).action(
    moveAction<MoveFlags & { reason: string; to?: string; cause: string }>(context, MOVE_FLAGS, (f) => {
      const cause = parseFlag(ReworkCauseSchema, f.cause, "--cause");
      const to = f.to === undefined ? undefined : parseFlag(StageNameSchema, f.to, "--to");
      return {
        move: (line, id, options) =>
          line.sendBack(id, { reason: f.reason, cause, ...(to === undefined ? {} : { to }) }, options),
        done: (item) => `${item.id} sent back to ${item.stage} (${cause}: ${f.reason})`,
      };
    }),
  );

  moveFlags(
    work
      .command("block")
      .description("stop a work item until it is unblocked, with a reason")
      .argument("<id>", "work item id", idArgument("<id>"))
      .requiredOption("--reason <text>", "what it waits for"),
    "block it",
  ).action(
    moveAction<MoveFlags & { reason: string }>(context, MOVE_FLAGS, (f) => ({
      move: (line, id, options) => line.block(id, { reason: f.reason }, options),
      done: (item) => `${item.id} is blocked in ${item.stage} (${f.reason})`,
    })),
  );

  moveFlags(
    work
      .command("unblock")
      .description("let a blocked work item move again")
      .argument("<id>", "work item id", idArgument("<id>"))
      .option("--reason <text>", "why it can move again"),
    "unblock it",
  ).action(
    moveAction<MoveFlags & { reason?: string }>(context, MOVE_FLAGS, (f) => ({
      move: (line, id, options) =>
        line.unblock(id, f.reason === undefined ? {} : { reason: f.reason }, options),
      done: (item) => `${item.id} is active again in ${item.stage}`,
    })),
  );

  moveFlags(
    work
      .command("drop")
      .description("abandon an active or blocked work item, with a reason")
      .argument("<id>", "work item id", idArgument("<id>"))
      .requiredOption("--reason <text>", "why it is abandoned"),
    "drop it",
  ).action(
    moveAction<MoveFlags & { reason: string }>(context, MOVE_FLAGS, (f) => ({
      move: (line, id, options) => line.drop(id, { reason: f.reason }, options),
      done: (item) => `${item.id} dropped in ${item.stage} (${f.reason})`,
    })),
  );

  moveFlags(
    work
      .command("complete")
      .description("finish a work item at the last stage of its flow (its evidence checks run first)")
      .argument("<id>", "work item id", idArgument("<id>")),
    "complete it",
  ).action(
    moveAction<MoveFlags>(context, MOVE_OPTION_FLAGS, () => ({
      move: (line, id, options) => line.complete(id, options),
      done: (item) => `${item.id} is done in ${item.stage}`,
    })),
  );

  moveFlags(
    work
      .command("assign")
      .description("hand a work item to another owner, or add contributors (operators the floor plan knows)")
      .argument("<id>", "work item id", idArgument("<id>"))
      .option("--owner <operator>", "the new accountable operator")
      .option("--contributor <operator>", "an operator who joins the work (repeatable)", collect),
    "assign it",
  ).action(
    moveAction<MoveFlags & { owner?: string; contributor?: string[] }>(context, ASSIGN_FLAGS, (f) => {
      const owner = f.owner === undefined ? undefined : parseFlag(OperatorFlag, f.owner, "--owner");
      const contributors = (f.contributor ?? []).map((id) => parseFlag(OperatorFlag, id, "--contributor"));
      if (owner === undefined && contributors.length === 0)
        throw new UsageError("nothing to assign: give --owner or --contributor");
      return {
        move: (line, id, options) =>
          line.assign(id, { ...(owner === undefined ? {} : { owner }), contributors }, options),
        done: (item) =>
          `${item.id} is owned by ${item.owner ?? "no one"}${item.contributors.length === 0 ? "" : ` (contributors: ${item.contributors.join(", ")})`}`,
      };
    }),
  );

  work
    .command("show")
    .description("a work item with its signals, artifacts and suspect links (with the ids work review takes)")
    .argument("<id>", "work item id", idArgument("<id>"))
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
        if (trace.item.reason !== undefined) output.line(`  reason   ${oneLine(trace.item.reason)}`);
        for (const signal of trace.signals)
          output.line(`  signal   ${signal.id} (${signal.source}) ${oneLine(signal.text)}`);
        for (const artifact of trace.artifacts)
          output.line(
            `  artifact ${artifact.id} ${artifact.kind} v${artifact.version} ${oneLine(artifact.title)}`,
          );
        for (const link of trace.suspect)
          output.line(output.style("yellow", `  suspect  ${link.id} ${link.from} ${link.type} ${link.to}`));
      }),
    );
  registerWorkTrace(work, context);
}
