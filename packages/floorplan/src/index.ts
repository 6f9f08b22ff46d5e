/**
 * The Factory Floor Plan: the product as lines, owners and dependencies, on
 * graphology, folded from the event log; `factory.yaml`; ownership, path and
 * impact queries; imports (CODEOWNERS, workspaces, Backstage) and exports
 * (Mermaid, DOT, JSON).
 *
 * Any new export added here becomes public API. Use named exports, not wildcards.
 *
 * @packageDocumentation
 */

export {
  type ApplyPlanOptions,
  type ApplyPlanResult,
  type ChangeOptions,
  RemoveAllLinesError,
} from "./applyPlan.js";
export { buildFloorGraph, emptyPlan } from "./buildFloorGraph.js";
export { type DependencyChange, diffPlans, type PlanDiff, type Reowned } from "./diff.js";
export {
  ContributorAdded,
  ContributorRemoved,
  DependencyDeclared,
  DependencyRemoved,
  DomainDeclared,
  DomainRetired,
  floorPlanEvents,
  floorPlanEventTypes,
  LineAttributesSchema,
  LineDeclared,
  LineMoved,
  LineRetired,
  OperatorDeclared,
  OperatorRetired,
  OwnerAssigned,
  OwnerUnassigned,
  PlanApplied,
  ProductDeclared,
  RelationAdded,
  RelationRemoved,
  SettingsChanged,
} from "./events.js";
export { toDot, toGraphologyJson, toMermaid } from "./export/diagrams.js";
export { FloorGraph, type FloorLineDirectory, type PathOwnership, type ReachOptions } from "./FloorGraph.js";
export { FloorPlan } from "./FloorPlan.js";
export {
  type FloorPlanChange,
  type FloorPlanChangeError,
  FloorPlanService,
  type FloorPlanShape,
  makeFloorPlanShape,
} from "./FloorPlanService.js";
export { FloorPlanView } from "./FloorPlanView.js";
export {
  type FactoryYamlOptions,
  type FactoryYamlResult,
  formatProblems,
  type LoadFactoryYamlOptions,
  loadFactoryYaml,
  parseFactoryYaml,
  safeLoadFactoryYaml,
  safeParseFactoryYaml,
} from "./factoryYaml.js";
export {
  type DependencyInfo,
  type DependencyStep,
  type DomainNode,
  edgeKey,
  type FloorEdge,
  type FloorGraphAttributes,
  type FloorGraphology,
  type FloorNode,
  type LineInfo,
  type LineNode,
  nodeKey,
  type OperatorNode,
  type ProductNode,
  type ReachedLine,
} from "./graphTypes.js";
export {
  type CentralLine,
  type HealthOptions,
  type HealthReport,
  healthOf,
  type OverloadedOperator,
} from "./health.js";
export {
  type ChangedLine,
  type ImpactChange,
  ImpactChangeSchema,
  type ImpactCutoff,
  type ImpactedLine,
  type ImpactOptions,
  ImpactOptionsSchema,
  type ImpactReport,
  impactOf,
  type OwnerToNotify,
} from "./impact.js";
export { type BackstageImport, type BackstageImportOptions, importBackstage } from "./import/backstage.js";
export {
  type CodeownersImportOptions,
  type CodeownersRule,
  codeownersToPlan,
  findCodeowners,
  importCodeowners,
  type ParsedCodeowners,
  parseCodeowners,
} from "./import/codeowners.js";
export { importWorkspaces, type WorkspacesImportOptions } from "./import/workspaces.js";
export {
  type Criticality,
  CriticalitySchema,
  criticalityRank,
  type DependencyKind,
  DependencyKindSchema,
  EntityIdSchema,
  type NodeKind,
  NodeKindSchema,
  type Provenance,
  type ProvenanceInput,
  ProvenanceInputSchema,
  type ProvenanceSource,
  ProvenanceSourceSchema,
  slugify,
} from "./model.js";
export { type OpenFloorPlanOptions, openFloorPlan } from "./openFloorPlan.js";
export {
  type ContributorDecl,
  ContributorDeclSchema,
  type DependencyDecl,
  type DependencyDeclInput,
  DependencyDeclSchema,
  type DomainDecl,
  DomainDeclSchema,
  type LineDecl,
  type LineDeclInput,
  LineDeclSchema,
  type OperatorDecl,
  type OperatorDeclInput,
  OperatorDeclSchema,
  PathPatternSchema,
  type Plan,
  type PlanInput,
  PlanSchema,
  type PlanSettings,
  PlanSettingsSchema,
  type ProductDecl,
  ProductDeclSchema,
  planOf,
  type RelationDecl,
  RelationDeclSchema,
} from "./Plan.js";
export { mergePlans, type PlanChangesOptions, planChanges } from "./planEvents.js";
export { PLAN_LIMITS } from "./planLimits.js";
export {
  builtInRelations,
  contributesRelation,
  defineRelation,
  dependsOnRelation,
  ownsRelation,
  partOfRelation,
  type RelationDefinition,
  RelationRegistry,
  type RelationsInput,
} from "./RelationRegistry.js";
export { readSourceText, type SourceTextResult, safeReadSourceText } from "./readSourceText.js";
export { samePathLines } from "./samePathLines.js";
export { planToYaml, saveFactoryYaml } from "./saveFactoryYaml.js";
export { toPlan } from "./toPlan.js";
export { formatCycle, type PlanProblem, type ValidatePlanOptions, validatePlan } from "./validatePlan.js";
