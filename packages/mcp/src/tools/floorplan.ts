/**
 * The `floorplan` group of tools: who owns what, the impact of a change, and
 * one line of the floor plan.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type {
  FloorPlan,
  FloorPlanView,
  ImpactReport,
  LineInfo,
  PathOwnership,
} from "@software-factory/floorplan";
import { gitChangedPaths } from "@software-factory/intelligence";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import {
  ImpactOutput,
  LineOutput,
  LineOwnersOutput,
  PathOwnerOutput,
  PathsOmittedOutput,
} from "./floorplanOutputs.js";
import { nearHint, requireLine } from "./knownValues.js";
import { ECHOED_PATHS_MAX, pathsDescription, RepositoryPaths, readPaths } from "./repositoryPaths.js";
import { ID_MAX, PointInTime } from "./shared.js";

/**
 * Refuses a line the floor plan did not have at the instant of `view`.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `line`) naming the line, the argument, the instant and the lines then close to it.
 */
function requireLineThen(view: FloorPlanView, line: string, field: string): void {
  if (view.hasLine(line)) return;
  const known = view.lines().map((then) => then.id);
  throw new NotFoundError({
    message: `${field}: no line "${line}" in the floor plan as of ${view.at} ${nearHint(line, known, "none was declared then")}`,
    entity: "line",
    id: line,
    field,
  });
}

/** The first `limit` of `list`, and how many were left out. */
function firstOf<T>(list: readonly T[], limit: number): { kept: T[]; omitted: number } {
  return { kept: list.slice(0, limit), omitted: Math.max(0, list.length - limit) };
}

/**
 * The paths `who_owns` answers: the first {@link ECHOED_PATHS_MAX} claimed
 * ones with their lines and the first unclaimed ones, each unclaimed path once
 * without a note of its own, with `omitted` counting the rest when any were left out.
 */
function echoedPaths(claimed: readonly PathOwnership[], unclaimed: readonly string[]) {
  const paths = firstOf(claimed, ECHOED_PATHS_MAX);
  const unclaimedPaths = firstOf(unclaimed, ECHOED_PATHS_MAX);
  const left = paths.omitted + unclaimedPaths.omitted;
  return {
    paths: paths.kept,
    unclaimedPaths: unclaimedPaths.kept,
    ...(left === 0 ? {} : { omitted: { paths: paths.omitted, unclaimedPaths: unclaimedPaths.omitted } }),
  };
}

/** The `asOf` argument of the floorplan tools: answer as the floor plan was at that instant. */
const AsOfInput = PointInTime.optional().describe(
  "Answer as the floor plan was then: an ISO date or instant, or a span back (30d, 12h, 2w)",
);

/** The `asOf` of their answers: the instant answered for. */
const AsOfOutput = z.string().optional().describe("The instant answered for (UTC), when asOf was given");

/** `who_owns`: the line and owner of repository paths, or the owner and contributors of a line. */
export const whoOwns = defineTool({
  name: "who_owns",
  title: "Who owns these paths or this line",
  description:
    "For repository paths: the line each belongs to (CODEOWNERS semantics) and its owner; unclaimedPaths lists those no line claims. For a line: its owner and contributors.",
  group: "floorplan",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({
      paths: RepositoryPaths.optional().describe(pathsDescription("each gets its line and owner")),
      line: z
        .string()
        .min(1)
        .max(ID_MAX)
        .optional()
        .describe(
          "Id of a line of the floor plan (factory://floorplan lists them): its owner and contributors",
        ),
      asOf: AsOfInput,
    })
    .refine((input) => input.paths !== undefined || input.line !== undefined, {
      message: "give paths or line",
    }),
  output: z.object({
    paths: z
      .array(PathOwnerOutput)
      .describe(`Paths a line claims, in the order given, the first ${ECHOED_PATHS_MAX}`),
    unclaimedPaths: z
      .array(z.string())
      .describe(`Paths no line claims, in the order given, the first ${ECHOED_PATHS_MAX}`),
    omitted: PathsOmittedOutput,
    line: LineOwnersOutput.optional().describe("The line asked about; absent when no line was given"),
    asOf: AsOfOutput,
  }),
  run: async (factory, input) => {
    await factory.floorplan.refresh();
    const view = input.asOf === undefined ? undefined : await factory.floorplan.asOf(input.asOf);
    const plan = view ?? factory.floorplan;
    const at = view === undefined ? {} : { asOf: view.at };
    const asked = input.paths ?? [];
    const claimed: PathOwnership[] = [];
    const unclaimed: string[] = [];
    for (const [index, read] of readPaths("who_owns", plan, asked).entries()) {
      const explained = plan.explainPath(read);
      // Each path as asked about, so the caller finds it again.
      const path = asked[index] as string;
      if (explained === undefined) unclaimed.push(path);
      else claimed.push({ ...explained, path });
    }
    const paths = echoedPaths(claimed, unclaimed);
    if (input.line === undefined) return { ...paths, ...at };
    if (view === undefined) await requireLine(factory, input.line, "line");
    else requireLineThen(view, input.line, "line");
    const line = plan.line(input.line) as LineInfo;
    return {
      ...paths,
      line: { id: line.id, owner: line.owner ?? null, contributors: line.contributors },
      ...at,
    };
  },
});

/** The most affected lines `impact_of_change` reports in one answer (about 200 characters each). */
const IMPACT_LIMIT_MAX = 1000;

/** The most dependencies, dependents and active work items `get_line` lists, each. */
const LINE_LIST_MAX = 1000;

