import {
  findUnsafeLineCharacter,
  OperatorRoleSchema,
  strictInput,
  validationErrorFromZod,
} from "@software-factory/core";
import { z } from "zod";
import { compilePattern, quoted, unsupportedPatternReason } from "./internal/pattern.js";
import { CriticalitySchema, DependencyKindSchema, EntityIdSchema } from "./model.js";
import { PLAN_LIMITS } from "./planLimits.js";

/** A string of at most `limit` characters, saying so when longer. */
const text = (what: string, limit: number) => z.string().max(limit, `${what} is at most ${limit} characters`);
const description = text("a description", PLAN_LIMITS.description);

/**
 * A display name as stored: what the floor plan's events take, so that a name
 * stored before names were one line is still read and carried.
 */
export const StoredNameSchema = text("a name", PLAN_LIMITS.name).min(1);
/** A tag as stored (see {@link StoredNameSchema}). */
export const StoredTagSchema = text("a tag", PLAN_LIMITS.tag).min(1);

/**
 * `schema` for text that is one line shown to people and to agents (context
 * packs, MCP, the CLI): no control character (newline, tab, escape) and no
 * bidi override or isolate, which would break the line, repaint a terminal
 * or show it in another order than it is stored (`lines[3].name: U+000A
 * (line feed) at character 5 is not allowed in a line name`), as a work
 * item's title. Checked where a plan is written, not by the events.
 */
function oneLine(schema: z.ZodString, what: string): z.ZodString {
  return schema.superRefine((value, context) => {
    const found = findUnsafeLineCharacter(value);
    if (found !== undefined)
      context.addIssue({ code: "custom", message: `${found.message} is not allowed in ${what}` });
  });
}
/** A display name of a `kind` of entry, one line. */
const displayName = (kind: "product" | "domain" | "line" | "operator") =>
  oneLine(StoredNameSchema, `${kind === "operator" ? "an" : "a"} ${kind} name`);

// Each schema's shape is a const of its own and types the schema, so the
// built .d.ts keeps each field's TSDoc for editors to show on hover (the
// inferred type of an inline `z.strictObject({...})` loses it).
const dependencyDeclShape = {
  /** Id of the line depended on. */
  line: EntityIdSchema,
  /** What the dependency goes through (default `api`). */
  kind: DependencyKindSchema.default("api"),
  /** How badly this line breaks when the other one changes (default `medium`). */
  criticality: CriticalitySchema.default("medium"),
  /** Description of the contract between the two lines. */
  contract: text("a contract", PLAN_LIMITS.contract).min(1).optional(),
};
/** A dependency of a line on another line, as declared in a plan. */
export const DependencyDeclSchema: z.ZodObject<typeof dependencyDeclShape, z.core.$strict> =
  strictInput(dependencyDeclShape);
/** A dependency of a line on another line, as declared in a plan. */
export type DependencyDecl = z.infer<typeof DependencyDeclSchema>;
/** A dependency as a user writes it (kind and criticality may be left out). */
export type DependencyDeclInput = z.input<typeof DependencyDeclSchema>;

/**
 * An entry of a line's `dependsOn`: a line id, or a {@link DependencyDeclSchema}
 * object. The form is told by the entry's type first, so a bad field of the
 * object is named (`dependsOn[0].kind: Invalid option: expected one of
 * "api"|...`) where a union of the two forms only said `Invalid input`.
 */
function dependsOnEntrySchema(): z.ZodType<DependencyDecl, string | DependencyDeclInput> {
  const entry = z
    .union([EntityIdSchema, z.looseObject({})], {
      error: "a dependency is a line id or { line, kind, criticality, contract }",
    })
    .transform((value) => (typeof value === "string" ? { line: value } : value))
    .pipe(DependencyDeclSchema);
  // The object form is checked by DependencyDeclSchema after the pipe; its input type is that schema's.
  return entry as unknown as z.ZodType<DependencyDecl, string | DependencyDeclInput>;
}

const contributorDeclShape = {
  /** Id of a declared operator. */
  operator: EntityIdSchema,
  /** What they do on the line: a lowercase word (`backup`, `reviewer`). */
  role: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, "role must be a lowercase word such as backup or reviewer"),
};
/** A further operator on a line, with a typed role (`backup`, `reviewer`). */
export const ContributorDeclSchema: z.ZodObject<typeof contributorDeclShape, z.core.$strict> =
  strictInput(contributorDeclShape);
