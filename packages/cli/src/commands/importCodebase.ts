/**
 * `factory import codebase [path]`: reverse-engineers a repository into lines,
 * owners, dependencies, blueprints, inferred requirements and knowledge, with
 * progress per phase, a summary, `--dry-run`, `--json` and a Mermaid picture.
 *
 * @module
 */
import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { NotFoundError } from "@software-factory/core";
import {
  type CodebaseImportProgress,
  type CodebaseImportResult,
  type Factory,
  type ImportCodebaseOptions,
  type ImportCounts,
  importCodebase,
} from "@software-factory/intelligence";
import { Argument, type Command } from "commander";
import { z } from "zod";
import { nameArgument, PositiveIntFlag, parseFlag, SinceFlag } from "../flags.js";
import { requireGitRepository } from "../gitRepository.js";
import { codebaseStoppingOnInterrupt } from "../interruptibleCodebase.js";
import { requireFileToWrite } from "../knownValues.js";
import type { Output } from "../Output.js";
import { action, type CliContext } from "../program.js";
import { withDryRunFactory } from "../Session.js";
import { withStagedFactory } from "../stagedFactory.js";

interface CodebaseFlags {
  readonly dryRun?: boolean;
  readonly since?: string;
  readonly maxCommits?: string;
  readonly repository?: string;
  readonly mermaid?: string | boolean;
}

const RepositoryFlag = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "a repository name is 1-100 letters, digits, '.', '_' or '-'");

function countsText(counts: ImportCounts): string {
  const parts = [`${counts.created} new`, `${counts.updated} updated`, `${counts.unchanged} unchanged`];
  if (counts.conflicts > 0) parts.push(`${counts.conflicts} kept as edited`);
  return parts.join(", ");
}

/** The documents `import docs` filed first, which the import leaves to it (one document per file). */
function leftText(result: CodebaseImportResult): string {
  const left = result.leftToFolders.length;
  return left === 0
    ? ""
    : `, ${left} left to import docs (it filed ${left === 1 ? "that page" : "those pages"} first)`;
}

/** Prints the summary of an import: counts per kind, problems, conflicts with their diffs. */
function printSummary(output: Output, result: CodebaseImportResult): void {
  const { counts, proposal } = result;
  const heading = result.dryRun ? "would import (dry run, nothing written)" : "imported";
  output.line(
    output.style("bold", `${result.repository}: ${heading}`) +
      (proposal.commit === undefined ? "" : output.style("dim", ` at ${proposal.commit.slice(0, 12)}`)),
  );
  const rows: [string, number, ImportCounts][] = [
    ["lines", proposal.lines.length, counts.lines],
    ["owners proposed", proposal.owners.length, counts.owners],
    ["dependencies", proposal.dependencies.length, counts.dependencies],
    ["blueprints", proposal.blueprints.length, counts.blueprints],
    ["requirements", proposal.requirements.length, counts.requirements],
    ["tests", proposal.requirements.length, counts.tests],
    ["links", proposal.requirements.length, counts.links],
    ["documents", proposal.documents.length, counts.documents],
  ];
  for (const [name, found, kind] of rows)
    output.line(
      `  ${name.padEnd(16)} ${String(found).padStart(6)}  ${countsText(kind)}${name === "documents" ? leftText(result) : ""}`,
    );
  output.line(`  ${"events".padEnd(16)} ${String(result.events).padStart(6)}`);
  for (const owner of proposal.owners) {
    output.line(
      output.style(
        "dim",
        `  owner of ${owner.line}: ${owner.operator} (${owner.evidence.method}, confidence ${owner.evidence.confidence.toFixed(2)}${owner.evidence.detail === undefined ? "" : `: ${owner.evidence.detail}`})`,
      ),
    );
  }
  for (const problem of result.problems) {
    output.line(`${problem.file} ${output.style("yellow", "warning")} ${problem.message}`);
  }
  for (const copy of result.retracted) {
    output.line(`${result.dryRun ? "would retract" : "retracted"} ${copy.id}: ${copy.reason}`);
  }
  for (const conflict of result.conflicts) {
    output.line(
      `${output.style("yellow", "kept")} ${conflict.kind} ${conflict.id} ${conflict.field}: changed by ${conflict.by}; the repository now proposes:`,
    );
    output.line(conflict.diff.trimEnd());
  }
}

