import { checkArguments } from "@software-factory/core";
import { z } from "zod";

/** Kinds of node in the floor plan graph. */
export const NodeKindSchema = z.enum(["product", "domain", "line", "operator"]);
/** A kind of node: `product`, `domain`, `line` (the unit of ownership) or `operator`. */
export type NodeKind = z.infer<typeof NodeKindSchema>;

/** What a dependency between two lines goes through. */
export const DependencyKindSchema = z.enum(["api", "data", "event", "ui", "library", "infra"]);
/** What a dependency between two lines goes through. */
export type DependencyKind = z.infer<typeof DependencyKindSchema>;

/** How badly the dependent line breaks when the line it depends on changes. */
export const CriticalitySchema = z.enum(["high", "medium", "low"]);
/** How badly the dependent line breaks when the line it depends on changes. */
export type Criticality = z.infer<typeof CriticalitySchema>;

/**
 * Rank of a criticality, higher is more critical (`high` = 3).
 *
 * @throws ValidationError naming `criticality` when it is not `high`, `medium` or `low`.
 */
export function criticalityRank(criticality: Criticality): number {
  checkArguments("criticalityRank", { criticality: [CriticalitySchema, criticality] });
  return criticality === "high" ? 3 : criticality === "medium" ? 2 : 1;
}

/** Where a fact of the floor plan came from. */
export const ProvenanceSourceSchema = z.enum([
  "factory.yaml",
  "codeowners",
  "workspaces",
  "backstage",
  "inferred",
]);
/** Where a fact of the floor plan came from: declared by hand or imported or inferred. */
export type ProvenanceSource = z.infer<typeof ProvenanceSourceSchema>;

// The shape is a const of its own and types the schema, so the built .d.ts keeps each field's TSDoc for hover.
const provenanceInputShape = {
  /** Where the fact came from: `factory.yaml`, `codeowners`, `workspaces`, `backstage` or `inferred`. */
  source: ProvenanceSourceSchema,
  /** A reference inside the source (`factory.yaml:12`, a catalog entity). */
  ref: z.string().min(1).optional(),
};
/** Provenance as written in an event: the source and an optional reference inside it (`factory.yaml:12`). */
export const ProvenanceInputSchema: z.ZodObject<typeof provenanceInputShape, z.core.$strict> =
  z.strictObject(provenanceInputShape);
/** Provenance as written in an event. */
export type ProvenanceInput = z.infer<typeof ProvenanceInputSchema>;

/** Provenance of a node or edge of the graph: where it came from and when it was last seen (the time of the event that last declared it). */
export interface Provenance extends ProvenanceInput {
  /** ISO time of the last event that declared or changed the fact (an unchanged re-import writes none). */
  readonly lastSeen: string;
}

/** An id of a product, domain, line or operator: lowercase slug, 1-64 chars of `[a-z0-9._-]`. */
export const EntityIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    "id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit",
  );

/**
 * Turns any name (`@acme/Checkout UI`) into an entity id (`acme-checkout-ui`).
 *
 * @throws ValidationError naming `name` when it is not a string.
 */
export function slugify(name: string): string {
  checkArguments("slugify", { name: [z.string(), name] });
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, 64);
  return slug === "" ? "unnamed" : slug;
}
