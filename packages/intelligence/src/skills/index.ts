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
  SkillFailedError,
  type SkillInfo,
  SkillRan,
  SkillRegistry,
  type SkillRegistryOptions,
  type SkillRequirement,
  type SkillRun,
  type SkillRunOptions,
} from "./Skill.js";
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
export { SkillStarted } from "./SkillRunKeys.js";
