/**
 * Skill folders on disk: `<name>/SKILL.md` with its `scripts/`, `references/`
 * and `assets/` files, loaded one by one or a whole skills folder at a time
 * (all or nothing, or keeping the problems of the bad ones), and the files of
 * a loaded skill read back.
 *
 * @module
 */
import { type Dirent, existsSync, lstatSync, readdirSync, readFileSync, type Stats, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import {
  aFunction,
  checkArguments,
  NotFoundError,
  strictInput,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import { aSkillWithFiles, Text } from "../internal/arguments.js";
import { errorText } from "../internal/errorText.js";
import { entryKind, readUtf8File } from "../internal/utf8File.js";
import { type InstructionSkill, parseSkillMd } from "./SkillMd.js";
import { invalidIssues, issueLines } from "./skillIssues.js";

/**
 * The most bytes a SKILL.md may hold (1 MiB): every skill's instructions are
 * read when a factory opens, so one oversized file would slow every open and
 * every reload; larger texts belong in `references/`, read on demand.
 */
export const MAX_SKILL_MD_BYTES = 1024 * 1024;

/**
 * The most files a skill folder may hold besides its SKILL.md (1,000): a load
 * lists them all, and an export copies them all, so a folder holding a
 * `node_modules` or a data set would slow every factory open. The largest of
 * anthropics/skills holds 83.
 */
export const MAX_SKILL_FILES = 1000;

/**
 * The most bytes a skill folder's files may hold together besides its
 * SKILL.md (64 MiB): they are read on demand, one at a time, but an export
 * reads and copies them all. The largest of anthropics/skills holds 5.6 MB.
 */
export const MAX_SKILL_FILES_BYTES = 64 * 1024 * 1024;

/** Folders that are never files of a skill, at any depth: installed packages and version control. */
const NOT_SKILL_FILES = new Set(["node_modules", ".git"]);

/** Options of the skill folder loaders ({@link loadSkillFolder}, {@link loadSkillsDir}, {@link safeLoadSkillsDir}). */
export interface LoadSkillOptions {
  /**
   * Called for each folder of a skill that is skipped rather than listed as
   * its files (a `node_modules` or `.git` folder, at any depth), naming it.
   * Defaults to a process warning (`process.emitWarning`, code
   * `FACTORY_SKIPPED_SKILL_FILES`).
   */
  readonly onWarning?: (warning: ValidationIssue) => void;
}

const LoadSkillOptionsSchema = strictInput({ onWarning: aFunction.optional() }).optional();

/** Emits a skipped folder of a skill as a process warning: what a loader does when its caller gave no `onWarning`. */
function warnSkippedFiles(warning: ValidationIssue): void {
  process.emitWarning(`${warning.file ?? ""}: ${warning.message}`, { code: "FACTORY_SKIPPED_SKILL_FILES" });
}

/**
 * The folders of a skill the Agent Skills format names; a skill's files are
 * every file of its folder, in these or not.
 */
export const RESOURCE_FOLDERS = ["scripts", "references", "assets"];

/**
 * Loads the skill in a folder holding a SKILL.md.
 *
 * Its `files` are every file of the folder but SKILL.md, as the Agent Skills
 * format allows any files and folders beside `scripts/`, `references/` and
 * `assets/` (`forms.md`, `templates/viewer.html`, `LICENSE.txt`): hidden
 * entries directly in the folder (`.DS_Store`) are left out, and a
 * `node_modules` or `.git` folder at any depth is skipped with a warning
 * (option `onWarning`). Only SKILL.md is read; the files are listed, to be
 * read on demand ({@link readSkillFile}).
 *
 * @throws ValidationError when the SKILL.md is invalid (file:line:column), not
 * UTF-8 or larger than {@link MAX_SKILL_MD_BYTES} (then it is not read), when the folder holds a symbolic link (links are not
 * followed: they could leave the skill's folder or loop) or a named pipe, device or socket (never
 * opened: a pipe would block the process, a device such as `/dev/zero` never end), SKILL.md included, when
 * `scripts`, `references` or `assets` is a file rather than a folder, or when
 * the folder holds more than {@link MAX_SKILL_FILES} files or
 * {@link MAX_SKILL_FILES_BYTES} bytes of them (the listing stops there).
 */
export function loadSkillFolder(dir: string, options: LoadSkillOptions = {}): InstructionSkill {
  checkArguments("loadSkillFolder", { dir: [Text, dir], options: [LoadSkillOptionsSchema, options] });
  const warn = options.onWarning ?? warnSkippedFiles;
  const file = join(dir, "SKILL.md");
  // Not followed, and not opened unless a regular file: a named pipe would block the process, a device never end.
  const stats = lstatSync(file);
  if (!stats.isFile()) {
    const what = stats.isSymbolicLink() ? "is a symbolic link" : `is ${entryKind(stats)}`;
    throw invalidIssues([
      { path: "SKILL.md", message: `${what}; a skill's files must be regular files inside its folder`, file },
    ]);
  }
  const { size } = stats;
  if (size > MAX_SKILL_MD_BYTES) {
    throw invalidIssues([
      {
        path: "",
        message: `is ${size.toLocaleString("en")} bytes, over the ${MAX_SKILL_MD_BYTES.toLocaleString("en")} a SKILL.md may hold (the format keeps it under 500 lines); move the details to references/, which agents read on demand`,
        file,
      },
    ]);
  }
  const skill = parseSkillMd(readUtf8File(file, "SKILL.md"), file, basename(dir));
  const files: string[] = [];
  const issues: ValidationIssue[] = [];
  const relativePath = (path: string) => relative(dir, path).split("\\").join("/");
  const notRegular = (path: string, what: string) =>
    issues.push({
      path,
      message: `is ${what}; a skill's files must be regular files inside its folder`,
      file: join(dir, path),
    });
  for (const folder of RESOURCE_FOLDERS) {
    const stats = lstatSync(join(dir, folder), { throwIfNoEntry: false });
    if (stats !== undefined && !stats.isSymbolicLink() && !stats.isDirectory()) {
      issues.push({
        path: folder,
        message: `is a file; ${RESOURCE_FOLDERS.map((name) => `${name}/`).join(", ")} are folders of the skill's files`,
        file: join(dir, folder),
      });
    }
  }
  let bytes = 0;
  let over: string | undefined;
  walk(
    dir,
    {
      file: (path, size) => {
        const relativeFile = relativePath(path);
        if (relativeFile === "SKILL.md" || RESOURCE_FOLDERS.includes(relativeFile)) return true;
        files.push(relativeFile);
        bytes += size;
        if (files.length > MAX_SKILL_FILES) {
          over = `holds more than ${MAX_SKILL_FILES.toLocaleString("en")} files besides SKILL.md (MAX_SKILL_FILES), the most a skill's folder may hold; keep the files its instructions name, and nothing installed or generated`;
        } else if (bytes > MAX_SKILL_FILES_BYTES) {
          over = `holds more than ${MAX_SKILL_FILES_BYTES.toLocaleString("en")} bytes of files besides SKILL.md (MAX_SKILL_FILES_BYTES), the most a skill's folder may hold; keep large data out of the skill`;
        }
        return over === undefined;
      },
      notRegular: (path, what) => notRegular(relativePath(path), what),
      skip: (path) =>
        warn({
          path: relativePath(path),
          file: path,
          message: "is skipped: installed packages and version control are not files of a skill",
        }),
    },
    true,
  );
  if (over !== undefined) issues.push({ path: "", message: over, file: dir });
  if (issues.length > 0) throw invalidIssues(issues);
  return { ...skill, dir, files: files.sort() };
}

/** A skill folder under a skills folder that failed to load, and why. */
export interface SkillProblem {
  /** Name of the skill's folder (the name the skill would have). */
  readonly name: string;
  /** The skill's folder. */
  readonly dir: string;
  /** Each problem, with the file, line and column it is at. */
  readonly issues: readonly ValidationIssue[];
  /** The problems as `file:line:column: field: message` lines, to show as they are. */
  readonly message: string;
}

/** What {@link safeLoadSkillsDir} found: the skills that load, and the folders that do not. */
export interface SkillsDirResult {
  /** The skills that loaded. */
  readonly skills: InstructionSkill[];
  /** One per folder that did not load, with what is wrong and where. */
  readonly problems: SkillProblem[];
}

/**
 * Loads every skill folder directly under `dir` (folders without a SKILL.md are
 * skipped), keeping going past bad ones: each folder that fails to load is a
 * {@link SkillProblem} with file:line:column, and the others load. The result
 * form of {@link loadSkillsDir}; `openFactory` loads a factory's skills with it,
 * so that one bad SKILL.md does not keep the factory from opening.
 *
 * A `dir` that is a file or cannot be read, and a symbolic link directly
 * under it (not followed: it could leave the folder or loop), are problems
 * too, named by their path.
 *
 * @example
 * ```ts
 * const { skills, problems } = safeLoadSkillsDir(".factory/skills");
 * for (const problem of problems) console.warn(problem.message);
 * ```
 */
export function safeLoadSkillsDir(dir: string, options: LoadSkillOptions = {}): SkillsDirResult {
  checkArguments("safeLoadSkillsDir", { dir: [Text, dir], options: [LoadSkillOptionsSchema, options] });
  const skills: InstructionSkill[] = [];
  const { folders, problems } = skillFolders(dir);
  for (const folder of folders) {
    try {
      skills.push(loadSkillFolder(folder, options));
    } catch (error) {
      // A SKILL.md that cannot be read (a folder by that name, no permission) is a problem of that skill too.
      const issues =
        error instanceof ValidationError
          ? error.issues
          : [{ path: "", message: errorText(error), file: join(folder, "SKILL.md") }];
      problems.push({ name: basename(folder), dir: folder, issues, message: issueLines(issues).join("\n") });
    }
  }
  return { skills, problems };
}

/**
 * Loads every skill folder directly under `dir` (folders without a SKILL.md are
 * skipped), all or nothing: all problems of all skills are reported together.
 * {@link safeLoadSkillsDir} loads the good ones and returns the problems.
 *
 * @throws ValidationError listing each bad SKILL.md with file:line:column, a
 * `dir` that is a file or cannot be read, and each symbolic link under it.
 */
export function loadSkillsDir(dir: string, options: LoadSkillOptions = {}): InstructionSkill[] {
  checkArguments("loadSkillsDir", { dir: [Text, dir], options: [LoadSkillOptionsSchema, options] });
  const skills: InstructionSkill[] = [];
  const { folders, problems } = skillFolders(dir);
  const issues: ValidationIssue[] = problems.flatMap((problem) => problem.issues);
  for (const folder of folders) {
    try {
      skills.push(loadSkillFolder(folder, options));
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...error.issues);
      else throw error;
    }
  }
  if (issues.length > 0) throw invalidIssues(issues);
  return skills;
}

/**
 * The folders directly under `dir` that hold a SKILL.md, by name; none when
 * `dir` does not exist. A `dir` that is not a readable folder, and symbolic
 * links under it, are problems instead.
 */
function skillFolders(dir: string): { folders: string[]; problems: SkillProblem[] } {
  const problem = (path: string, message: string): SkillProblem => {
    const issues = [{ path: "", message, file: path }];
    return { name: basename(path), dir: path, issues, message: issueLines(issues).join("\n") };
  };
  let stats: Stats | undefined;
  try {
    stats = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    // A name too long, a parent folder this process may not search...
    return {
      folders: [],
      problems: [problem(dir, `cannot be read as a folder of skills: ${errorText(error)}`)],
    };
  }
  if (stats === undefined) return { folders: [], problems: [] };
  if (!stats.isDirectory()) {
    return {
      folders: [],
      problems: [
        problem(dir, "is a file, not a folder of skills; move it away or give another skills folder"),
      ],
    };
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    return {
      folders: [],
      problems: [problem(dir, `cannot be read as a folder of skills: ${errorText(error)}`)],
    };
  }
  const folders: string[] = [];
  const problems: SkillProblem[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      problems.push(
        problem(path, "is a symbolic link; skill folders must be real folders (links are not followed)"),
      );
    } else if (entry.isDirectory() && existsSync(join(path, "SKILL.md"))) {
      folders.push(path);
    }
  }
  return { folders, problems };
}

