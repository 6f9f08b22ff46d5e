/**
 * `factory context`: the context pack of a work item, a line, some paths or a
 * question (lines with owners and neighbours, standards, knowledge, open work,
 * suspect links) within a token budget, as markdown or JSON.
 *
 * @module
 */
import { type ContextRequest, contextPackMarkdown } from "@software-factory/intelligence";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { FolderFlag, PathsArgument, parseFlag, positiveIntFlag } from "../flags.js";
import { cancelledOnInterrupt } from "../interruptibleRead.js";
import { requireLines, requireWorkItem } from "../knownValues.js";
import { type FlagsOfFields, namingFlags } from "../namingFlags.js";
import { action, type CliContext } from "../program.js";
import { type RepositoryRoot, repositoryPaths, repositoryRoot } from "../repositoryPaths.js";
import { withFactory } from "../Session.js";
import { skippedInstructionWarnings } from "../skippedInstructions.js";

/** The options of `factory context` as commander gives them. */
interface ContextFlags {
  readonly workItem?: string;
  readonly line?: string;
  readonly path?: string[];
  readonly question?: string;
  readonly budget?: string;
  readonly instructions?: string;
}

/** A flag that names something: not empty once trimmed. */
const NonEmptyFlag = z.string().trim().min(1, "must not be empty");

/**
 * The limits of a pack's request, the same as MCP's `get_context`: characters
 * of a question (the knowledge search's limit), tokens of a budget.
 */
const CONTEXT_LIMITS = { question: 4000, budgetTokens: 20_000 } as const;

const QuestionFlag = NonEmptyFlag.pipe(
  z.string().max(CONTEXT_LIMITS.question, `must be at most ${CONTEXT_LIMITS.question} characters`),
);
const BudgetFlag = positiveIntFlag(
  CONTEXT_LIMITS.budgetTokens,
  `must be at most ${CONTEXT_LIMITS.budgetTokens} tokens`,
);

/** Which flag each field of the pack request came from. */
const REQUEST_FLAGS: FlagsOfFields = {
  workItem: "--work-item",
  line: "--line",
  paths: "--path",
  question: "--question",
  budgetTokens: "--budget",
};

/**
 * The pack request the flags ask for; `--path` values are made repository
 * paths against `root` ({@link repositoryPaths}).
 *
 * @throws UsageError naming the flag that is malformed, or when no flag says what the pack is about.
 */
function requestOf(flags: ContextFlags, root: () => RepositoryRoot): ContextRequest {
  const request: ContextRequest = {
    ...(flags.workItem === undefined
      ? {}
      : { workItem: parseFlag(NonEmptyFlag, flags.workItem, "--work-item") }),
    ...(flags.line === undefined ? {} : { line: parseFlag(NonEmptyFlag, flags.line, "--line") }),
    ...(flags.path === undefined
      ? {}
      : {
          paths: repositoryPaths(parseFlag(PathsArgument.min(1), flags.path, "--path"), "--path", root()),
        }),
    ...(flags.question === undefined
      ? {}
      : { question: parseFlag(QuestionFlag, flags.question, "--question") }),
    ...(flags.budget === undefined ? {} : { budgetTokens: parseFlag(BudgetFlag, flags.budget, "--budget") }),
  };
  if (
    request.workItem === undefined &&
    request.line === undefined &&
    request.paths === undefined &&
    request.question === undefined
  )
    throw new UsageError(
      "say what the pack is about: --work-item <id>, --line <id>, --path <path>... or --question <text>",
    );
  return request;
}

/** Registers `factory context`. */
export function registerContext(program: Command, context: CliContext): void {
  program
    .command("context")
    .description(
      "the context pack of a work item, a line, paths or a question: lines, owners, neighbours, standards, knowledge, open work and suspect links, within a token budget (markdown, or JSON with --json)",
    )
    .option("--work-item <id>", "the work item the pack is about (its line comes too)")
    .option("--line <line>", "a line of the floor plan")
    .option(
      "--path <paths...>",
      "paths in the repository (relative to the current folder, or absolute); the lines that own them come, and the instructions for them",
    )
    .option(
      "--question <text>",
      `what to find knowledge about (at most ${CONTEXT_LIMITS.question} characters)`,
    )
    .option(
      "--budget <tokens>",
      `tokens the whole pack may take as markdown (default 1500, at most ${CONTEXT_LIMITS.budgetTokens})`,
    )
    .option(
      "--instructions <repo>",
      "also list the repository's Cursor rules, AGENTS.md and CLAUDE.md sections that apply",
    )
    .action(
      action(context, async ({ options, output }, flags) => {
        const given = flags as ContextFlags;
        const instructionsFrom =
          given.instructions === undefined
            ? undefined
            : parseFlag(FolderFlag, given.instructions, "--instructions");
        // Paths are the instructions' repository's when --instructions names one.
        const request = requestOf(given, () =>
          instructionsFrom === undefined
            ? repositoryRoot(options.dir)
            : { folder: instructionsFrom, what: "the --instructions repository" },
        );
        const [pack, skipped] = await withFactory(
          options,
          async (factory) => {
            if (request.line !== undefined) await requireLines(factory, [request.line], "--line");
            if (request.workItem !== undefined)
              await requireWorkItem(factory, request.workItem, "--work-item");
            // A budget the lines and the work item alone do not fit: the message says how many tokens they need.
            // Ctrl-C cancels the pack (the embedder's call for its knowledge search is aborted) and exits 130.
            const built = await cancelledOnInterrupt("the context pack", (signal) =>
              namingFlags(REQUEST_FLAGS, () => factory.context({ ...request, signal })),
            );
            return [built, factory.standards.skipped()] as const;
          },
          instructionsFrom === undefined ? {} : { instructionsFrom },
        );
        // The pack holds the standards of the files that loaded; say which files it could not read.
        for (const line of skippedInstructionWarnings(skipped, instructionsFrom ?? "")) output.error(line);
        if (options.json) return output.json(pack);
        output.line(contextPackMarkdown(pack));
      }),
    );
}
