export {
  basicStandards,
  defaultGates,
  installBasicStandards,
  noSuspectLinksGate,
  suspectCause,
} from "./basicStandards.js";
export {
  defineRule,
  defineRulePack,
  type Finding,
  type FindingSeverity,
  type Rule,
  RuleIdSchema,
  type RulePack,
  type TargetRef,
  type Violation,
} from "./Rule.js";
export { type RuleGateOptions, ruleGate, type ScorecardLevelRef } from "./ruleGate.js";
export {
  defineScorecard,
  type Scorecard,
  type ScorecardLevel,
  Scorecards,
  type ScorecardsOptions,
} from "./Scorecard.js";
export { type CheckScope, Standards, type StandardsOptions, type TargetSource } from "./Standards.js";
export { ScorecardDefined, ScorecardLevelChanged } from "./scorecardEvents.js";
export { type LineScore, scoreLines } from "./scoreLines.js";
