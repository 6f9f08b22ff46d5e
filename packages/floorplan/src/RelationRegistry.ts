import {
  anObject,
  checkArguments,
  formatIssues,
  ValidationError,
  type ValidationIssue,
  validationErrorFromZod,
} from "@software-factory/core";
import { z } from "zod";
import { CriticalitySchema, DependencyKindSchema, type NodeKind } from "./model.js";
import { ContributorDeclSchema } from "./Plan.js";

/** The definition of a relation type between nodes of the floor plan. */
export interface RelationDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Name of the relation (`dependsOn`), a camelCase word. */
  readonly name: string;
  /** Name of the same relation read backwards (`dependedOnBy`). */
  readonly inverse: string;
  /** Node kinds the relation may start from. */
  readonly from: readonly NodeKind[];
  /** Node kinds the relation may point to. */
  readonly to: readonly NodeKind[];
  /** Schema of the edge's attributes. */
  readonly attributes: Schema;
  /** What the relation means, for documentation and exports. */
  readonly description?: string;
}

/**
 * Defines a relation type, so a factory can add its own edges without a code change.
 *
 * @throws ValidationError naming the field (`name`, `inverse`, `from`, `to`)
 *   when the name or inverse is not a camelCase word, or no kinds are given;
 *   naming `definition` when it is not an object.
 * @example
 * ```ts
 * const supersedes = defineRelation({
 *   name: "supersedes", inverse: "supersededBy", from: ["line"], to: ["line"],
 *   attributes: z.object({ since: z.string() }),
 * });
 * ```
 */
export function defineRelation<Schema extends z.ZodType>(
  definition: RelationDefinition<Schema>,
): RelationDefinition<Schema> {
  checkArguments("defineRelation", {
    definition: [anObject("a relation definition (name, inverse, from, to)"), definition],
  });
  const issues: ValidationIssue[] = [];
  for (const field of ["name", "inverse"] as const) {
    const name = definition[field];
    if (typeof name !== "string" || !/^[a-z][a-zA-Z0-9]*$/.test(name))
      issues.push({ path: field, message: `relation name ${JSON.stringify(name)} must be a camelCase word` });
  }
  for (const field of ["from", "to"] as const) {
    if (!Array.isArray(definition[field]) || definition[field].length === 0)
      issues.push({
        path: field,
        message: `relation "${definition.name}" needs at least one ${field === "from" ? "source" : "target"} kind`,
      });
  }
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues("relation definition", issues), issues });
  return definition;
}

/** `partOf`: a line belongs to a domain, a domain to a product. */
export const partOfRelation = defineRelation({
  name: "partOf",
  inverse: "hasPart",
  from: ["line", "domain"],
  to: ["domain", "product"],
  attributes: z.strictObject({}),
  description: "line to domain to product",
});

/** `dependsOn`: a line depends on another line, through an interface kind, with a criticality. */
export const dependsOnRelation = defineRelation({
  name: "dependsOn",
  inverse: "dependedOnBy",
  from: ["line"],
  to: ["line"],
  attributes: z.strictObject({
    /** What the dependency goes through (`api`, `data`, `event`, `ui`, `library`, `infra`). */
    kind: DependencyKindSchema,
    /** How badly the dependent line breaks when the other changes (`high`, `medium`, `low`). */
    criticality: CriticalitySchema,
    /** The contract between the two lines, in words, when declared. */
    contract: z.string().min(1).optional(),
  }),
  description: "line to line, with kind and criticality",
});

/** `owns`: the one accountable operator of a line. */
export const ownsRelation = defineRelation({
  name: "owns",
  inverse: "ownedBy",
  from: ["operator"],
  to: ["line"],
  attributes: z.strictObject({}),
  description: "exactly one accountable owner per line",
});

/** `contributes`: a further operator on a line, with a role. */
export const contributesRelation = defineRelation({
  name: "contributes",
  inverse: "hasContributor",
  from: ["operator"],
  to: ["line"],
  attributes: ContributorDeclSchema.pick({ role: true }),
  description: "further operators of a line (backup, reviewer, ...)",
});

