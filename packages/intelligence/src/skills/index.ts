export {
  builtinSkills,
  classifySignal,
  draftRequirement,
  modelSkills,
  reviewItem,
  summarizeLine,
} from "./builtinSkills.js";
export {
  defineSkill,
  type Skill,
  type SkillContext,
  type SkillInfo,
  SkillRan,
  SkillRegistry,
  type SkillRegistryOptions,
  type SkillRequirement,
  type SkillRun,
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
