import { NotFoundError, nearNames, strictInput, validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";
import type { FloorGraph } from "./FloorGraph.js";
import type { DependencyStep } from "./graphTypes.js";
import { AffectedLine } from "./internal/AffectedLine.js";
import {
  criticalityOfRank,
  type DependencyIndex,
  rankOfCriticality as rankOf,
} from "./internal/DependencyIndex.js";
import { OwnerGroups } from "./internal/OwnerGroups.js";
import type { Criticality } from "./model.js";

// The shape is a const of its own and types the schema, so the built .d.ts keeps each field's TSDoc for hover.
const impactChangeShape = {
  /** Ids of the lines that changed. */
  lines: z.array(z.string().min(1)).default([]),
  /** Repository paths that changed (`packages/payments/src/api.ts`), mapped to lines by CODEOWNERS rules and read as `lineForPath` reads them (`./apps/web/../x.ts` is `apps/x.ts`; `../x` is refused). */
  paths: z.array(z.string().min(1)).default([]),
};
/** What changed: lines, repository paths, or both; another key is refused, naming it and these. */
export const ImpactChangeSchema: z.ZodObject<typeof impactChangeShape, z.core.$strict> =
  strictInput(impactChangeShape);
/** What changed: lines, repository paths, or both. */
export type ImpactChange = z.input<typeof ImpactChangeSchema>;

const impactOptionsShape = {
  /** Follow dependents up to this many edges away (default 10). */
  depth: z.number().int().min(1).default(10),
  /** Report at most this many affected lines (default 1,000). */
  limit: z.number().int().min(1).default(1000),
};
/** Limits of {@link impactOf}; another key is refused, naming it and these. */
export const ImpactOptionsSchema: z.ZodObject<typeof impactOptionsShape, z.core.$strict> =
  strictInput(impactOptionsShape);
/** Limits of {@link impactOf}. */
export type ImpactOptions = z.input<typeof ImpactOptionsSchema>;

/** A line changed directly, and the changed paths that belong to it. */
export interface ChangedLine {
  /** The line's id. */
  readonly line: string;
  /** Its accountable operator; undefined when the line is unowned. */
  readonly owner?: string | undefined;
  /** Changed paths claimed by this line (empty when the line was named directly). */
  readonly paths: readonly string[];
}

/**
 * A line affected by the change through its dependencies. In the reports of
 * {@link impactOf}, `via` and `reason` are built when first read (and by
 * `JSON.stringify`), so a caller that only needs lines and owners does not pay
 * for the chains. Copy a line with `toJSON()` or by reading its fields: an
 * object spread (`{ ...line }`) leaves `via` and `reason` out.
 */
export interface ImpactedLine {
  /** The line's id. */
  readonly line: string;
  /** Its accountable operator; undefined when the line is unowned. */
  readonly owner?: string | undefined;
  /** Number of dependency edges between this line and the nearest changed line. */
  readonly distance: number;
  /** The weakest criticality along the chain that carries the change. */
  readonly criticality: Criticality;
  /** The chain of dependsOn edges, from this line down to the changed line. */
  readonly via: readonly DependencyStep[];
  /** The chain in words: `web depends on checkout (api, high), which depends on payments (data, medium), which changed`. */
  readonly reason: string;
}

/** The operators to tell, each with the lines of theirs that are changed or affected. */
export interface OwnerToNotify {
  /** Operator id, undefined for lines nobody owns. */
  readonly operator: string | undefined;
  /** Their lines changed directly. */
  readonly changed: readonly string[];
  /** Their lines affected through dependencies. */
  readonly affected: readonly string[];
  /** The highest criticality among their affected lines (`high` for a changed line). */
  readonly criticality: Criticality;
}

/** Where a walk stopped before reaching every dependent. */
export interface ImpactCutoff {
  /** Which option stopped it: the `depth` reached, or the `limit` of lines reported. */
  readonly by: "depth" | "limit";
  /** The depth (edges from the changed lines) the walk was at when it stopped. */
  readonly depth: number;
  /** Lines found but not reported (at least this many more exist). */
  readonly omitted: number;
  /** The cutoff in words, with the option to raise to see the rest. */
  readonly message: string;
}

/** The impact of a change: what changed, what is affected and why, whom to notify. */
export interface ImpactReport {
  /** The lines changed directly (named, or claiming a changed path). */
  readonly changed: readonly ChangedLine[];
  /** Changed paths that no line claims. */
  readonly unclaimedPaths: readonly string[];
  /** Affected lines, nearest first, then most critical first. */
  readonly affected: readonly ImpactedLine[];
  /** Owners to notify: owners of changed lines first, then by criticality and number of lines. */
  readonly notify: readonly OwnerToNotify[];
  /** Set when the depth or size limit stopped the walk: the report is then partial, and says so. */
  readonly cutoff?: ImpactCutoff;
}

/** Owners numbered per dependency index: a new index (after any change to the graph) gets its own. */
const ownerGroups = new WeakMap<DependencyIndex, OwnerGroups>();

/** Groups changed and affected lines by owner: owners of changed lines first, then by criticality and number of lines. */
function ownersToNotify(
  floor: FloorGraph,
  index: DependencyIndex,
  changed: readonly ChangedLine[],
  affected: readonly ImpactedLine[],
): OwnerToNotify[] {
  let groups = ownerGroups.get(index);
  if (groups === undefined) {
    groups = new OwnerGroups(index, (line) => floor.ownerOf(line));
    ownerGroups.set(index, groups);
  }
  return groups.group(changed, affected);
}

/** How many unknown lines a refusal names one by one; it counts the rest. */
const NAMED_UNKNOWN_LINES = 10;
/** How many of the floor plan's lines a refusal lists when an unknown line is near none of them. */
const LISTED_KNOWN_LINES = 8;

/**
 * The refusal of a change naming lines the floor plan does not have (or did
 * not have at `asOf`): each one with its place in `lines` and the known lines
 * near it, or a few of the known lines when it is near none.
 */
function unknownLinesError(
  unknown: readonly { readonly at: number; readonly line: string }[],
  known: readonly string[],
  asOf: string | undefined,
): NotFoundError {
  const plan = asOf === undefined ? "the floor plan" : `the floor plan as of ${asOf}`;
  let nearNone = false;
  const named = unknown.slice(0, NAMED_UNKNOWN_LINES).map(({ at, line }) => {
    const near = nearNames(line, known);
    if (near.length === 0) nearNone = true;
    const hint = near.length === 0 ? "" : ` (did you mean ${near.map((id) => `"${id}"`).join(" or ")}?)`;
    return `lines[${at}]: no line "${line}" in ${plan}${hint}`;
  });
  const rest = unknown.length - named.length;
  if (rest > 0) named.push(`and ${rest} more line(s) not in ${plan}`);
  if (nearNone)
    named.push(
      known.length === 0
        ? `${plan} ${asOf === undefined ? "has" : "had"} no lines`
        : `its lines ${asOf === undefined ? "are" : "were"} ${known.slice(0, LISTED_KNOWN_LINES).join(", ")}${known.length > LISTED_KNOWN_LINES ? `, ... (${known.length} in all)` : ""}`,
    );
  const first = unknown[0] ?? { at: 0, line: "" };
  return new NotFoundError({
    message: named.join("; "),
    entity: "line",
    id: first.line,
    field: `lines[${first.at}]`,
  });
}

/**
 * Computes the impact of a change: the lines that transitively depend on the
 * changed lines (or on the lines claiming the changed paths), ranked by
 * distance and criticality, each with the chain of edges that carried the
 * change, grouped by the owner to notify.
 *
 * @throws ValidationError when the change or the options are malformed.
 * @throws NotFoundError (entity `line`) when the change names lines the floor
 * plan does not have: its message names each (up to ten) by its place in
 * `lines` with the known lines near it; `id` and `field` (`lines[2]`) are the first.
 */
export function impactOf(floor: FloorGraph, change: ImpactChange, options: ImpactOptions = {}): ImpactReport {
  return impactAt(floor, change, options, undefined);
}

/**
 * {@link impactOf} over a plan as it was at `asOf` (an ISO instant), whose
 * refusal of unknown lines names that instant (`FloorPlanView.impact`).
 */
export function impactAt(
  floor: FloorGraph,
  change: ImpactChange,
  options: ImpactOptions,
  asOf: string | undefined,
): ImpactReport {
  const parsedChange = ImpactChangeSchema.safeParse(change);
  if (!parsedChange.success)
    throw validationErrorFromZod(parsedChange.error.issues, { subject: "impact change" });
  const parsedOptions = ImpactOptionsSchema.safeParse(options);
  if (!parsedOptions.success)
    throw validationErrorFromZod(parsedOptions.error.issues, { subject: "impact options" });
  const { depth, limit } = parsedOptions.data;
  const index = floor.dependencyIndex();

  const changedPaths = new Map<string, string[]>();
  const unknown: { at: number; line: string }[] = [];
  for (const [at, line] of parsedChange.data.lines.entries()) {
    if (index.indexOf.has(line)) changedPaths.set(line, changedPaths.get(line) ?? []);
    else unknown.push({ at, line });
  }
  if (unknown.length > 0) throw unknownLinesError(unknown, index.ids, asOf);
  const { byLine, unclaimed } = floor.linesForPaths(parsedChange.data.paths);
  for (const [line, paths] of byLine) changedPaths.set(line, [...(changedPaths.get(line) ?? []), ...paths]);
  const changed: ChangedLine[] = [...changedPaths].map(([line, paths]) => ({
    line,
    owner: floor.ownerOf(line),
    paths,
  }));

  const starts = changed.map((entry) => index.indexOf.get(entry.line) as number);
  const reach = index.reach(starts, "in", depth, limit);
  // Each affected line links to the edge that reached it and to the affected line at its other end (none when
  // that end changed); reached is in BFS order, so that line is built before the lines reached through it.
  const reached = reach.reached;
  const built: AffectedLine[] = new Array(reached.length);
  for (let at = 0; at < reached.length; at++) {
    const node = reached[at] ?? 0;
    const edge = reach.parentEdge[node] ?? -1;
    const parent = index.edgeTo[edge] ?? -1;
    const line = index.ids[node] ?? "?";
    built[at] = new AffectedLine(
      line,
      floor.ownerOf(line),
      reach.distance[node] ?? 0,
      criticalityOfRank(reach.chainRank[node] ?? 1),
      index.step(edge),
      (reach.distance[parent] ?? 0) > 0 ? built[reach.order[parent] ?? -1] : undefined,
    );
  }
  const affected: ImpactedLine[] = built.sort(
    (a, b) =>
      a.distance - b.distance ||
      rankOf(b.criticality) - rankOf(a.criticality) ||
      (a.line < b.line ? -1 : a.line > b.line ? 1 : 0),
  );
  const notify = ownersToNotify(floor, index, changed, affected);

  const report = { changed, unclaimedPaths: unclaimed, affected, notify };
  if (reach.cutoff === undefined) return report;
  const { by, depth: at, omitted } = reach.cutoff;
  const message =
    by === "depth"
      ? `stopped at depth ${at}: at least ${omitted} more ${omitted === 1 ? "line depends" : "lines depend"} on the reported ones; raise depth to see them`
      : `stopped at ${limit} ${limit === 1 ? "line" : "lines"} while reading depth ${at}: ${omitted} ${omitted === 1 ? "line" : "lines"} at that depth and any beyond were left out; raise limit to see them`;
  return { ...report, cutoff: { by, depth: at, omitted, message } };
}
