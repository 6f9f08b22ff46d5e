import { execFileSync } from "node:child_process";
import { untrustedGit, ValidationError } from "@software-factory/core";
import {
  type ConnectorSummary,
  type Factory,
  GitImportOptionsSchema,
  importGitCommits,
  importIssues,
  importJsonl,
  importJUnitReport,
  JsonlMappingSchema,
} from "@software-factory/intelligence";
import { Argument, type Command } from "commander";
import { z } from "zod";
import { NameValue, nameArgument, parseFlag } from "../flags.js";
import { requireGitRange, requireGitRepository } from "../gitRepository.js";
import { reportImportProblems } from "../importProblems.js";
import { inputName, withInputFile } from "../inputFile.js";
import { readJsonFlag } from "../jsonFlag.js";
import { requireLines, requireSource, requireWorkItem } from "../knownValues.js";
import { namingFlags } from "../namingFlags.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import type { Session } from "../Session.js";
import { withStagedFactory } from "../stagedFactory.js";

/**
 * Runs a connector in the session's factory and prints its summary (the
 * counts, then the notes given), its problems on standard error after an
 * `E_IMPORT_PROBLEMS` line ({@link reportImportProblems}). The source it reads is checked first, and a factory
 * that does not exist yet is created only once the import into it has
 * succeeded (see {@link withStagedFactory}), so a missing or malformed
 * source creates no factory. A file source may be a pipe or `-` (standard
 * input), read once before the factory opens; `run` gets a path it can read.
 */
async function runConnector(
  session: Session,
  label: string,
  source: { readonly path: string; readonly kind: "file" | "folder" },
  run: (factory: Factory, file: string) => Promise<ConnectorSummary>,
  notes: readonly string[] = [],
): Promise<void> {
  const { options, output } = session;
  const staged = (file: string) => withStagedFactory(options, (factory) => run(factory, file));
  let summary: ConnectorSummary;
  if (source.kind === "file") summary = await withInputFile(source.path, undefined, staged);
  else {
    requireSource(source.path, source.kind);
    summary = await staged(source.path);
  }
  reportImportProblems(session, label, summary.problems.length, "records");
  if (options.json) {
    output.json(summary);
    return;
  }
  for (const problem of summary.problems) {
    output.error(
      `${problem.item}${problem.line === undefined ? "" : `:${problem.line}`} problem ${problem.message}`,
    );
  }
  output.line(
    `${label}: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.skipped} skipped, ${counted(summary.problems.length, "problem")}${summary.truncated === 0 ? "" : `, ${counted(summary.truncated, "field")} cut to the factory's limits`}`,
  );
  for (const note of notes) output.line(`note: ${note}`);
}

/** The `--records` flag of the commands that read a JSON file of records, in the same words for each. */
const RECORDS_FLAG = [
  "--records <path>",
  "where the records are when an object holds them, as a dotted path (items, data.issues.nodes); in JSON Lines, in each line",
] as const;

/** The `--records` value checked, ready to spread into a connector's options. */
function recordsOption(records: string | undefined): { records?: string } {
  return records === undefined ? {} : { records: parseFlag(NameValue, records, "--records") };
}

/** The SDK's hint for a file whose records sit under a key: `pass records: "data.issues"`, the path as JSON. */
const RECORDS_HINT = /pass records: ("(?:[^"\\]|\\.)*")/g;

/** A dotted path as a shell takes it: bare when it is only letters, digits, `_`, `-` and `.`, else single-quoted. */
function shellWord(path: string): string {
  return /^[\w.-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/** A message with the SDK's `pass records: "x"` said as the command line's `pass --records x`. */
function inRecordsFlagWords(message: string): string {
  return message.replace(
    RECORDS_HINT,
    (_, path: string) => `pass --records ${shellWord(JSON.parse(path) as string)}`,
  );
}

/**
 * Runs a connector that reads a JSON file of records, and says the hint it
 * gives for a file whose records sit under a key as the command line takes
 * it: the SDK says `pass records: "items"` (its option), the command line
 * `pass --records items` (the flag), in the message and in each issue. A
 * record of the wrong shape is told in the SDK's own words
 * (`issues.json:3 [1].number: must be a number, not a string`).
 *
 * @throws ValidationError as the connector does, reworded, with the same issues' fields; any other error as it is.
 */
async function namingRecordsFlag<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ValidationError) || !error.message.includes("pass records: ")) throw error;
    throw new ValidationError({
      message: inRecordsFlagWords(error.message),
      issues: error.issues.map((issue) => ({ ...issue, message: inRecordsFlagWords(issue.message) })),
    });
  }
}

/** Whether the repository at `root` is a shallow clone (`git clone --depth`, a CI checkout's default). */
function isShallow(root: string): boolean {
  const git = untrustedGit(root, ["rev-parse", "--is-shallow-repository"]);
  return execFileSync(git.file, git.args, { ...git.options, encoding: "utf8" }).trim() === "true";
}