/** Registers `factory import codebase` under `factory import`. */
export function registerImportCodebase(importCommand: Command, context: CliContext): void {
  importCommand
    .command("codebase")
    .description(
      "reverse-engineer a repository into lines, owners, dependencies, blueprints, requirements and knowledge (safe to re-run; never overwrites a person's edit)",
    )
    .addArgument(
      new Argument("[path]", "root of the repository")
        .argParser(nameArgument("<path>"))
        .default(".", "the current folder"),
    )
    .option("--dry-run", "show what would change without writing")
    .option(
      "--since <when>",
      "owners from git history since then: a date, an instant or a span back from now (30d, 2w) (default the last --max-commits commits)",
    )
    .option("--max-commits <n>", "how many recent commits the owner proposal reads (default 2000)")
    .option("--repository <name>", "name of the repository in document sources (default the folder's name)")
    .option(
      "--mermaid [file]",
      "print the resulting floor plan as a Mermaid flowchart, or write it to a file",
    )
    .action(
      action(context, async ({ options, output }, path, flags) => {
        const root = path as string;
        const given = flags as CodebaseFlags;
        // Checked before the factory opens, so a mistyped path or flag creates nothing.
        const stat = statSync(root, { throwIfNoEntry: false });
        if (stat?.isDirectory() !== true)
          throw new NotFoundError({
            message: `cannot import codebase: ${root} ${stat === undefined ? "does not exist" : "is not a folder"}`,
            entity: "folder",
            id: root,
          });
        const since = given.since === undefined ? undefined : parseFlag(SinceFlag, given.since, "--since");
        const maxCommits =
          given.maxCommits === undefined
            ? undefined
            : parseFlag(PositiveIntFlag, given.maxCommits, "--max-commits");
        const repository =
          given.repository === undefined
            ? undefined
            : parseFlag(RepositoryFlag, given.repository, "--repository");
        const historyFlag =
          given.since === undefined
            ? given.maxCommits === undefined
              ? undefined
              : "--max-commits"
            : "--since";
        if (historyFlag !== undefined)
          requireGitRepository(
            root,
            historyFlag,
            `it reads owners from git history; leave out ${historyFlag}`,
          );
        if (typeof given.mermaid === "string") requireFileToWrite(given.mermaid, "--mermaid");
        const onProgress = (progress: CodebaseImportProgress) => {
          if (progress.ms === undefined && progress.total === undefined)
            output.progress(0, 1, progress.phase);
          else if (progress.ms === undefined)
            output.progress(progress.done, progress.total ?? 0, progress.phase);
          else
            output.note(
              output.style(
                "dim",
                `  ${progress.phase.padEnd(13)} ${String(progress.done).padStart(6)}  ${progress.ms} ms`,
              ),
            );
        };
        const dryRun = given.dryRun === true;
        const run = (
          factory: Factory,
          stopping: Pick<ImportCodebaseOptions, "signal" | "onProgress"> = { onProgress },
        ) =>
          importCodebase(factory, root, {
            dryRun,
            ...stopping,
            ...(since === undefined ? {} : { since: since.toISOString() }),
            ...(maxCommits === undefined ? {} : { maxCommits }),
            ...(repository === undefined ? {} : { repository }),
          });
        // A dry run creates no factory; an import creates one only once it has succeeded in it (Ctrl-C drops
        // it); into a factory that exists, Ctrl-C stops the import and says how far it got.
        const result = await (dryRun
          ? withDryRunFactory(options, true, run)
          : withStagedFactory(options, (factory, staged) =>
              staged
                ? run(factory)
                : codebaseStoppingOnInterrupt(factory, onProgress, (stopping) => run(factory, stopping)),
            ));
        output.endProgress();
        if (typeof given.mermaid === "string") await writeFile(given.mermaid, result.mermaid);
        if (options.json) {
          output.json(result);
          return;
        }
        printSummary(output, result);
        if (given.mermaid === true) output.line(result.mermaid);
        else if (typeof given.mermaid === "string") output.line(`floor plan written to ${given.mermaid}`);
      }),
    );
}
