/**
 * Writing a skill back as an Agent Skills folder, whole or not at all.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { checkArguments, makeFolders, NotFoundError, validationErrorFromZod } from "@software-factory/core";
import { aSkillMd, Text } from "../internal/arguments.js";
import { invalidInput } from "../internal/invalid.js";
import {
  formatSkillMd,
  type InstructionSkill,
  type SkillFrontMatter,
  SkillFrontMatterSchema,
} from "./SkillMd.js";

/**
 * Writes a skill as `<dir>/<name>/SKILL.md`, with its files (`scripts/`,
 * `references/`, `assets/` and any other, as `forms.md`) when it was loaded
 * from a folder; returns the folder.
 * Loading the folder back gives the same skill.
 *
 * @throws ValidationError when the skill's front matter is not valid Agent Skills front matter (nothing is written).
 * @throws ValidationError (path `files[i]`) when one of its files is not a relative path inside its folder, or is its SKILL.md (nothing is written).
 * @throws NotFoundError (entity `skill file`, field `files[i]`) when one of its files is missing from its folder (nothing is written).
 *
 * The folder is written whole or not at all: the files go to a temporary
 * folder beside it, which then replaces any earlier export, so no file of an
 * earlier export is left behind.
 */
export function exportSkill(
  skill: Omit<InstructionSkill, "files" | "dir"> & Partial<Pick<InstructionSkill, "files" | "dir">>,
  dir: string,
): string {
  checkArguments("exportSkill", { skill: [aSkillMd, skill], dir: [Text, dir] });
  const front = SkillFrontMatterSchema.safeParse(pick(skill));
  if (!front.success) {
    throw validationErrorFromZod(front.error.issues, { subject: `front matter of skill ${skill.name}` });
  }
  const outside = (skill.files ?? []).findIndex(
    (file) =>
      file === "" ||
      isAbsolute(file) ||
      /^[\\/]|^[a-zA-Z]:/.test(file) ||
      file.split(/[\\/]/).some((part) => part === ".." || part === ".") ||
      file === "SKILL.md",
  );
  if (outside !== -1) {
    const message = `skill "${skill.name}" lists "${skill.files?.[outside]}", which is not a path inside its folder (a relative path without .. segments, other than SKILL.md)`;
    throw invalidInput(`skill ${skill.name}`, [{ path: `files[${outside}]`, message }]);
  }
  const source = skill.dir;
  const files = source === undefined ? [] : (skill.files ?? []);
  const missing = files.findIndex(
    (file) => !statSync(join(source ?? "", file), { throwIfNoEntry: false })?.isFile(),
  );
  if (missing !== -1) {
    throw new NotFoundError({
      message: `skill "${skill.name}" lists "${files[missing]}", which is not a file in ${source}`,
      entity: "skill file",
      id: files[missing] as string,
      field: `files[${missing}]`,
    });
  }
  const folder = join(dir, skill.name);
  makeFolders(dir);
  // mkdirSync, not mkdtemp: the folder gets the umask's permissions, as a folder the user made would (mkdtemp makes it private).
  const staged = join(dir, `.${skill.name}.export-${randomUUID()}`);
  mkdirSync(staged);
  try {
    writeFileSync(join(staged, "SKILL.md"), formatSkillMd(skill));
    for (const file of files) cpSync(join(source ?? "", file), join(staged, file));
    replaceFolder(folder, staged);
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
  return folder;
}

/** Puts `staged` in place of `folder` (which may not exist), keeping the earlier folder until the new one is in place. */
function replaceFolder(folder: string, staged: string): void {
  if (!existsSync(folder)) {
    renameSync(staged, folder);
    return;
  }
  const previous = `${staged}.previous`;
  renameSync(folder, previous);
  try {
    renameSync(staged, folder);
  } catch (error) {
    renameSync(previous, folder);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}

function pick(skill: Omit<InstructionSkill, "files" | "dir">): SkillFrontMatter {
  const { instructions: _instructions, ...front } = skill as InstructionSkill;
  const { files: _files, dir: _dir, ...rest } = front as InstructionSkill;
  return rest;
}
