/**
 * `factory import docs|codeowners|workspaces|backstage`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { NotFoundError, nearNames } from "@software-factory/core";
import {
  codeownersToPlan,
  findCodeowners,
  importBackstage,
  importCodeowners,
  importWorkspaces,
  type Plan,
  type PlanProblem,
  parseCodeowners,
  readSourceText,
  samePathLines,
  saveFactoryYaml,
} from "@software-factory/floorplan";
import type { Factory } from "@software-factory/intelligence";
import type { ImportProblem, ImportProgress } from "@software-factory/knowledge";
import { Argument, type Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { nameArgument, parseFlag } from "../flags.js";
import { assertDocsFolder, DocsSystemSchema, importDocs, type UnknownLines } from "../importDocs.js";
import { reportImportProblems } from "../importProblems.js";
import { inputName, withInputFile } from "../inputFile.js";
import { stoppingOnInterrupt } from "../interruptibleImport.js";
import { requireFileToWrite, requireSource } from "../knownValues.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { type Session, withDryRunFactory } from "../Session.js";
import { withStagedFactory } from "../stagedFactory.js";
import { registerImportCodebase } from "./importCodebase.js";
import { registerImportConnectors } from "./importConnectors.js";
import { registerImportTranscripts } from "./importTranscripts.js";
import { printProblems } from "./plan.js";

const OperatorFlag = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "an operator id is lower-case letters, digits, '.', '_' or '-'");

interface PlanImportFlags {
  readonly owner?: string;
  readonly out?: string;
}

/** The error of a repository `root` with no CODEOWNERS where {@link findCodeowners} looks. */
function noCodeowners(root: string): NotFoundError {
  return new NotFoundError({
    message: `no CODEOWNERS in ${root} (looked in .github/, the root, docs/ and .gitlab/); give its path: factory import codeowners <file>`,
    entity: "file",
    id: "CODEOWNERS",
  });
}

/**
 * The repository's own CODEOWNERS, relative to `root` (`.gitlab/CODEOWNERS`),
 * found by floorplan's {@link findCodeowners}.
 *
 * @throws NotFoundError naming `root` and the places looked in when there is none.
 */
function repositoryCodeowners(root: string): string {
  const found = findCodeowners(root);
  if (found === undefined) throw noCodeowners(root);
  return relative(root, found).split(sep).join("/");
}

/** Gives unowned lines of an imported plan an owner, declaring the operator when the plan lacks them. */
function withOwner(plan: Plan, owner: string | undefined, known: readonly string[]): Plan {
  if (owner === undefined) return plan;
  const declared = new Set([...known, ...plan.operators.map((operator) => operator.id)]);
  return {
    ...plan,
    operators: declared.has(owner)
      ? plan.operators
      : [...plan.operators, { id: owner, roles: ["line"], handles: {} }],
    lines: plan.lines.map((line) => (line.owner === undefined ? { ...line, owner } : line)),
  };
}

/**
 * The proposal as a file that stands on its own (`--out`): the operators and
 * domains its lines name that the factory already has (a CODEOWNERS owner
 * matched by handle, `--owner` of a known operator) are declared in it too, as
 * the factory declares them, so `factory plan check` passes on it.
 */
function standalone(proposed: Plan, current: Plan): Plan {
  const operators = new Set(proposed.operators.map((operator) => operator.id));
  const domains = new Set(proposed.domains.map((domain) => domain.id));
  const named = new Set(
    proposed.lines.flatMap((line) => [
      ...(line.owner === undefined ? [] : [line.owner]),
      ...line.contributors.map((contributor) => contributor.operator),
    ]),
  );
  const inDomains = new Set(
    proposed.lines.flatMap((line) => (line.domain === undefined ? [] : [line.domain])),
  );
  return {
    ...proposed,
    operators: [
      ...proposed.operators,
      ...current.operators.filter((operator) => named.has(operator.id) && !operators.has(operator.id)),
    ],
    domains: [
      ...proposed.domains,
      ...current.domains.filter((domain) => inDomains.has(domain.id) && !domains.has(domain.id)),
    ],
  };
}

/** A floor plan source with errors, refused before anything is merged: what it proposed and its problems. */
class RefusedSource extends Error {
  constructor(
    readonly proposed: Plan,
    readonly problems: readonly PlanProblem[],
  ) {
    super("the source has errors");
  }
}

