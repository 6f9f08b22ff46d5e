/**
 * The checks of what the floor plan's calls are given: a path to look up, and
 * the options of every call and function that takes an options object
 * (`health`, `applyPlan`, `parseFactoryYaml`, the importers, the diagrams, ...).
 * Each options object takes its own keys only: another one (`dryrun` for
 * `dryRun`) is refused, naming it and the keys.
 *
 * @module
 */
import {
  instantOf,
  POINT_IN_TIME_EXPECTED,
  strictInput,
  validationErrorFromZod,
} from "@software-factory/core";
import { z } from "zod";
import { CriticalitySchema, ProvenanceSourceSchema } from "../model.js";
import { RelationRegistry } from "../RelationRegistry.js";

/** A path to look up. */
export const PathSchema = z.string();

/**
 * The instant `FloorPlan.asOf` is asked about: a valid `Date`, or a point in
 * time as core's `PointInTimeSchema` reads it (`2026-03-01`, an ISO instant
 * with its offset, or a span back from now such as `30d`).
 */
export const AsOfInstantSchema = z
  .union([z.date(), z.string()], { error: `${POINT_IN_TIME_EXPECTED}, or a valid Date` })
  .transform((value, context) => {
    const instant = typeof value === "string" ? instantOf(value.trim()) : value;
    if (instant !== undefined) return instant;
    context.addIssue({ code: "custom", message: `${POINT_IN_TIME_EXPECTED}, got ${JSON.stringify(value)}` });
    return z.NEVER;
  });

const count = z.number().int().nonnegative();

const isIterable = (value: unknown) =>
  typeof value === "object" && value !== null && Symbol.iterator in value;

/** Repository files (relative paths). */
const files = z.array(z.string()).readonly();

/** Where inside its source each fact came from, by fact key. */
const refs = z.custom<ReadonlyMap<string, string>>((value) => value instanceof Map, {
  message: "expected a Map from fact keys to references",
});

/** What {@link FloorPlan.health} accepts: {@link HealthOptions}, no other field (one is refused, naming it and these). */
export const HealthOptionsSchema = strictInput({
  files: z
    .custom<Iterable<string>>(isIterable, { message: "expected a list of repository files" })
    .optional(),
  central: count.optional(),
  maxLinesPerOperator: count.optional(),
  staleBefore: z
    .union([z.iso.date(), z.iso.datetime()], {
      message: "expected an ISO date or UTC instant (2026-03-01T00:00:00Z)",
    })
    .optional(),
});

/** What `dependencies` and `dependents` accept: `ReachOptions`, no other field. */
export const ReachOptionsSchema = strictInput({
  transitive: z.boolean().optional(),
  depth: z.number().optional(),
});

/** What `linesOf` accepts: `contributions`, no other field. */
export const LinesOfOptionsSchema = strictInput({ contributions: z.boolean().optional() });

const changeOptionsShape = {
  source: ProvenanceSourceSchema.optional(),
  actor: z.string().optional(),
};

/** What the single-change methods (`declareLine`, `assignOwner`, ...) accept: `ChangeOptions`, no other field. */
export const ChangeOptionsSchema = strictInput(changeOptionsShape);

/** What `applyPlan` accepts: `ApplyPlanOptions`, no other field. */
export const ApplyPlanOptionsSchema = strictInput({
  ...changeOptionsShape,
  mode: z.enum(["replace", "merge"]).optional(),
  label: z.string().optional(),
  files: files.optional(),
  refs: refs.optional(),
  allowRemoveAllLines: z.boolean().optional(),
  dryRun: z.boolean().optional(),
});

/** Relation types: a registry, or a list of definitions beside the built-ins. */
const relations = z.custom((value) => value instanceof RelationRegistry || isIterable(value), {
  message: "expected a RelationRegistry or a list of relation definitions",
});

/** A function (a callback given as an option). */
const callback = z.custom((value) => typeof value === "function", { message: "expected a function" });

/** Declarations already known to an importer (operators, domains). */
const declarations = z.array(z.object({ id: z.string() }).loose()).readonly();

/** What `validatePlan` accepts: `ValidatePlanOptions`, no other field. */
export const ValidatePlanOptionsSchema = strictInput({
  files: files.optional(),
  relations: relations.optional(),
  requireOwners: z.boolean().optional(),
});

const factoryYamlOptionsShape = {
  files: files.optional(),
  relations: relations.optional(),
  onWarning: callback.optional(),
};

/** What `parseFactoryYaml` and `safeParseFactoryYaml` accept: `FactoryYamlOptions`, no other field. */
export const FactoryYamlOptionsSchema = strictInput(factoryYamlOptionsShape);

/** What `loadFactoryYaml` and `safeLoadFactoryYaml` accept: `LoadFactoryYamlOptions`, no other field. */
export const LoadFactoryYamlOptionsSchema = strictInput({
  ...factoryYamlOptionsShape,
  repoRoot: z.string().optional(),
});

/** What `planChanges` accepts: `PlanChangesOptions`, no other field. */
export const PlanChangesOptionsSchema = strictInput({
  source: ProvenanceSourceSchema.optional(),
  refs: refs.optional(),
  currentSource: callback.optional(),
});

/** What `buildFloorGraph` accepts: a provenance source and an ISO time, no other field. */
export const BuildFloorGraphOptionsSchema = strictInput({
  source: ProvenanceSourceSchema.optional(),
  at: z.string().optional(),
});

/** What `importBackstage` accepts: `BackstageImportOptions`, no other field. */
export const BackstageImportOptionsSchema = strictInput({
  operators: declarations.optional(),
  domains: declarations.optional(),
  lines: declarations.optional(),
});

/** What `codeownersToPlan` and `importCodeowners` accept: `CodeownersImportOptions`, no other field. */
export const CodeownersImportOptionsSchema = strictInput({ operators: declarations.optional() });

/** What `importWorkspaces` accepts: `WorkspacesImportOptions`, no other field. */
export const WorkspacesImportOptionsSchema = strictInput({
  runtimeCriticality: CriticalitySchema.optional(),
  domainsFromFolders: z.boolean().optional(),
});

/** What `toMermaid` accepts: a direction, no other field. */
export const MermaidOptionsSchema = strictInput({ direction: z.enum(["LR", "TB"]).optional() });

/** What `toDot` accepts: a graph name, no other field. */
export const DotOptionsSchema = strictInput({ name: z.string().optional() });

/** The value, when the schema accepts it. @throws ValidationError naming each bad field of `subject`. */
export function parsed<T>(schema: z.ZodType<T>, value: unknown, subject: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject });
  return result.data;
}