/** A further operator on a line, with a typed role. */
export type ContributorDecl = z.infer<typeof ContributorDeclSchema>;

const ownerSchema = z.string({
  error: (issue) =>
    Array.isArray(issue.input)
      ? `a line has exactly one accountable owner, got ${issue.input.length}; keep one and list the others under contributors`
      : issue.input === undefined
        ? "owner must be an operator id"
        : "owner must be an operator id",
});

/**
 * A CODEOWNERS-style path pattern of at most `PLAN_LIMITS.pathPattern`
 * printable characters; negation and character ranges are rejected as GitHub
 * does not support them, and so is a backslash at the end, which escapes
 * nothing (a backslash makes the character after it literal, as in git:
 * `\#notes.md`, `My\ Documents/`, `\[draft\].md`).
 */
export const PathPatternSchema = z
  .string()
  // abort: an empty pattern is said once, not again by the compile below.
  .min(1, { message: "a path pattern must not be empty", abort: true })
  .superRefine((pattern, context) => {
    const reason = unsupportedPatternReason(pattern);
    if (reason !== undefined) {
      context.addIssue({ code: "custom", message: `pattern ${quoted(pattern)}: ${reason}` });
      return;
    }
    try {
      compilePattern(pattern);
    } catch (error) {
      context.addIssue({
        code: "custom",
        message: error instanceof Error ? error.message : `pattern "${pattern}" is invalid`,
      });
    }
  });

const lineDeclShape = {
  /** Stable id (`checkout`): 1-64 chars of `[a-z0-9._-]`. */
  id: EntityIdSchema,
  /** Display name, one line (no control character or bidi override). */
  name: displayName("line").optional(),
  /** Domain the line is part of. */
  domain: EntityIdSchema.optional(),
  /** What the line does, in a few sentences; routing and context packs use it. */
  description: description.optional(),
  /** The one accountable operator. */
  owner: ownerSchema.pipe(EntityIdSchema).optional(),
  /** Further operators on the line, each with a role. */
  contributors: z.array(ContributorDeclSchema).default([]),
  /** Code paths of the line, as CODEOWNERS patterns (`/packages/checkout/`, `**\/*.sql`). */
  paths: z.array(PathPatternSchema).default([]),
  /** Free labels (`pci`, `customer-facing`), each one line. */
  tags: z.array(oneLine(StoredTagSchema, "a tag")).default([]),
  /** How many work items may be in progress on the line at once. */
  wipLimit: z.number().int().min(0).optional(),
  /** Links to knowledge (document ids or URLs). */
  knowledge: z.array(text("a knowledge link", PLAN_LIMITS.knowledge).min(1)).default([]),
  /** Lines this line depends on: an id, or `{ line, kind, criticality, contract }`. */
  dependsOn: z.array(dependsOnEntrySchema()).default([]),
};
/** A line: a feature or operational context, the unit of ownership. */
export const LineDeclSchema: z.ZodObject<typeof lineDeclShape, z.core.$strict> = strictInput(lineDeclShape);
/** A line as declared in a plan. */
export type LineDecl = z.infer<typeof LineDeclSchema>;
/** A line as a user writes it (defaults may be left out). */
export type LineDeclInput = z.input<typeof LineDeclSchema>;

const operatorDeclShape = {
  /** Stable id (`alice`): 1-64 chars of `[a-z0-9._-]`. */
  id: EntityIdSchema,
  /** Display name, one line (no control character or bidi override). */
  name: displayName("operator").optional(),
  /** Email address, to reach them. */
  email: z.email().max(PLAN_LIMITS.handle).optional(),
  /** Any of `line`, `factory`, `field` (default `["line"]`). */
  roles: z.array(OperatorRoleSchema).min(1, "an operator needs at least one role").default(["line"]),
  /** Handles in other tools (`github: "@alice"`), used to map CODEOWNERS and Backstage owners. */
  handles: z.record(text("a tool's name", PLAN_LIMITS.tag), text("a handle", PLAN_LIMITS.handle)).default({}),
  /** Load this operator can carry; `health()` reports operators over it. */
  capacity: strictInput({
    /** Lines they can own. */
    lines: z.number().int().min(0).optional(),
    /** Work items they can have in progress. */
    wip: z.number().int().min(0).optional(),
  }).optional(),
};
/** An operator as declared in a plan. */
export const OperatorDeclSchema: z.ZodObject<typeof operatorDeclShape, z.core.$strict> =
  strictInput(operatorDeclShape);
