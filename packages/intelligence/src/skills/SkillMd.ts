/**
 * Agent Skills folders (`<name>/SKILL.md` with YAML front matter), read and
 * written with precise errors.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  cpSync,
  type Dirent,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join, relative } from "node:path";
import {
  NotFoundError,
  ValidationError,
  type ValidationIssue,
  validationErrorFromZod,
} from "@software-factory/core";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from "yaml";
import { z } from "zod";
import { invalidInput } from "../internal/invalid.js";
import { readUtf8File } from "../internal/utf8File.js";

/** Front matter of a SKILL.md, as the Agent Skills format defines it. */
export const SkillFrontMatterSchema = z.strictObject({
  /** The skill's name: lowercase letters, digits and single hyphens, 1 to 64 characters; equals its folder's name. */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(
      /^[a-z0-9]+(-[a-z0-9]+)*$/,
      "name is lowercase letters, digits and single hyphens (1-64 characters)",
    ),
  /** What the skill does and when to use it, at most 1024 characters: agents pick skills by it. */
  description: z
    .string()
    .trim()
    .min(1, "description must say what the skill does and when to use it")
    .max(1024),
  /** The license the skill is shared under (a name, or the file bundled with it). */
  license: z.string().min(1).optional(),
  /** What the skill needs from its environment (a product, system packages, network), at most 500 characters. */
  compatibility: z.string().min(1).max(500).optional(),
  /** Other properties, string to string; fields the format does not define go here. */
  metadata: z.record(z.string(), z.string()).optional(),
  /** Tools the skill may use without asking, space-delimited (`Bash(git:*) Read`). */
  "allowed-tools": z
    .string({ error: 'allowed-tools is one space-delimited text of tools, as in "Bash(git:*) Read"' })
    .min(1, 'allowed-tools names at least one tool, as in "Bash(git:*) Read"')
    .optional(),
});
/** Front matter of a SKILL.md. */
export type SkillFrontMatter = z.infer<typeof SkillFrontMatterSchema>;

/** An instruction skill: a SKILL.md and the files next to it, loaded on demand. */
export interface InstructionSkill extends SkillFrontMatter {
  /** Markdown instructions: the body of SKILL.md, without leading blank lines and trailing whitespace. */
  readonly instructions: string;
  /** Folder of the skill, when it was loaded from one. */
  readonly dir?: string;
  /** Paths (relative to the folder) of its `scripts/`, `references/` and `assets/` files. */
  readonly files: readonly string[];
}

const RESOURCE_FOLDERS = ["scripts", "references", "assets"];

/**
 * Parses a SKILL.md. `folder` is the name of the folder it lives in, which the
 * `name` must equal. Every problem is reported at once, with file:line:column.
 *
 * @throws ValidationError naming each problem and where it is.
 */
export function parseSkillMd(
  text: string,
  file: string,
  folder?: string,
): Omit<InstructionSkill, "files" | "dir"> {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text.replace(/^\uFEFF/, ""));
  if (match === null) {
    throw invalid(file, [
      {
        path: "",
        message: "SKILL.md must start with YAML front matter between --- lines",
        line: 1,
        column: 1,
      },
    ]);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(match[1] as string, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const position = lineCounter.linePos(offset);
    return { line: position.line + 1, column: position.col };
  };
  const yamlErrors = document.errors.map((error) => ({
    path: "",
    message: error.message.split("\n")[0] as string,
    ...at(error.pos[0]),
  }));
  if (yamlErrors.length > 0) throw invalid(file, yamlErrors);
  const front = frontMatterValue(document, file);
  const parsed = SkillFrontMatterSchema.safeParse(front);
  const positionOf = (path: readonly PropertyKey[], onKey = false) =>
    at(offsetOf(document.contents, path, onKey) ?? 0);
  const issues: (ValidationIssue & { line: number; column: number })[] = [];
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          path: [...issue.path, key].join("."),
          message: `the Agent Skills format has no field "${key}"; put it under metadata`,
          ...positionOf([...issue.path, key], true),
        });
      }
      continue;
    }
    issues.push({ path: issue.path.join("."), message: issue.message, ...positionOf(issue.path) });
  }
  // Checked even when other fields are wrong, so that every problem is reported at once.
  const name = (front as { name?: unknown } | null)?.name;
  if (folder !== undefined && typeof name === "string" && name !== folder && !issues.some(isNameIssue)) {
    issues.push({
      path: "name",
      message: `name "${name}" must equal the folder name "${folder}"`,
      ...positionOf(["name"]),
    });
  }
  if (issues.length > 0 || !parsed.success) throw invalid(file, issues);
  return { ...parsed.data, instructions: bodyText(text.slice(match[0].length)) };
}

/**
 * The front matter as plain values. The YAML library throws here, not while
 * parsing, when aliases expand past its limit (an alias bomb); that is a
 * problem of the file like bad YAML.
 */
function frontMatterValue(document: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return document.toJS() ?? {};
  } catch (error) {
    throw invalid(file, [{ path: "", message: errorText(error), line: 2, column: 1 }]);
  }
}

/** The instructions of a SKILL.md body: without its leading blank lines and trailing whitespace, so that export and load agree. */
function bodyText(body: string): string {
  return body.replace(/^\s*\n/, "").trimEnd();
}

function isNameIssue(issue: ValidationIssue): boolean {
  return issue.path === "name";
}

/**
 * Offset in the front matter of the node at `path` (a field, `metadata.version`):
 * of its value, or of its key when `onKey` or when it has no value; when the
 * path does not exist, of the deepest part of it that does.
 */