/** Reads a text file of a skill (`references/api.md`) as UTF-8, refusing paths outside its folder. */
export function readSkillFile(skill: InstructionSkill, path: string): string {
  checkArguments("readSkillFile", { skill: [aSkillWithFiles, skill], path: [Text, path] });
  return readFileSync(skillFilePath(skill, path), "utf8");
}

/** Reads a file of a skill as bytes (an image or archive in `assets/`), refusing paths outside its folder. */
export function readSkillBytes(skill: InstructionSkill, path: string): Buffer {
  checkArguments("readSkillBytes", { skill: [aSkillWithFiles, skill], path: [Text, path] });
  return readFileSync(skillFilePath(skill, path));
}

/** Where a listed file of a skill is; a NotFoundError naming the files it has when it has not this one. */
function skillFilePath(skill: InstructionSkill, path: string): string {
  if (!skill.files.includes(path) || skill.dir === undefined) {
    throw new NotFoundError({
      message: `skill "${skill.name}" has no file "${path}"; it has: ${skill.files.join(", ") || "none"}`,
      entity: "skill file",
      id: path,
      field: "path",
    });
  }
  return join(skill.dir, path);
}

/** What {@link walk} does with each entry. */
interface Visitor {
  /** A file and its size; false stops the walk. */
  readonly file: (path: string, size: number) => boolean;
  /** A symbolic link, not followed, or a named pipe, device or socket, not read; and what it is. */
  readonly notRegular: (path: string, what: string) => void;
  /** A `node_modules` or `.git` folder, not entered. */
  readonly skip: (path: string) => void;
}

/**
 * Visits the files under `dir`, reports symbolic links instead of following
 * them and `node_modules` and `.git` folders instead of entering them, and
 * stops when `visitor.file` says so (returning false then). With
 * `skipHidden`, the other hidden entries directly under `dir` (`.DS_Store`,
 * a `.git` file) are left out.
 */
function walk(dir: string, visitor: Visitor, skipHidden = false): boolean {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stats = lstatSync(path);
    const notFiles = stats.isDirectory() && NOT_SKILL_FILES.has(entry);
    if (skipHidden && entry.startsWith(".") && !notFiles) continue;
    if (stats.isSymbolicLink()) visitor.notRegular(path, "a symbolic link");
    else if (notFiles) visitor.skip(path);
    else if (stats.isDirectory()) {
      if (!walk(path, visitor)) return false;
    } else if (!stats.isFile()) visitor.notRegular(path, entryKind(stats));
    else if (!visitor.file(path, stats.size)) return false;
  }
  return true;
}
