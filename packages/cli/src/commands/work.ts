/**
 * `factory work list|create|show`, and the rows work items print as. The
 * moves (`advance`, `back`, `block`, `unblock`, `drop`, `complete`, `assign`)
 * are registered from `workMoves.ts`; `work artifact`, `work link` and
 * `work review` from `workTrace.ts`.
 *
 * @module
 */
import { type WorkItem, WorkItemKindSchema, WorkItemStateSchema } from "@software-factory/core";
import type { Command } from "commander";
import { collect, idArgument, idempotencyKeyOption, parseFlag } from "../flags.js";
import { filteredOnLine, LineFlag, requireOperator, requireStage, requireWorkItem } from "../knownValues.js";
import { type FlagsOfFields, namingFlags } from "../namingFlags.js";
import { newestLimitOption, newestRows, parseLimit, printOlder } from "../newestRows.js";
import type { Output } from "../Output.js";
import { oneLine } from "../printable.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";
import { linkedDocuments, printLinkedDocuments } from "./linkedDocuments.js";
import { registerWorkMoves } from "./workMoves.js";
import { registerWorkTrace, suspectLine } from "./workTrace.js";

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
          if (f.owner !== undefined) await requireOperator(factory, f.owner, "--owner");
          return filteredOnLine(f.line, "--line", () =>
            factory.work.list({
              ...(f.line === undefined ? {} : { line: f.line }),
              ...(state === undefined ? {} : { state }),
              ...(f.stage === undefined ? {} : { stage: f.stage }),
              ...(f.owner === undefined ? {} : { owner: f.owner }),
            }),
          );
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

  registerWorkMoves(work, context);

  work
    .command("show")
    .description(
      "a work item with its signals, artifacts, suspect links (with the ids work review takes) and the documents linked to it",
    )
    .argument("<id>", "work item id", idArgument("<id>"))
    .action(
      action(context, async ({ options, output }, id) => {
        const trace = await withFactory(options, async (factory) => {
          await requireWorkItem(factory, id as string, "<id>");
          return {
            ...factory.work.trace(id as string),
            suspect: factory.work.suspectLinks({ item: id as string }),
            knowledge: await linkedDocuments(factory, id as string),
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
        for (const link of trace.suspect) output.line(suspectLine(output, link));
        printLinkedDocuments(output, "  knowledge ", trace.knowledge);
      }),
    );
  registerWorkTrace(work, context);
}