function offsetOf(node: unknown, path: readonly PropertyKey[], onKey: boolean): number | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  let key: unknown;
  let value: unknown;
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(head),
    );
    key = pair?.key;
    value = pair?.value;
  } else if (isSeq(node)) {
    value = node.items[Number(head)];
  }
  const start = (part: unknown) => (part as { range?: [number] } | null | undefined)?.range?.[0];
  const here = rest.length === 0 && onKey ? (start(key) ?? start(value)) : (start(value) ?? start(key));
  return (rest.length === 0 ? undefined : offsetOf(value, rest, onKey)) ?? here;
}

/**
 * Loads the skill in a folder holding a SKILL.md.
 *
 * @throws ValidationError when the SKILL.md is invalid (file:line:column) or not
 * UTF-8, or when a resource folder holds a symbolic link (links are not
 * followed: they could leave the skill's folder or loop).
 */
export function loadSkillFolder(dir: string): InstructionSkill {
  const file = join(dir, "SKILL.md");
  const skill = parseSkillMd(readUtf8File(file, "SKILL.md"), file, basename(dir));
  const files: string[] = [];
  const links: string[] = [];
  for (const folder of RESOURCE_FOLDERS) {
    const root = join(dir, folder);
    const relativePath = (path: string) => relative(dir, path).split("\\").join("/");
    const stats = lstatSync(root, { throwIfNoEntry: false });
    if (stats === undefined) continue;
    if (stats.isSymbolicLink()) {
      links.push(relativePath(root));
      continue;
    }
    walk(
      root,
      (path) => files.push(relativePath(path)),
      (path) => links.push(relativePath(path)),
    );
  }
  if (links.length > 0) {
    throw invalidIssues(
      links.map((link) => ({
        path: link,
        message: "is a symbolic link; a skill's files must be regular files inside its folder",
        file: join(dir, link),
      })),
    );
  }
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
export function safeLoadSkillsDir(dir: string): SkillsDirResult {
  const skills: InstructionSkill[] = [];
  const { folders, problems } = skillFolders(dir);
  for (const folder of folders) {
    try {
      skills.push(loadSkillFolder(folder));
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
export function loadSkillsDir(dir: string): InstructionSkill[] {
  const skills: InstructionSkill[] = [];
  const { folders, problems } = skillFolders(dir);
  const issues: ValidationIssue[] = problems.flatMap((problem) => problem.issues);
  for (const folder of folders) {
    try {
      skills.push(loadSkillFolder(folder));
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
  const stats = statSync(dir, { throwIfNoEntry: false });
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads a text file of a skill (`references/api.md`) as UTF-8, refusing paths outside its folder. */
export function readSkillFile(skill: InstructionSkill, path: string): string {
  return readFileSync(skillFilePath(skill, path), "utf8");
}

/** Reads a file of a skill as bytes (an image or archive in `assets/`), refusing paths outside its folder. */
export function readSkillBytes(skill: InstructionSkill, path: string): Buffer {
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

/** The SKILL.md text of a skill: front matter and instructions. */
export function formatSkillMd(skill: Omit<InstructionSkill, "files" | "dir">): string {
  const { instructions, ...front } = skill;
  const ordered = Object.fromEntries(
    ["name", "description", "license", "compatibility", "metadata", "allowed-tools"]
      .filter((key) => (front as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, (front as Record<string, unknown>)[key]]),
  );
  return `---\n${stringify(ordered).trimEnd()}\n---\n\n${bodyText(instructions)}\n`;
}

/**
 * Writes a skill as `<dir>/<name>/SKILL.md`, with its `scripts/`, `references/`
 * and `assets/` files when it was loaded from a folder; returns the folder.
 * Loading the folder back gives the same skill.
 *
 * @throws ValidationError when the skill's front matter is not valid Agent Skills front matter (nothing is written).
 * @throws ValidationError (path `files[i]`) when one of its files is not under `scripts/`, `references/` or `assets/` (nothing is written).
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
  const front = SkillFrontMatterSchema.safeParse(pick(skill));
  if (!front.success) {
    throw validationErrorFromZod(front.error.issues, { subject: `front matter of skill ${skill.name}` });
  }
  const outside = (skill.files ?? []).findIndex(
    (file) => !RESOURCE_FOLDERS.includes(file.split("/")[0] as string) || file.split(/[\\/]/).includes(".."),
  );
  if (outside !== -1) {
    const message = `skill "${skill.name}" lists "${skill.files?.[outside]}", which is not under ${RESOURCE_FOLDERS.map((folder) => `${folder}/`).join(", ")}`;
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
  mkdirSync(dir, { recursive: true });
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

/** Visits the files under `dir`, and reports symbolic links instead of following them. */
function walk(dir: string, visit: (path: string) => void, link: (path: string) => void): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) link(path);
    else if (stats.isDirectory()) walk(path, visit, link);
    else visit(path);
  }
}

function invalid(
  file: string,
  issues: readonly (ValidationIssue & { line?: number; column?: number })[],
): ValidationError {
  return invalidIssues(issues.map((issue) => ({ ...issue, file })));
}

function invalidIssues(issues: readonly ValidationIssue[]): ValidationError {
  return new ValidationError({ message: `invalid skill:\n${issueLines(issues).join("\n")}`, issues });
}

/** Each issue as `file:line:column: field: message`. */
function issueLines(issues: readonly ValidationIssue[]): string[] {
  return issues.map(
    (issue) =>
      `${issue.file ?? "SKILL.md"}:${issue.line ?? 1}:${issue.column ?? 1}: ${issue.path === "" ? "" : `${issue.path}: `}${issue.message}`,
  );
}
