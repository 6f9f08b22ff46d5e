/**
 * The moves of `factory work`: `advance`, `back`, `block`, `unblock`, `drop`,
 * `complete` and `assign`, each the SDK's call of the same name on one work
 * item, taking `--idempotency-key` and `--expected-version`.
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
} from "@software-factory/core";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import {
  collect,
  idArgument,
  idempotencyKeyOption,
  NameValue,
  PositiveIntFlag,
  parseFlag,
} from "../flags.js";
import { type FlagsOfFields, namingArgument, namingFlags } from "../namingFlags.js";
import { action, type CliContext } from "../program.js";
import { type GlobalOptions, withFactory } from "../Session.js";

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

/** Registers the moves of `factory work` on `work`. */
export function registerWorkMoves(work: Command, context: CliContext): void {
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
}
