import { defineEvent, type EventDefinition } from "@software-factory/core";
import { z } from "zod";
import { CriticalitySchema, DependencyKindSchema, EntityIdSchema, ProvenanceInputSchema } from "./model.js";
import {
  ContributorDeclSchema,
  DomainDeclSchema,
  LineDeclSchema,
  OperatorDeclSchema,
  PlanSettingsSchema,
  ProductDeclSchema,
  StoredNameSchema,
  StoredTagSchema,
} from "./Plan.js";

const provenance = {
  /** Where the fact came from (its `source`) and a `ref` inside it (`factory.yaml:12`). */
  provenance: ProvenanceInputSchema,
};
/**
 * A display name as the events take it: a plan's checks (one line, no control
 * character or bidi override) are made where a plan is written, so that a
 * name stored before them is still read and carried.
 */
const storedName = {
  /** Display name. */
  name: StoredNameSchema.optional(),
};
const nodeRef = z
  .string()
  .regex(
    /^(product|domain|line|operator):[a-z0-9][a-z0-9._-]{0,63}$/,
    "node must be kind:id, as in line:checkout",
  );

/** The product was declared, renamed (another id replaces the one before: a factory has one product) or its description changed. Subject: the product id. */
export const ProductDeclared = defineEvent(
  "floorplan.product.declared",
  ProductDeclSchema.extend({ ...storedName, ...provenance }),
);

/** A domain was declared or changed. Subject: the domain id. */
export const DomainDeclared = defineEvent(
  "floorplan.domain.declared",
  DomainDeclSchema.extend({ ...storedName, ...provenance }),
);
/** A domain was removed from the plan. Subject: the domain id. */
export const DomainRetired = defineEvent(
  "floorplan.domain.retired",
  z.strictObject({
    /** Id of the retired domain; the subject names it too. */
    id: EntityIdSchema,
  }),
);

/** An operator was declared or changed. Subject: the operator id. */
export const OperatorDeclared = defineEvent(
  "floorplan.operator.declared",
  OperatorDeclSchema.extend({ ...storedName, ...provenance }),
);
/** An operator was removed from the plan; the lines they owned become unowned. Subject: the operator id. */
export const OperatorRetired = defineEvent(
  "floorplan.operator.retired",
  z.strictObject({
    /** Id of the retired operator; the subject names it too. */
    id: EntityIdSchema,
  }),
);

/** The attributes of a line carried by {@link LineDeclared}: everything but owner, contributors and dependencies, which have their own events. */
export const LineAttributesSchema = LineDeclSchema.omit({
  owner: true,
  contributors: true,
  dependsOn: true,
}).extend({
  ...storedName,
  /** Free labels (`pci`, `customer-facing`). */
  tags: z.array(StoredTagSchema).default([]),
  /** Position of the line in the plan; path patterns of later lines win, as in CODEOWNERS. */
  order: z.number().int().min(0),
});

/** A line was declared or its attributes changed. Subject: the line id. */
export const LineDeclared = defineEvent("floorplan.line.declared", LineAttributesSchema.extend(provenance));
/**
 * A line's position in the plan changed and nothing else of it (a line before
 * it was retired or inserted). Only the position is recorded, so moving a
 * line never records its texts again. Subject: the line id.
 */
export const LineMoved = defineEvent(
  "floorplan.line.moved",
  z.strictObject({
    /** Id of the line moved; the subject names it too. */
    id: EntityIdSchema,
    /** Its new position in the plan; path patterns of later lines win. */
    order: LineAttributesSchema.shape.order,
  }),
);
/** A line was removed, with its edges. Subject: the line id. */
export const LineRetired = defineEvent(
  "floorplan.line.retired",
  z.strictObject({
    /** Id of the retired line; the subject names it too. */
    id: EntityIdSchema,
  }),
);

/** A line got its accountable owner, replacing the previous one. Subject: the line id. */
export const OwnerAssigned = defineEvent(
  "floorplan.owner.assigned",
  z.strictObject({
    /** The line. */
    line: EntityIdSchema,
    /** Its new owner. */
    operator: EntityIdSchema,
    ...provenance,
  }),
);
/** A line lost its owner (the owner left, or an import could not tell). Subject: the line id. */
export const OwnerUnassigned = defineEvent(
  "floorplan.owner.unassigned",
  z.strictObject({
    /** The line left without an owner. */
    line: EntityIdSchema,
  }),
);