/** Registers the connectors under `factory import`. */
export function registerImportConnectors(importCommand: Command, context: CliContext): void {
  importCommand
    .command("git")
    .description(
      "commits as change sets, linked to work items by a Factory-Item: <id> trailer or branch name, on the line owning most of their paths",
    )
    .addArgument(
      new Argument("[root]", "the repository")
        .argParser(nameArgument("<root>"))
        .default(".", "the current folder"),
    )
    .option("--range <range>", "a revision range such as main~50..main (default every branch)")
    .option("--since <when>", "only commits after this date or span (2026-01-01, 30d, 2w)")
    .action(
      action(context, async (session, root, flags) => {
        const given = flags as { range?: string; since?: string };
        // Checked before the factory opens, so a folder outside git or a bad range creates nothing.
        requireSource(root as string, "folder");
        const range =
          given.range === undefined
            ? undefined
            : parseFlag(NameValue.pipe(GitImportOptionsSchema.shape.range.unwrap()), given.range, "--range");
        const since =
          given.since === undefined
            ? undefined
            : parseFlag(GitImportOptionsSchema.shape.since, given.since, "--since");
        requireGitRepository(
          root as string,
          "<root>",
          "give the repository's folder (factory import git <root>)",
        );
        if (range !== undefined) requireGitRange(root as string, range, "--range");
        await runConnector(
          session,
          `git ${root as string}`,
          { path: root as string, kind: "folder" },
          (factory) =>
            namingFlags({ root: "<root>", range: "--range", since: "--since" }, () =>
              importGitCommits(factory, {
                root: root as string,
                ...(range === undefined ? {} : { range }),
                ...(since === undefined ? {} : { since }),
              }),
            ),
          isShallow(root as string)
            ? [
                `${root as string} is a shallow clone: its oldest commit is skipped, as git cannot tell what it changed (git fetch --unshallow, then import again)`,
              ]
            : [],
        );
      }),
    );

  importCommand
    .command("junit")
    .description("a JUnit XML report as test evidence, linked to the requirements its tests verify")
    .argument(
      "<file>",
      "JUnit XML (jest-junit, pytest --junitxml, surefire, go-junit-report, vitest), a pipe, or - for stdin",
      nameArgument("<file>"),
    )
    .option("--run-id <id>", "id of the test run (default the report's, else a hash of the file)")
    .option("--work-item <id>", "the work item the run is evidence for")
    .option("--line <line>", "the line the run belongs to, when no work item says it")
    .action(
      action(context, async (session, file, flags) => {
        const { runId, workItem, line } = flags as { runId?: string; workItem?: string; line?: string };
        if (runId !== undefined) parseFlag(NameValue, runId, "--run-id");
        await runConnector(
          session,
          inputName(file as string),
          { path: file as string, kind: "file" },
          async (factory, read) => {
            if (workItem !== undefined) await requireWorkItem(factory, workItem, "--work-item");
            return namingFlags({ runId: "--run-id", workItem: "--work-item", line: "--line" }, () =>
              importJUnitReport(factory, {
                file: read,
                ...(runId === undefined ? {} : { runId }),
                ...(workItem === undefined ? {} : { workItem }),
                ...(line === undefined ? {} : { line }),
              }),
            );
          },
        );
      }),
    );

  importCommand
    .command("issues")
    .description("a GitHub (gh issue list --json ...) or GitLab (API) issue export as signals or work items")
    .argument("<file>", "the JSON export, a pipe, or - for stdin", nameArgument("<file>"))
    .requiredOption("--format <format>", "github or gitlab")
    .option("--as <what>", "signals or work-items", "signals")
    .option("--line <line>", "line for issues whose labels name none")
    .option("--include-closed", "import closed issues too")
    .option(...RECORDS_FLAG)
    .action(
      action(context, async (session, file, flags) => {
        const given = flags as {
          format: string;
          as: string;
          line?: string;
          includeClosed?: boolean;
          records?: string;
        };
        const records = recordsOption(given.records);
        const format = parseFlag(z.enum(["github", "gitlab"]), given.format, "--format");
        const as = parseFlag(z.enum(["signals", "work-items"]), given.as, "--as");
        await runConnector(
          session,
          inputName(file as string),
          { path: file as string, kind: "file" },
          async (factory, read) => {
            // An unknown line is E_NOT_FOUND, as for every other --line (the import's own check says E_VALIDATION).
            await requireLines(factory, given.line === undefined ? [] : [given.line], "--line");
            return namingFlags({ line: "--line", records: "--records" }, () =>
              namingRecordsFlag(() =>
                importIssues(factory, {
                  file: read,
                  format,
                  as: as === "work-items" ? "workItems" : "signals",
                  includeClosed: given.includeClosed === true,
                  ...(given.line === undefined ? {} : { line: given.line }),
                  ...records,
                }),
              ),
            );
          },
        );
      }),
    );

  importCommand
    .command("jsonl")
    .description(
      "any JSON Lines export as knowledge documents, signals or artifacts, by a mapping of dotted paths",
    )
    .argument("<file>", "the JSON Lines file, a pipe, or - for stdin", nameArgument("<file>"))
    .requiredOption(
      "--mapping <json|@file>",
      'the mapping, e.g. {"target":"signal","id":"ticket.id","title":"ticket.subject","body":"ticket.text"}',
    )
    .option(...RECORDS_FLAG)
    .action(
      action(context, async (session, file, flags) => {
        const given = flags as { mapping: string; records?: string };
        const mapping = parseFlag(JsonlMappingSchema, readJsonFlag(given.mapping, "--mapping"), "--mapping");
        const records = recordsOption(given.records);
        await runConnector(
          session,
          inputName(file as string),
          { path: file as string, kind: "file" },
          (factory, read) =>
            namingRecordsFlag(() => importJsonl(factory, { file: read, mapping, ...records })),
        );
      }),
    );
}