/** An operator as declared in a plan. */
export type OperatorDecl = z.infer<typeof OperatorDeclSchema>;
/** An operator as a user writes it (defaults may be left out). */
export type OperatorDeclInput = z.input<typeof OperatorDeclSchema>;

const domainDeclShape = {
  /** Stable id (`commerce`): 1-64 chars of `[a-z0-9._-]`. */
  id: EntityIdSchema,
  /** Display name, one line (no control character or bidi override). */
  name: displayName("domain").optional(),
  /** What the domain covers. */
  description: description.optional(),
};
/** A domain: a group of lines inside the product. */
export const DomainDeclSchema: z.ZodObject<typeof domainDeclShape, z.core.$strict> =
  strictInput(domainDeclShape);
/** A domain as declared in a plan. */
export type DomainDecl = z.infer<typeof DomainDeclSchema>;

const productDeclShape = {
  /** Stable id (`shop`): 1-64 chars of `[a-z0-9._-]`. */
  id: EntityIdSchema,
  /** Display name, one line (no control character or bidi override). */
  name: displayName("product").optional(),
  /** What the product is. */
  description: description.optional(),
};
/** The product the plan describes. */
export const ProductDeclSchema: z.ZodObject<typeof productDeclShape, z.core.$strict> =
  strictInput(productDeclShape);
/** The product the plan describes. */
export type ProductDecl = z.infer<typeof ProductDeclSchema>;

const relationDeclShape = {
  /** Registered relation name. */
  type: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, "relation type must be a camelCase word"),
  /** Source node as `kind:id` (`line:checkout`). */
  from: z.string().regex(/^(product|domain|line|operator):/, "from must be kind:id, as in line:checkout"),
  /** Target node as `kind:id`. */
  to: z.string().regex(/^(product|domain|line|operator):/, "to must be kind:id, as in line:checkout"),
  /** The edge's attributes, checked against the relation's schema. */
  attributes: z.record(z.string(), z.unknown()).default({}),
};
/** An edge of a relation type a factory registered itself (see `RelationRegistry`). */
export const RelationDeclSchema: z.ZodObject<typeof relationDeclShape, z.core.$strict> =
  strictInput(relationDeclShape);
/** An edge of a registered custom relation. */
export type RelationDecl = z.infer<typeof RelationDeclSchema>;

const planSettingsShape = {
  /** Whether a dependency cycle is a warning (default) or an error. */
  cycles: z.enum(["warning", "error"]).default("warning"),
};
/** Plan-wide settings. */
export const PlanSettingsSchema: z.ZodObject<typeof planSettingsShape, z.core.$strict> =
  strictInput(planSettingsShape);
/** Plan-wide settings. */
export type PlanSettings = z.infer<typeof PlanSettingsSchema>;

const planShape = {
  /** Format version of the plan; only `1` exists (the default). */
  version: z.literal(1).default(1),
  /** The product the plan describes. */
  product: ProductDeclSchema.optional(),
  /** Plan-wide settings (how dependency cycles count). */
  settings: PlanSettingsSchema.default({ cycles: "warning" }),
  /** The people (or agents) who own and contribute to lines. */
  operators: z.array(OperatorDeclSchema).default([]),
  /** Groups of lines. */
  domains: z.array(DomainDeclSchema).default([]),
  /** The lines, each with its one owner, paths and dependencies. */
  lines: z.array(LineDeclSchema).default([]),
  /** Edges of relation types the factory registered (see `defineRelation`). */
  relations: z.array(RelationDeclSchema).default([]),
};
/** A whole floor plan: the content of `factory.yaml` once parsed. */
export const PlanSchema: z.ZodObject<typeof planShape, z.core.$strict> = strictInput(planShape);
/** A whole floor plan, parsed and with defaults filled in. */
export type Plan = z.infer<typeof PlanSchema>;
/** A floor plan as a user writes it (defaults may be left out). */
export type PlanInput = z.input<typeof PlanSchema>;

/**
 * Parses a plan object (already read from YAML or JSON, or built in code), filling defaults.
 *
 * Checks the shape only; `validatePlan` checks references, owners and cycles.
 *
 * @throws ValidationError naming each bad field.
 */
export function planOf(input: PlanInput | unknown): Plan {
  const result = PlanSchema.safeParse(input);
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject: "floor plan" });
  return result.data;
}
