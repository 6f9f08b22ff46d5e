/**
 * Schemas of what the `floorplan` tools answer: a line with its neighbours
 * and work, and the impact of a change, as their JSON reaches the client.
 * Fields left undefined are absent; the objects are loose, so a field the
 * floor plan adds later does not break a client that validates.
 *
 * @module
 */
import { CriticalitySchema, ProvenanceSourceSchema } from "@software-factory/floorplan";
import { z } from "zod";

/** A line of the floor plan as its queries return it (get_line, the lines of a context pack). */
export const LineInfoOutput = z.looseObject({
  id: z.string().describe("Line id"),
  name: z.string().optional(),
  domain: z.string().optional(),
  description: z.string().optional(),
  paths: z.array(z.string()).describe("Code paths of the line, as CODEOWNERS patterns"),
  tags: z.array(z.string()),
  wipLimit: z.number().optional(),
  knowledge: z.array(z.string()).describe("Document ids or URLs the line links to"),
  owner: z.string().optional().describe("The accountable operator; absent when the line is unowned"),
  contributors: z.array(z.looseObject({ operator: z.string(), role: z.string() })),
  provenance: z
    .looseObject({
      source: ProvenanceSourceSchema.describe(
        "Where the line came from: factory.yaml, codeowners, workspaces, backstage or inferred (import_codebase)",
      ),
      ref: z.string().optional().describe("Where inside that source (factory.yaml:12, a catalog entity)"),
      lastSeen: z.string().describe("ISO 8601 time of the last event that declared or changed it"),
    })
    .describe("Where the line was declared, and when last"),
});

/** One dependsOn edge of a chain of dependencies. */
const DependencyStep = z.looseObject({
  from: z.string().describe("The dependent line"),
  to: z.string().describe("The line depended on"),
  kind: z.string().describe("What the dependency goes through: api, data, event, ui, library, infra"),
  criticality: CriticalitySchema,
});

/** A line reached through dependencies, with how far and through which edges. */
const ReachedLine = z.looseObject({
  line: z.string(),
  depth: z.number(),
  criticality: CriticalitySchema,
  path: z.array(DependencyStep),
});

/** `get_line`'s answer: the line, its direct dependencies and dependents, and its active work. */
export const LineOutput = LineInfoOutput.extend({
  dependsOn: z.array(ReachedLine).describe("Lines it depends on directly, the first limit"),
  dependents: z.array(ReachedLine).describe("Lines that depend on it directly, the first limit"),
  activeWork: z
    .array(z.looseObject({ id: z.string(), title: z.string(), stage: z.string() }))
    .optional()
    .describe("Its active work items, the first limit (advance_work_item takes their ids); absent with asOf"),
  omitted: z
    .looseObject({
      dependsOn: z.number(),
      dependents: z.number(),
      activeWork: z.number().optional(),
    })
    .describe("How many of each list were left out past limit (0 when the list is whole)"),
});

/** `impact_of_change`'s answer: what changed, what is affected and why, whom to notify. */
export const ImpactOutput = z.looseObject({
  changed: z
    .array(z.looseObject({ line: z.string(), owner: z.string().optional(), paths: z.array(z.string()) }))
    .describe("Lines changed directly, with the changed paths they claim (the first 100 of each)"),
  unclaimedPaths: z.array(z.string()).describe("Changed paths no line claims, the first 100"),
  affected: z
    .array(
      z.looseObject({
        line: z.string(),
        owner: z.string().optional(),
        distance: z.number().describe("Dependency edges to the nearest changed line"),
        criticality: CriticalitySchema,
        via: z.array(DependencyStep),
        reason: z.string().describe("The chain in words"),
      }),
    )
    .describe("Lines affected through dependencies, nearest first, then most critical"),
  notify: z
    .array(
      z.looseObject({
        operator: z.string().optional().describe("Absent for lines nobody owns"),
        changed: z.array(z.string()),
        affected: z.array(z.string()),
        criticality: CriticalitySchema,
      }),
    )
    .describe("Owners to notify, with their changed and affected lines"),
  cutoff: z
    .looseObject({
      by: z.enum(["depth", "limit"]),
      depth: z.number(),
      omitted: z.number(),
      message: z.string(),
    })
    .optional()
    .describe("Set when depth or the size limit stopped the walk: the report is partial"),
  omitted: z
    .looseObject({ unclaimedPaths: z.number(), changedPaths: z.number() })
    .optional()
    .describe(
      "Set when changed paths were left out: how many of unclaimedPaths and of the changed lines' paths",
    ),
});

/** A path as `who_owns` answers it: the line that claims it and its owner. */
export const PathOwnerOutput = z.looseObject({
  path: z.string().describe("The repository path asked about"),
  line: z.string().describe("Id of the line that claims it"),
  pattern: z
    .string()
    .optional()
    .describe("The line's path pattern that matched (CODEOWNERS semantics: the last match wins)"),
  owner: z.string().optional().describe("The line's accountable operator; absent when the line is unowned"),
});

/** How many paths `who_owns` left out of its answer, set when it left any out. */
export const PathsOmittedOutput = z
  .looseObject({ paths: z.number(), unclaimedPaths: z.number() })
  .optional()
  .describe("Set when paths were left out: how many of each");

/** A line as `who_owns` answers it: its owner and contributors. */
export const LineOwnersOutput = z.looseObject({
  id: z.string().describe("Line id"),
  owner: z.string().nullable().describe("The accountable operator; null when the line is unowned"),
  contributors: z
    .array(
      z.looseObject({
        operator: z.string().describe("Operator id"),
        role: z.string().describe("What they do on the line"),
      }),
    )
    .describe("Operators who contribute to the line, with their roles"),
});
