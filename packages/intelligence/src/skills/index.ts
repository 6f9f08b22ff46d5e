export {
  builtinSkills,
  classifySignal,
  draftRequirement,
  modelSkills,
  reviewItem,
  summarizeLine,
} from "./builtinSkills.js";
export { exportSkill } from "./exportSkill.js";
export {
  defineFactorySkill,
  defineSkill,
  type Skill,
  type SkillContext,
  type SkillRequirement,
} from "./Skill.js";
export { SkillFailedError } from "./SkillFailedError.js";
export {
  formatSkillMd,
  type InstructionSkill,
  parseSkillMd,
  type SkillFrontMatter,
  SkillFrontMatterSchema,
} from "./SkillMd.js";
export {
  type SkillInfo,
  SkillRegistry,
  type SkillRegistryOptions,
  type SkillRun,
} from "./SkillRegistry.js";
export { SkillRan, SkillRenewed, SkillStarted } from "./skillEvents.js";
export {
  type LoadSkillOptions,
  loadSkillFolder,
  loadSkillsDir,
  MAX_SKILL_FILES,
  MAX_SKILL_FILES_BYTES,
  MAX_SKILL_MD_BYTES,
  readSkillBytes,
  readSkillFile,
  type SkillProblem,
  type SkillsDirResult,
  safeLoadSkillsDir,
} from "./skillFolders.js";
export {
  type AuthorUse,
  type SkillUsage,
  type SkillUsageOptions,
  SkillUsageOptionsSchema,
  type SkillUse,
} from "./skillUsage.js";