/**
 * Merges an imported plan into the factory's floor plan, or writes it to a
 * file with `--out`; `--json` names the file read (`file`) for a CODEOWNERS or Backstage source. A source with errors is refused whole: nothing is
 * merged, and a factory that did not exist is not created. A factory that does not exist yet is created only once
 * the merge into it has succeeded (see {@link withStagedFactory}); `--out`
 * never creates it (the plan is proposed against an empty factory held in
 * memory).
 */
async function applyImported(
  session: Session,
  label: string,
  source: "codeowners" | "workspaces" | "backstage",
  propose: (factory: Factory) => Promise<{
    plan: Plan;
    problems: readonly PlanProblem[];
    /** Where in the source each fact came from (`.github/CODEOWNERS:4`), recorded as its provenance. */
    refs?: ReadonlyMap<string, string>;
  }>,
  flags: PlanImportFlags,
): Promise<void> {
  const { options, output, fail } = session;
  const owner = flags.owner === undefined ? undefined : parseFlag(OperatorFlag, flags.owner, "--owner");
  if (flags.out !== undefined) requireFileToWrite(flags.out, "--out");
  const withTheFactory = flags.out === undefined ? withStagedFactory : withPreviewFactory;
  /** The plan a problem's path points into when it is not the proposed one. */
  const planOfProblem = new Map<PlanProblem, Plan>();
  const outcome = await withTheFactory(options, async (factory) => {
    const { plan, problems: sourceProblems, refs } = await propose(factory);
    const current = factory.floorplan.toPlan();
    const known = current.operators.map((operator) => operator.id);
    const merging = withOwner(plan, owner, known);
    // Written to a file, the proposal declares the known operators and domains it names.
    const proposed = flags.out === undefined ? merging : standalone(merging, current);
    // A proposal not merged (written to a file, or refused) gets its same-paths warnings here, placed in it.
    const unmerged = () => [...sourceProblems, ...samePathLines(current, proposed)];
    // A source with errors (a YAML document that does not parse) is refused whole: nothing is merged
    // nor written to --out, and it is thrown out of a factory being created, so that none is.
    if (sourceProblems.some((problem) => problem.severity === "error"))
      throw new RefusedSource(proposed, unmerged());
    if (flags.out !== undefined) {
      await saveFactoryYaml(flags.out, proposed);
      return { proposed, problems: unmerged(), changes: undefined };
    }
    const applied = await factory.floorplan.applyPlan(proposed, {
      mode: "merge",
      source,
      label,
      actor: options.actor,
      ...(refs === undefined ? {} : { refs }),
    });
    // The merge's warnings (same-paths and taken-paths among them) point into the merged floor plan,
    // which the factory now holds.
    const merged = factory.floorplan.toPlan();
    for (const warning of applied.warnings) planOfProblem.set(warning, merged);
    return { proposed, problems: [...sourceProblems, ...applied.warnings], changes: applied.changes };
  }).catch((error: unknown) => {
    if (!(error instanceof RefusedSource)) throw error;
    return {
      proposed: error.proposed,
      problems: error.problems,
      changes: flags.out === undefined ? 0 : undefined,
    };
  });
  const refused = outcome.problems.some((problem) => problem.severity === "error");
  if (refused) fail();
  // CODEOWNERS and Backstage sources are one file, which the label names.
  const file = source === "workspaces" ? undefined : label;
  if (options.json) {
    output.json({
      ...(file === undefined ? {} : { file }),
      lines: outcome.proposed.lines.length,
      operators: outcome.proposed.operators.length,
      ...(outcome.changes !== undefined
        ? { changes: outcome.changes }
        : refused
          ? {}
          : { written: flags.out }),
      problems: outcome.problems,
    });
    return;
  }
  printProblems(output, outcome.problems, (problem) => planOfProblem.get(problem) ?? outcome.proposed);
  output.line(
    outcome.changes === undefined
      ? refused
        ? `${label}: nothing written to ${flags.out} (fix the errors above and import again)`
        : `${label}: wrote ${counted(outcome.proposed.lines.length, "line")} to ${flags.out}`
      : refused
        ? `${label}: nothing merged into the floor plan (fix the errors above and import again)`
        : `${label}: ${counted(outcome.proposed.lines.length, "line")}, ${counted(outcome.changes, "change")} merged into the floor plan`,
  );
}

/** The factory to propose a plan against without writing to it: the one named, else an empty one in memory. */
function withPreviewFactory<T>(
  options: Session["options"],
  work: (factory: Factory) => Promise<T>,
): Promise<T> {
  return withDryRunFactory(options, true, work);
}