/** An operator contributes to a line with a role. Subject: the line id. */
export const ContributorAdded = defineEvent(
  "floorplan.contributor.added",
  ContributorDeclSchema.extend({
    /** The line contributed to. */
    line: EntityIdSchema,
    ...provenance,
  }),
);
/** An operator no longer contributes to a line. Subject: the line id. */
export const ContributorRemoved = defineEvent(
  "floorplan.contributor.removed",
  z.strictObject({
    /** The line. */
    line: EntityIdSchema,
    /** The operator who no longer contributes to it. */
    operator: EntityIdSchema,
  }),
);

/** A line depends on another one (declared or changed). Subject: the dependent line id. */
export const DependencyDeclared = defineEvent(
  "floorplan.dependency.declared",
  z.strictObject({
    /** The dependent line. */
    from: EntityIdSchema,
    /** The line it depends on. */
    to: EntityIdSchema,
    /** What the dependency goes through (`api`, `data`, `event`, `ui`, `library`, `infra`). */
    kind: DependencyKindSchema,
    /** How badly `from` breaks when `to` changes (`high`, `medium`, `low`). */
    criticality: CriticalitySchema,
    /** The contract between the two lines, in words, when declared. */
    contract: z.string().min(1).optional(),
    ...provenance,
  }),
);
/** A dependency was removed. Subject: the dependent line id. */
export const DependencyRemoved = defineEvent(
  "floorplan.dependency.removed",
  z.strictObject({
    /** The dependent line. */
    from: EntityIdSchema,
    /** The line it no longer depends on. */
    to: EntityIdSchema,
  }),
);

/** An edge of a registered custom relation was added or changed. Subject: the source node. */
export const RelationAdded = defineEvent(
  "floorplan.relation.added",
  z.strictObject({
    /** The registered relation's name. */
    type: z.string().min(1),
    /** The source node, as `kind:id` (`line:checkout`). */
    from: nodeRef,
    /** The target node, as `kind:id`. */
    to: nodeRef,
    /** The edge's attributes, as the relation's schema parsed them. */
    attributes: z.record(z.string(), z.unknown()),
    ...provenance,
  }),
);
/** An edge of a custom relation was removed. Subject: the source node. */
export const RelationRemoved = defineEvent(
  "floorplan.relation.removed",
  z.strictObject({
    /** The relation's name. */
    type: z.string().min(1),
    /** The source node, as `kind:id`. */
    from: nodeRef,
    /** The target node, as `kind:id`. */
    to: nodeRef,
  }),
);

/** Plan settings changed. Subject: `floorplan`. */
export const SettingsChanged = defineEvent("floorplan.settings.changed", PlanSettingsSchema);

/** Closes a batch written by `applyPlan`: what was applied and how much changed. Subject: `floorplan`. */
export const PlanApplied = defineEvent(
  "floorplan.plan.applied",
  z.strictObject({
    /** File or importer the plan came from. */
    source: z.string().min(1),
    /** Number of change events in the batch (this one excluded). */
    changes: z.number().int().min(0),
  }),
);

/** Every event type of the floor plan; register them on the log (`openEventLog({ events: floorPlanEvents })`). */
export const floorPlanEvents: readonly EventDefinition[] = [
  ProductDeclared,
  DomainDeclared,
  DomainRetired,
  OperatorDeclared,
  OperatorRetired,
  LineDeclared,
  LineMoved,
  LineRetired,
  OwnerAssigned,
  OwnerUnassigned,
  ContributorAdded,
  ContributorRemoved,
  DependencyDeclared,
  DependencyRemoved,
  RelationAdded,
  RelationRemoved,
  SettingsChanged,
  PlanApplied,
];

/** Type names of {@link floorPlanEvents}. */
export const floorPlanEventTypes: readonly string[] = floorPlanEvents.map((definition) => definition.type);
