/**
 * Following a factory's skills folder while a server runs: `fs.watch` on the
 * folder, its parent and each skill folder, a debounced reload of the
 * factory's instruction skills, and a call to each listener when what the
 * skills offer (names, descriptions, instructions, files) changed.
 *
 * @module
 */
import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Factory, SkillProblem } from "@software-factory/intelligence";
import { type FactoryMcpServerOptions, offersSkills } from "../createFactoryMcpServer.js";
import { skillsWithInstructions } from "../skills.js";

/** The folders of a skill watched besides its own: those whose files are the skill's resources. */
const RESOURCE_FOLDERS = ["scripts", "references", "assets"];

/** Options of {@link followSkillsFolder}. */
export interface SkillsFollowerOptions {
  /** Milliseconds of quiet after the last change before reloading (default 100), so a save or a copy reloads once. */
  readonly debounceMs?: number;
  /** Told of each skill folder that fails to load on a reload (a new problem, or one whose message changed). */
  readonly onProblem: (problem: SkillProblem) => void;
  /** Told of what failed in a reload: reading the folder (the skills are then left as they were), or a subscriber. */
  readonly onError: (error: Error) => void;
}

/** A skills folder being followed. */
export interface SkillsFollower {
  /** Calls `listener` after each reload that changed the skills, until {@link SkillsFollower.close}. */
  subscribe(listener: () => void): void;
  /** Stops watching; later changes are not seen. */
  close(): void;
}

/** What the instruction skills offer, as one comparable text per skill. */
function offered(factory: Factory): Map<string, string> {
  const skills = skillsWithInstructions(factory);
  return new Map(
    [...skills].map(([name, skill]) => [
      name,
      JSON.stringify([skill.description, skill.instructions, skill.files]),
    ]),
  );
}

function sameOffer(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): boolean {
  return before.size === after.size && [...before].every(([name, text]) => after.get(name) === text);
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** The folders to watch: the skills folder's parent (to see it appear), the folder, and each skill folder with its resource folders. */
function foldersToWatch(dir: string): string[] {
  const folders = [dirname(dir)];
  if (!isFolder(dir)) return folders.filter(isFolder);
  folders.push(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const skill = join(dir, entry.name);
    folders.push(skill, ...RESOURCE_FOLDERS.map((folder) => join(skill, folder)).filter(isFolder));
  }
  return folders.filter(isFolder);
}

/**
 * Follows the skills folder `dir` of a factory: any change under it (a skill
 * folder added or removed, a SKILL.md edited, a file of a skill added)
 * reloads the factory's instruction skills from it after `debounceMs` of
 * quiet, reports the skill folders that fail to load, and calls the
 * subscribers when the skills changed. A folder that does not exist yet is
 * seen when it appears. The watchers do not keep the process alive.
 */
export function followSkillsFolder(
  factory: Factory,
  dir: string,
  options: SkillsFollowerOptions,
): SkillsFollower {
  const listeners = new Set<() => void>();
  const watchers = new Map<string, FSWatcher>();
  let reported = new Map(factory.skills.problems().map((problem) => [problem.name, problem.message]));
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs ?? 100);
    timer.unref();
  };

  const arm = () => {
    let wanted: string[];
    try {
      wanted = foldersToWatch(dir);
    } catch (error) {
      options.onError(error as Error);
      return;
    }
    for (const [folder, watcher] of watchers) {
      if (wanted.includes(folder)) continue;
      watcher.close();
      watchers.delete(folder);
    }
    for (const folder of wanted) {
      if (watchers.has(folder)) continue;
      // In the parent, only the skills folder itself matters (the factory's database changes there all the time).
      const relevant = (name: string | null) =>
        folder !== dirname(dir) || name === null || name === basename(dir);
      try {
        const watcher = watch(folder, (_event, name) => {
          if (relevant(name === null ? null : String(name))) schedule();
        });
        // A folder removed under its watcher: watch again after the reload.
        watcher.on("error", () => {
          watcher.close();
          watchers.delete(folder);
          schedule();
        });
        watcher.unref();
        watchers.set(folder, watcher);
      } catch {
        // Gone between listing and watching: the event that removed it schedules a reload.
      }
    }
  };

  // Runs from a timer: whatever fails is reported, never thrown, so the server keeps serving.
  function reload(): void {
    if (closed) return;
    try {
      // Watch first, so that a change made while the folder is read is seen by a watcher and reloads again.
      arm();
      const before = offered(factory);
      const { problems } = factory.skills.reloadInstructions(dir);
      for (const problem of problems) {
        if (reported.get(problem.name) !== problem.message) options.onProblem(problem);
      }
      reported = new Map(problems.map((problem) => [problem.name, problem.message]));
      if (sameOffer(before, offered(factory))) return;
    } catch (error) {
      options.onError(error as Error);
      return;
    }
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        options.onError(error as Error);
      }
    }
  }

  arm();
  return {
    subscribe: (listener) => {
      listeners.add(listener);
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      listeners.clear();
    },
  };
}

/**
 * The skills folder a server with `options` follows while it serves (see
 * `FactoryMcpServerOptions.skillsDir`), its problems and failures written to
 * stderr; undefined when it follows none.
 */
export function followServedSkills(
  factory: Factory,
  options: FactoryMcpServerOptions,
): SkillsFollower | undefined {
  if (options.skillsDir === false || !offersSkills(options)) return undefined;
  const dir = resolve(options.skillsDir ?? factory.skills.instructionsDir ?? join(factory.dir, "skills"));
  const log = (text: string) => process.stderr.write(`@software-factory/mcp: ${text}\n`);
  return followSkillsFolder(factory, dir, {
    onProblem: (problem) => log(`skill "${problem.name}" not loaded:\n${problem.message}`),
    onError: (error) => log(`reloading the skills of ${dir} failed: ${error.message}`),
  });
}
