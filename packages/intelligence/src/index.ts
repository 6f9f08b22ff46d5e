/**
 * The Intelligence Layer of the Software Factory SDK: skills, rules,
 * automations, routing, context packs, and `openFactory()`.
 *
 * Any new export added here becomes public API. Use named exports, not wildcards.
 *
 * @packageDocumentation
 */

export {
  type AutoRouteThreshold,
  type BuiltinAutomationServices,
  type BuiltinAutomationsOptions,
  builtinAutomations,
  DEFAULT_AUTO_ROUTE_THRESHOLD,
  makeBuiltinAutomations,
} from "./automations/builtinAutomations.js";
export {
  type Automation,
  AutomationAdvanced,
  AutomationClaimed,
  type AutomationContext,
  type AutomationFailure,
  type AutomationFailures,
  type AutomationFailuresPage,
  type AutomationFilterContext,
  AutomationHandled,
  AutomationReleased,
  AutomationRenewed,
  type AutomationRunner,
  type AutomationUse,
  automationEvents,
  automationNames,
  ClaimRenewalError,
  defineAutomation,
  type ExclusivePolicy,
  type FailedHandling,
  Inbox,
  type InboxItem,
  type InboxListOptions,
  InboxNotified,
  type InboxOptions,
  InboxRead,
  type KnownOperators,
  type Notification,
  PermanentFailureError,
  type RetryPolicy,
  type RetryResult,
  readAutomationFailures,
  type StartAutomationsOptions,
  startAutomations,
} from "./automations/index.js";
export {
  DELIVER_NOTIFICATIONS,
  makeWebhookDelivery,
  WebhookDelivered,
  WebhookDeliveryError,
  type WebhookDeliveryOptions,
  type WebhookDeliveryServices,
} from "./automations/webhookDelivery.js";
export type { WebhookFormat, WebhookNotification } from "./automations/webhookRequest.js";
export { type GitChangedPathsOptions, gitChangedPaths } from "./codebase/changedPaths.js";
export {
  applyImportPlan,
  type CodebaseImportResult,
  DEFAULT_IMPORT_ACTOR,
  type ImportCodebaseOptions,
  importCodebase,
} from "./codebase/importCodebase.js";
export type { ImportConflict, ImportCounts } from "./codebase/importConflicts.js";
export {
  type ArtifactChange,
  CODEBASE_SYSTEM,
  type CodebaseImportPlan,
  type DocumentChange,
  type LeftPage,
  type PlanImportOptions,
  planImport,
} from "./codebase/planImport.js";
export type {
  CodebaseProposal,
  Ecosystem,
  Evidence,
  InferredRequirement,
  ProposedBlueprint,
  ProposedDependency,
  ProposedDocument,
  ProposedLine,
  ProposedOwner,
  TestFramework,
} from "./codebase/proposal.js";
export { gitTopLevel, pathInRepository } from "./codebase/repositoryPath.js";
export {
  type CodebasePages,
  type CopyRetraction,
  planCodebasePages,
} from "./codebase/samePage.js";
export { listRepoFiles, type RepoFiles } from "./codebase/scan/files.js";
export {
  type CodebaseImportProgress,
  IMPORT_PHASES,
  type ImportPhase,
  type ScanCodebaseOptions,
  type ScanProblem,
  type ScanResult,
  scanCodebase,
} from "./codebase/scanCodebase.js";
export { type GitImportOptions, GitImportOptionsSchema, importGitCommits } from "./connectors/git.js";
export {
  type IssueImportOptions,
  IssueImportOptionsSchema,
  importIssues,
  severityOfLabels,
  workItemKindOfLabels,
} from "./connectors/issues.js";
export {
  importJsonl,
  type JsonlImportOptions,
  JsonlImportOptionsSchema,
  type JsonlMapping,
  JsonlMappingSchema,
} from "./connectors/jsonl.js";
export { importJUnitReport, type JUnitImportOptions, JUnitImportOptionsSchema } from "./connectors/junit.js";
export type { ConnectorSummary } from "./connectors/summary.js";
export {
  type ContextPack,
  type ContextPackContent,
  type ContextRequest,
  contextPackMarkdown,
  type KnowledgeReference,
  type PackDocument,
  type PackLine,
  type PackNeighbour,
  type PackOmitted,
  type PackRule,
} from "./factory/contextPack.js";
export {
  estimateTokenCounter,
  loadTokenCounter,
  type TokenCounter,
  type TokenEncoding,
} from "./factory/contextPackTokens.js";
export type { EncodedAuthorUse, EncodedUsage, EncodedUsageOptions } from "./factory/encodedUsage.js";
export { FactoryService, type FactoryServices } from "./factory/FactoryService.js";
export type { RouteInput } from "./factory/factoryRouter.js";
export { FACTORY_FOLDER, findFactoryFolder } from "./factory/findFactoryFolder.js";
export {
  type AutomationsShape,
  type InboxShape,
  type IntelligenceError,
  IntelligenceService,
  type IntelligenceShape,
  makeIntelligenceShape,
  type SkillsShape,
  type StandardsShape,
} from "./factory/IntelligenceService.js";
export { makeFolders } from "./factory/makeFolders.js";
export {
  type Factory,
  type OpenFactoryOptions,
  openFactory,
} from "./factory/openFactory.js";
export { embedderFromEnv, type OpenedEmbedder } from "./models/embedderFromEnv.js";
export { modelFromEnv } from "./models/modelFromEnv.js";
export { createOpenAiCompatibleProvider, type OpenAiCompatibleOptions } from "./models/openAiCompatible.js";
export {
  DEFAULT_ROUTER_WEIGHTS,
  type RoutableLine,
  type RouteCandidate,
  type RoutedExample,
  type RouteOptions,
  Router,
  type RouterOptions,
  type RouterWeights,
} from "./router/Router.js";
export {
  exportAgentsMd,
  type FormatAgentsMdOptions,
  formatAgentsMd,
  type LoadAgentsMdOptions,
  loadAgentsMd,
  type ParseAgentsMdOptions,
  parseAgentsMd,
} from "./rules/agentsMd.js";
export {
  type BuiltinStandardsOptions,
  builtinStandards,
  DEFAULT_SIGNAL_SLA_HOURS,
  installBuiltinStandards,
  makeBuiltinStandards,
  type SignalSlaHours,
} from "./rules/builtinStandards.js";
export {
  exportCursorRules,
  formatCursorRule,
  type LoadCursorRulesOptions,
  loadCursorRules,
  type ParseCursorRuleOptions,
  parseCursorRule,
} from "./rules/cursorRules.js";
export {
  type InstructionFormat,
  InstructionFormatSchema,
  type InstructionStandard,
  InstructionStandardSchema,
  instructionId,
  standardAppliesTo,
} from "./rules/InstructionStandard.js";
export {
  basicStandards,
  type CheckScope,
  defaultGates,
  defineRule,
  defineRulePack,
  defineScorecard,
  type Finding,
  type FindingFix,
  type FindingSeverity,
  installBasicStandards,
  type LineScore,
  noSuspectLinksGate,
  type Rule,
  RuleIdSchema,
  type RulePack,
  type RuleUse,
  type Scorecard,
  ScorecardDefined,
  type ScorecardLevel,
  ScorecardLevelChanged,
  Scorecards,
  type ScorecardsOptions,
  Standards,
  type StandardsOptions,
  scoreLines,
  suspectCause,
  type TargetRef,
  type TargetSource,
  type Violation,
} from "./rules/index.js";
export {
  type LoadInstructionStandardsOptions,
  loadInstructionStandards,
} from "./rules/loadInstructionStandards.js";
export { type RuleGateOptions, ruleGate, type ScorecardLevelRef } from "./rules/ruleGate.js";
export { type StandardsForExportOptions, standardsForExport } from "./rules/standardsForExport.js";
export { classifySignal, modelSkills } from "./skills/builtinSkills.js";
export {
  type AuthorUse,
  builtinSkills,
  defineFactorySkill,
  defineSkill,
  draftRequirement,
  exportSkill,
  formatSkillMd,
  type InstructionSkill,
  type LoadSkillOptions,
  loadSkillFolder,
  loadSkillsDir,
  MAX_SKILL_FILES,
  MAX_SKILL_FILES_BYTES,
  MAX_SKILL_MD_BYTES,
  parseSkillMd,
  readSkillBytes,
  readSkillFile,
  reviewItem,
  type Skill,
  type SkillContext,
  SkillFailedError,
  type SkillFrontMatter,
  SkillFrontMatterSchema,
  type SkillInfo,
  type SkillProblem,
  SkillRan,
  SkillRegistry,
  type SkillRegistryOptions,
  SkillRenewed,
  type SkillRequirement,
  type SkillRun,
  SkillStarted,
  type SkillsDirResult,
  type SkillUsage,
  type SkillUsageOptions,
  SkillUsageOptionsSchema,
  type SkillUse,
  safeLoadSkillsDir,
  summarizeLine,
} from "./skills/index.js";