/** `impact_of_change`: the lines a change affects (by paths, a git range or lines) and the owners to notify. */
export const impactOfChange = defineTool({
  name: "impact_of_change",
  title: "Impact of a change",
  description:
    "Which lines a change affects, through their dependencies, ranked by distance and criticality, with the owners to notify. Give changed paths, a git range (main...HEAD, read in the server's working folder) or lines. At most limit lines, the nearest; cutoff counts those left out.",
  group: "floorplan",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z
    .object({
      paths: RepositoryPaths.default([]).describe(
        pathsDescription("the changed ones; for a larger change give gitRange"),
      ),
      lines: z
        .array(z.string().min(1).max(ID_MAX))
        .max(500)
        .default([])
        .describe("Ids of changed lines, up to 500 (factory://floorplan lists them)"),
      gitRange: z
        .string()
        // Two ref names and the dots between them; longer is no range git has.
        .max(1000)
        .regex(/^[\w./~^@{}-]+(\.\.\.?[\w./~^@{}-]+)?$/, "a git range such as main...HEAD")
        .optional()
        .describe(
          "A git revision range (main...HEAD, v1.2..v1.3) whose changed paths count, read in the server's working folder",
        ),
      depth: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(10)
        .describe("How many dependency edges away to follow dependents"),
      limit: z
        .number()
        .int()
        .min(1)
        .max(IMPACT_LIMIT_MAX)
        .default(50)
        .describe("Affected lines to report at most, nearest first; cutoff counts the rest"),
      asOf: AsOfInput,
    })
    // A change of nothing has no impact to assess: an empty answer would read as "affects no line".
    .refine((input) => input.paths.length > 0 || input.lines.length > 0 || input.gitRange !== undefined, {
      message: "give paths, gitRange or lines",
    }),
  output: ImpactOutput.extend({ asOf: AsOfOutput }),
  run: async (factory, input) => {
    await factory.floorplan.refresh();
    const view = input.asOf === undefined ? undefined : await factory.floorplan.asOf(input.asOf);
    const paths = readPaths("impact_of_change", view ?? factory.floorplan, input.paths);
    if (input.gitRange !== undefined)
      paths.push(...(await gitChangedPaths(input.gitRange, { field: "gitRange" })));
    // The floor plan (or the view, naming its instant) refuses unknown lines: E_NOT_FOUND naming each as lines[i].
    const report = echoingFewPaths(
      (view ?? factory.floorplan).impact(
        { paths, lines: input.lines },
        { depth: input.depth, limit: input.limit },
      ),
    );
    return view === undefined ? report : { ...report, asOf: view.at };
  },
});

/**
 * An impact report echoing the first {@link ECHOED_PATHS_MAX} unclaimed paths
 * and paths of each changed line, with `omitted` counting the paths left out
 * when any were.
 */
function echoingFewPaths(report: ImpactReport) {
  let changedPaths = 0;
  const changed = report.changed.map((line) => {
    const paths = firstOf(line.paths, ECHOED_PATHS_MAX);
    changedPaths += paths.omitted;
    return { ...line, paths: paths.kept };
  });
  const unclaimed = firstOf(report.unclaimedPaths, ECHOED_PATHS_MAX);
  const omitted = { unclaimedPaths: unclaimed.omitted, changedPaths };
  return {
    ...report,
    changed,
    unclaimedPaths: unclaimed.kept,
    ...(unclaimed.omitted + changedPaths === 0 ? {} : { omitted }),
  };
}

/** A line of `plan` (known to it) with its direct dependencies and dependents, the first `limit` of each. */
function lineWithNeighbours(plan: FloorPlan | FloorPlanView, id: string, limit: number) {
  const line = plan.line(id) as LineInfo;
  const dependsOn = firstOf(plan.dependencies(id, { transitive: false }), limit);
  const dependents = firstOf(plan.dependents(id, { transitive: false }), limit);
  return {
    ...line,
    dependsOn: dependsOn.kept,
    dependents: dependents.kept,
    omitted: { dependsOn: dependsOn.omitted, dependents: dependents.omitted },
  };
}

/** `get_line`: a line of the floor plan with its dependencies, dependents and active work. */
export const getLine = defineTool({
  name: "get_line",
  title: "A line of the floor plan",
  description:
    "A line with its owner, contributors, code paths, direct dependencies and dependents, and its work in flight, at most limit of each (omitted counts the rest).",
  group: "floorplan",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    id: z
      .string()
      .min(1)
      .max(ID_MAX)
      .describe(
        "Id of a line of the floor plan (checkout); factory://floorplan lists them, and who_owns names the line of a path",
      ),
    limit: z
      .number()
      .int()
      .min(1)
      .max(LINE_LIST_MAX)
      .default(50)
      .describe(
        "Dependencies, dependents and active work items to list at most, each; omitted counts the rest",
      ),
    asOf: AsOfInput.describe(
      "Answer as the floor plan was then, without activeWork: an ISO date or instant, or a span back (30d, 12h, 2w)",
    ),
  }),
  output: LineOutput.extend({ asOf: AsOfOutput }),
  run: async (factory, input) => {
    if (input.asOf !== undefined) {
      await factory.floorplan.refresh();
      const view = await factory.floorplan.asOf(input.asOf);
      requireLineThen(view, input.id, "id");
      return { ...lineWithNeighbours(view, input.id, input.limit), asOf: view.at };
    }
    await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
    await requireLine(factory, input.id, "id");
    const line = lineWithNeighbours(factory.floorplan, input.id, input.limit);
    const activeWork = firstOf(factory.work.list({ line: input.id, state: "active" }), input.limit);
    return {
      ...line,
      activeWork: activeWork.kept.map(({ id, title, stage }) => ({ id, title, stage })),
      omitted: { ...line.omitted, activeWork: activeWork.omitted },
    };
  },
});