/**
 * The line summing up the files not imported because they name lines the
 * floor plan lacks: before a floor plan is applied, that the plan should be
 * applied first; once it has lines, that these are not among them, with the
 * lines near each (a typo: `payroll: did you mean "payments"?`).
 */
function unknownLinesSummary({ lines, files }: UnknownLines, planLines: readonly string[]): string {
  const some = `${files.length} ${files.length === 1 ? "file names" : "files name"} ${lines.length === 1 ? "a line" : "lines"}`;
  const notImported = `${files.length === 1 ? "it was" : "they were"} not imported`;
  if (planLines.length === 0)
    return `${some} the floor plan lacks (${lines.join(", ")}): ${notImported}; apply the floor plan first: factory plan apply <file>`;
  const named = lines.map((line) => {
    const near = nearNames(line, planLines);
    return near.length === 0 ? line : `${line}: did you mean ${near.map((id) => `"${id}"`).join(" or ")}?`;
  });
  return `${some} not in the floor plan (${named.join("; ")}): ${notImported}; correct the lines in ${files.length === 1 ? "its" : "their"} front matter, or declare the ${lines.length === 1 ? "line" : "lines"} in the floor plan and apply it: factory plan apply <file>`;
}

/** Registers `factory import`. */
export function registerImport(program: Command, context: CliContext): void {
  const command = program
    .command("import")
    .description(
      "import a codebase, git history, test reports, issues, JSONL, knowledge (markdown, meeting transcripts) or a floor plan (CODEOWNERS, workspaces, Backstage)",
    );
  registerImportCodebase(command, context);
  registerImportConnectors(command, context);
  registerImportTranscripts(command, context);

  command
    .command("docs")
    .description(
      "import a folder of markdown (front matter optional) into the knowledge base (safe to re-run, and to run from several processes at once)",
    )
    .argument("<dir>", "folder of markdown files")
    .option("--verbose", "list every file not imported because it names lines the floor plan lacks")
    .option(
      "--system <name>",
      "record the notes under markdown:<name> and the decisions under decisions:<name> (default the folder's path in its git repository, else its name)",
    )
    .action(
      action(context, async (session, dir, flags) => {
        const { options, output } = session;
        const folder = dir as string;
        const given = flags as { verbose?: boolean; system?: string };
        const verbose = given.verbose === true;
        // Checked before the factory opens, so a mistyped folder or name creates nothing.
        const system =
          given.system === undefined ? undefined : parseFlag(DocsSystemSchema, given.system, "--system");
        if (folder === "") throw new UsageError("<dir>: must not be empty (give a folder of markdown files)");
        assertDocsFolder(folder);
        const show = ({ done, total, item }: ImportProgress) => output.progress(done, total, item);
        // A factory that does not exist yet is created only once the import into it has succeeded.
        const { report, planLines } = await withStagedFactory(options, async (factory, staged) => {
          await factory.floorplan.refresh();
          const importing = (onProgress: (progress: ImportProgress) => void) =>
            importDocs(factory.knowledge, folder, {
              actor: options.actor,
              onProgress,
              hasLine: (line) => factory.floorplan.hasLine(line),
              ...(system === undefined ? {} : { system }),
            });
          // Ctrl-C drops a factory being created (withStagedFactory); into one that exists, what was imported stays.
          const imported = await (staged ? importing(show) : stoppingOnInterrupt(show, importing));
          return { report: imported, planLines: factory.floorplan.lines().map(({ id }) => id) };
        }).finally(() => output.endProgress());
        reportImportProblems(session, folder, report.problems.length, "files");
        if (options.json) {
          output.json(report);
          return;
        }
        const place = (problem: ImportProblem) =>
          [join(folder, problem.item), problem.line, problem.column]
            .filter((part) => part !== undefined)
            .join(":");
        // Files naming unknown lines are summed up in one line (listed with --verbose): before the floor plan is applied, that is most of them.
        const unknownFiles = new Set(report.unknownLines?.files);
        for (const problem of report.problems) {
          if (!verbose && unknownFiles.has(problem.item)) continue;
          output.error(`${place(problem)} error ${problem.message}`);
        }
        for (const warning of report.warnings) {
          output.line(`${place(warning)} ${output.style("yellow", "warning")} ${warning.message}`);
        }
        if (report.unknownLines !== undefined)
          output.error(
            `error ${unknownLinesSummary(report.unknownLines, planLines)}${verbose ? "" : " (--verbose lists the files)"}`,
          );
        // A renamed file keeps its document: named here, since it is neither captured nor retracted.
        for (const { id, from, to, content } of report.renamed) {
          output.line(
            `${join(folder, from)} renamed to ${join(folder, to)}: ${id} moved with it${content === "edited" ? " and was revised to the edited text" : ""}`,
          );
        }
        const renamed = report.renamed.length === 0 ? "" : `, ${report.renamed.length} renamed`;
        // Only after an import recorded before each folder had its own source system: the copies it replaced.
        const moved =
          report.moved === 0
            ? ""
            : `, ${report.moved} moved to the folder's own source system (${report.system})`;
        // Files that `import codebase` filed first stay its documents: one document per file.
        const left =
          report.left.length === 0
            ? ""
            : `, ${report.left.length} left to import codebase (it filed ${report.left.length === 1 ? "that file" : "those files"} first)`;
        for (const copy of report.retractedCopies) output.line(`retracted ${copy.id}: ${copy.reason}`);
        output.line(
          `${folder}: ${report.captured} captured, ${report.revised} revised, ${report.unchanged} unchanged, ${report.retracted} retracted, ${counted(report.decisions, "decision")}, ${counted(report.problems.length, "problem")}, ${counted(report.warnings.length, "warning")}${renamed}${moved}${left}`,
        );
      }),
    );

  const planFlags = (sub: Command) =>
    sub
      .option("--owner <operator>", "owner of the imported lines that have none (declared if new)")
      .option("--out <factory.yaml>", "write the proposed plan to this file instead of applying it");

  planFlags(
    command
      .command("codeowners")
      .description("propose lines from a CODEOWNERS file (default the repository's own) and merge them")
      .argument("[file]", "a CODEOWNERS file, a pipe, or - for stdin", nameArgument("<file>")),
  ).action(
    action(context, async (session, file, flags) => {
      // Checked (a pipe or stdin read) before the factory opens, so a missing file creates nothing; the label names the file read.
      const label = file === undefined ? repositoryCodeowners(process.cwd()) : inputName(file as string);
      const apply = (read: string | undefined) =>
        applyImported(
          session,
          label,
          "codeowners",
          async (factory) => {
            const operators = factory.floorplan.toPlan().operators;
            if (read === undefined) {
              const found = await importCodeowners(process.cwd(), { operators });
              if (found === undefined) throw noCodeowners(process.cwd());
              return found;
            }
            const parsed = parseCodeowners(await readSourceText(read), label);
            return { plan: codeownersToPlan(parsed.rules, { operators }), problems: parsed.problems };
          },
          flags as PlanImportFlags,
        );
      await (file === undefined ? apply(undefined) : withInputFile(file as string, undefined, apply));
    }),
  );

  planFlags(
    command
      .command("workspaces")
      .description("propose a line per package of an npm, yarn or pnpm workspace and merge them")
      .addArgument(
        new Argument("[root]", "root of the monorepo")
          .argParser(nameArgument("<root>"))
          .default(".", "the current folder"),
      ),
  ).action(
    action(context, async (session, root, flags) => {
      requireSource(root as string, "folder");
      const path = resolve(root as string);
      if (!["package.json", "pnpm-workspace.yaml"].some((manifest) => existsSync(join(path, manifest))))
        throw new NotFoundError({
          message: `<root>: no package.json nor pnpm-workspace.yaml in ${root}: give the root folder of an npm, yarn or pnpm workspace`,
          entity: "file",
          id: join(path, "package.json"),
          field: "<root>",
        });
      await applyImported(
        session,
        `workspaces of ${root}`,
        "workspaces",
        async () => ({ plan: await importWorkspaces(path), problems: [] }),
        flags as PlanImportFlags,
      );
    }),
  );

  planFlags(
    command
      .command("backstage")
      .description("propose lines, domains and operators from a Backstage catalog and merge them")
      .argument(
        "<file>",
        "catalog-info.yaml (any number of YAML documents), a pipe, or - for stdin",
        nameArgument("<file>"),
      ),
  ).action(
    action(context, async (session, file, flags) => {
      const label = inputName(file as string);
      await withInputFile(file as string, undefined, (read) =>
        applyImported(
          session,
          label,
          "backstage",
          async (factory) => {
            const known = factory.floorplan.toPlan();
            return importBackstage(await readSourceText(read), label, {
              operators: known.operators,
              domains: known.domains,
              lines: known.lines,
            });
          },
          flags as PlanImportFlags,
        ),
      );
    }),
  );
}