/** The relation types every floor plan knows. */
export const builtInRelations: readonly RelationDefinition[] = [
  partOfRelation,
  dependsOnRelation,
  ownsRelation,
  contributesRelation,
];

/**
 * The relation types a floor plan accepts: the built-in ones and those a factory registers.
 */
export class RelationRegistry {
  readonly #byName = new Map<string, RelationDefinition>();

  /**
   * Creates a registry with the built-in relations and the given extra ones.
   *
   * @throws ValidationError (path `relations[i].name` or `relations[i].inverse`, `i` counting the extra ones)
   *   when an extra relation's name or inverse is already taken.
   */
  constructor(extra: Iterable<RelationDefinition> = []) {
    this.register(...builtInRelations);
    this.register(...extra);
  }

  /**
   * Adds relation types. Registering the same definition twice is a no-op.
   *
   * @throws ValidationError (path `relations[i].name` or `relations[i].inverse`)
   *   when another definition already uses the name or inverse, or one earlier
   *   in the same call does; nothing is registered then.
   */
  register(...definitions: RelationDefinition[]): this {
    const adding = new Map<string, RelationDefinition>();
    definitions.forEach((definition, index) => {
      for (const field of ["name", "inverse"] as const) {
        const name = definition[field];
        const existing = adding.get(name) ?? this.#byName.get(name);
        if (existing !== undefined && existing !== definition) {
          const issues = [
            {
              path: `relations[${index}].${field}`,
              message: `relation name "${name}" is already registered by relation "${existing.name}"`,
            },
          ];
          throw new ValidationError({ message: formatIssues("relation definitions", issues), issues });
        }
      }
      adding.set(definition.name, definition);
      adding.set(definition.inverse, definition);
    });
    for (const [name, definition] of adding) this.#byName.set(name, definition);
    return this;
  }

  /** The definition of a relation, looked up by its name or its inverse. */
  get(name: string): RelationDefinition | undefined {
    return this.#byName.get(name);
  }

  /** Names of the registered relations (not their inverses), sorted. */
  names(): string[] {
    return [...new Set([...this.#byName.values()].map((definition) => definition.name))].sort();
  }

  /**
   * Checks an edge against its relation: known name, allowed kinds, valid attributes.
   *
   * @returns the parsed attributes.
   * @throws ValidationError naming what is wrong.
   */
  validate(name: string, from: NodeKind, to: NodeKind, attributes: unknown): Record<string, unknown> {
    const definition = this.#byName.get(name);
    if (definition === undefined || definition.name !== name) {
      throw new ValidationError({
        message: `unknown relation "${name}"; registered relations: ${this.names().join(", ")}`,
        issues: [{ path: "type", message: `unknown relation "${name}"` }],
      });
    }
    const issues: { path: string; message: string }[] = [];
    if (!definition.from.includes(from))
      issues.push({
        path: "from",
        message: `relation ${name} cannot start from a ${from}; allowed: ${definition.from.join(", ")}`,
      });
    if (!definition.to.includes(to))
      issues.push({
        path: "to",
        message: `relation ${name} cannot point to a ${to}; allowed: ${definition.to.join(", ")}`,
      });
    if (issues.length > 0)
      throw new ValidationError({
        message: `relation ${name} is invalid: ${issues.map((issue) => issue.message).join("; ")}`,
        issues,
      });
    const parsed = definition.attributes.safeParse(attributes);
    if (!parsed.success)
      throw validationErrorFromZod(parsed.error.issues, {
        subject: `relation ${name}`,
        pathPrefix: "attributes",
      });
    return (parsed.data ?? {}) as Record<string, unknown>;
  }
}

/**
 * Relation types as a caller may give them: a {@link RelationRegistry}, or the
 * extra definitions (`[supersedes]`), the built-ins being always included, as
 * `openFloorPlan` takes them.
 */
export type RelationsInput = RelationRegistry | Iterable<RelationDefinition>;

/** The registry for a {@link RelationsInput}: the registry itself, or the built-ins and the given definitions. */
export function relationRegistryOf(relations: RelationsInput | undefined): RelationRegistry {
  return relations instanceof RelationRegistry ? relations : new RelationRegistry(relations ?? []);
}
