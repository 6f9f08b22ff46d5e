export {
  basicStandards,
  defaultGates,
  installBasicStandards,
  noSuspectLinksGate,
  suspectCause,
} from "./basicStandards.js";
export type { CheckScope } from "./CheckScope.js";
export {
  defineRule,
  defineRulePack,
  type Finding,
  type FindingFix,
  type FindingSeverity,
  type Rule,
  RuleIdSchema,
  type RulePack,
  type TargetRef,
  type Violation,
} from "./Rule.js";
export { type RuleGateOptions, ruleGate, type ScorecardLevelRef } from "./ruleGate.js";
export type { RuleUse } from "./ruleUsage.js";
export {
  defineScorecard,
  type Scorecard,
  type ScorecardLevel,
  Scorecards,
  type ScorecardsOptions,
} from "./Scorecard.js";
export { Standards, type StandardsOptions } from "./Standards.js";
export { ScorecardDefined, ScorecardLevelChanged } from "./scorecardEvents.js";
export { type LineScore, scoreLines } from "./scoreLines.js";
export type { TargetSource } from "./TargetSource.js";
