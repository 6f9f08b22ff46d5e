export {
  builtinSkills,
  classifySignal,
  draftRequirement,
  modelSkills,
  reviewItem,
  summarizeLine,
} from "./builtinSkills.js";
export {
  defineFactorySkill,
  defineSkill,
  type Skill,
  type SkillContext,
  type SkillRequirement,
} from "./Skill.js";
export { SkillFailedError } from "./SkillFailedError.js";
export {
  exportSkill,
  formatSkillMd,
  type InstructionSkill,
  loadSkillFolder,
  loadSkillsDir,
  parseSkillMd,
  readSkillBytes,
  readSkillFile,
  type SkillFrontMatter,
  SkillFrontMatterSchema,
  type SkillProblem,
  type SkillsDirResult,
  safeLoadSkillsDir,
} from "./SkillMd.js";
export {
  type SkillInfo,
  SkillRegistry,
  type SkillRegistryOptions,
  type SkillRun,
  type SkillRunOptions,
} from "./SkillRegistry.js";
export { SkillRan, SkillStarted } from "./skillEvents.js";
