import { OperatorRoleSchema, validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";
import { compilePattern } from "./internal/pattern.js";
import { CriticalitySchema, DependencyKindSchema, EntityIdSchema } from "./model.js";

/** A dependency of a line on another line, as declared in a plan. */
export const DependencyDeclSchema = z.strictObject({
  /** Id of the line depended on. */
  line: EntityIdSchema,
  /** What the dependency goes through (default `api`). */
  kind: DependencyKindSchema.default("api"),
  /** How badly this line breaks when the other one changes (default `medium`). */
  criticality: CriticalitySchema.default("medium"),
  /** Description of the contract between the two lines. */
  contract: z.string().min(1).optional(),
});
/** A dependency of a line on another line, as declared in a plan. */
export type DependencyDecl = z.infer<typeof DependencyDeclSchema>;
/** A dependency as a user writes it (kind and criticality may be left out). */
export type DependencyDeclInput = z.input<typeof DependencyDeclSchema>;

/** A further operator on a line, with a typed role (`backup`, `reviewer`). */
export const ContributorDeclSchema = z.strictObject({
  operator: EntityIdSchema,
  role: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, "role must be a lowercase word such as backup or reviewer"),
});
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

/** A CODEOWNERS-style path pattern; negation and character ranges are rejected as GitHub does not support them. */
export const PathPatternSchema = z
  .string()
  .min(1, "a path pattern must not be empty")
  .superRefine((pattern, context) => {
    try {
      compilePattern(pattern);
    } catch (error) {
      context.addIssue({
        code: "custom",
        message: error instanceof Error ? error.message : `pattern "${pattern}" is invalid`,
      });
    }
  });

/** A line: a feature or operational context, the unit of ownership. */
export const LineDeclSchema = z.strictObject({
  id: EntityIdSchema,
  name: z.string().min(1).optional(),
  /** Domain the line is part of. */
  domain: EntityIdSchema.optional(),
  description: z.string().optional(),
  /** The one accountable operator. */
  owner: ownerSchema.pipe(EntityIdSchema).optional(),
  contributors: z.array(ContributorDeclSchema).default([]),
  /** Code paths of the line, as CODEOWNERS patterns (`/packages/checkout/`, `**\/*.sql`). */
  paths: z.array(PathPatternSchema).default([]),
  tags: z.array(z.string().min(1)).default([]),
  /** How many work items may be in progress on the line at once. */
  wipLimit: z.number().int().min(0).optional(),
  /** Links to knowledge (document ids or URLs). */
  knowledge: z.array(z.string().min(1)).default([]),
  dependsOn: z
    .array(
      z
        .union([EntityIdSchema.transform((line) => ({ line })), DependencyDeclSchema])
        .pipe(DependencyDeclSchema),
    )
    .default([]),
});
/** A line as declared in a plan. */
export type LineDecl = z.infer<typeof LineDeclSchema>;
/** A line as a user writes it (defaults may be left out). */
export type LineDeclInput = z.input<typeof LineDeclSchema>;

/** An operator as declared in a plan. */
export const OperatorDeclSchema = z.strictObject({
  id: EntityIdSchema,
  name: z.string().min(1).optional(),
  email: z.email().optional(),
  roles: z.array(OperatorRoleSchema).min(1, "an operator needs at least one role").default(["line"]),
  /** Handles in other tools (`github: "@alice"`), used to map CODEOWNERS and Backstage owners. */
  handles: z.record(z.string(), z.string()).default({}),
  /** Load this operator can carry; `health()` reports operators over it. */
  capacity: z
    .strictObject({
      lines: z.number().int().min(0).optional(),
      wip: z.number().int().min(0).optional(),
    })
    .optional(),
});
/** An operator as declared in a plan. */
export type OperatorDecl = z.infer<typeof OperatorDeclSchema>;
/** An operator as a user writes it (defaults may be left out). */
export type OperatorDeclInput = z.input<typeof OperatorDeclSchema>;

/** A domain: a group of lines inside the product. */
export const DomainDeclSchema = z.strictObject({
  id: EntityIdSchema,
  name: z.string().min(1).optional(),
  description: z.string().optional(),
});
/** A domain as declared in a plan. */
export type DomainDecl = z.infer<typeof DomainDeclSchema>;

/** The product the plan describes. */
export const ProductDeclSchema = z.strictObject({
  id: EntityIdSchema,
  name: z.string().min(1).optional(),
  description: z.string().optional(),
});
/** The product the plan describes. */
export type ProductDecl = z.infer<typeof ProductDeclSchema>;

/** An edge of a relation type a factory registered itself (see `RelationRegistry`). */
export const RelationDeclSchema = z.strictObject({
  /** Registered relation name. */
  type: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, "relation type must be a camelCase word"),
  /** Source node as `kind:id` (`line:checkout`). */
  from: z.string().regex(/^(product|domain|line|operator):/, "from must be kind:id, as in line:checkout"),
  /** Target node as `kind:id`. */
  to: z.string().regex(/^(product|domain|line|operator):/, "to must be kind:id, as in line:checkout"),
  attributes: z.record(z.string(), z.unknown()).default({}),
});
/** An edge of a registered custom relation. */
export type RelationDecl = z.infer<typeof RelationDeclSchema>;

/** Plan-wide settings. */
export const PlanSettingsSchema = z.strictObject({
  /** Whether a dependency cycle is a warning (default) or an error. */
  cycles: z.enum(["warning", "error"]).default("warning"),
});
/** Plan-wide settings. */
export type PlanSettings = z.infer<typeof PlanSettingsSchema>;

/** A whole floor plan: the content of `factory.yaml` once parsed. */
export const PlanSchema = z.strictObject({
  version: z.literal(1).default(1),
  product: ProductDeclSchema.optional(),
  settings: PlanSettingsSchema.default({ cycles: "warning" }),
  operators: z.array(OperatorDeclSchema).default([]),
  domains: z.array(DomainDeclSchema).default([]),
  lines: z.array(LineDeclSchema).default([]),
  relations: z.array(RelationDeclSchema).default([]),
});
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
