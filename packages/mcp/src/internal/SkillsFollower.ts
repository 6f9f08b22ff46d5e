/**
 * Following a factory's skills folder while a server runs: `fs.watch` on the
 * folder, its parent and every folder of each skill (at any depth, as the
 * loader lists every file of a skill folder), a debounced reload of the
 * factory's instruction skills, and a call to each listener when what the
 * skills offer (names, descriptions, instructions, files) changed.
 *
 * One non-recursive watch per folder, at most {@link MAX_FOLLOWED_FOLDERS} of
 * them: Node 20's `fs.watch(..., { recursive: true })` on Linux is a
 * JavaScript walk that watches every file as well as every folder (one
 * inotify watch each, from a per-user budget that was 8,192 by default
 * before Linux 5.11) and
 * whose `unref()` leaves those watches keeping the process alive.
 *
 * @module
 */
import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Factory, SkillProblem } from "@software-factory/intelligence";
import { type FactoryMcpServerOptions, offersSkills } from "../createFactoryMcpServer.js";
import { skillsWithInstructions } from "../skills.js";

/**
 * The most folders one follower watches (the skills folder, its parent and
 * the skill folders first, then their folders level by level, each skill's
 * in turn): each is an inotify watch on Linux, from a per-user budget other
 * programs share. A change in a folder past it is seen at the next reload,
 * which a change in a watched folder starts.
 */
export const MAX_FOLLOWED_FOLDERS = 1000;

/** Options of {@link followSkillsFolder}. */
export interface SkillsFollowerOptions {
  /** Milliseconds of quiet after the last change before reloading (default 100), so a save or a copy reloads once. */
  readonly debounceMs?: number;
  /** Told of each skill folder that fails to load on a reload (a new problem, or one whose message changed). */
  readonly onProblem: (problem: SkillProblem) => void;
  /** Told of what failed in a reload: reading the folder (the skills are then left as they were), or a subscriber. */
  readonly onError: (error: Error) => void;
  /**
   * Told, once until it is followed again, of a folder left unwatched: past
   * `maxFolders`, or refused by the system (no inotify watch left, no
   * permission). Its changes are seen at the next reload.
   */
  readonly onUnfollowed: (message: string) => void;
  /** The most folders watched (default {@link MAX_FOLLOWED_FOLDERS}). */
  readonly maxFolders?: number;
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

/** Whether `folder` holds a SKILL.md, as the loader decides which folders are skills. */
function holdsSkillMd(folder: string): boolean {
  try {
    return statSync(join(folder, "SKILL.md"), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** The folders directly under `folder`, by name; with `skipHidden`, not those whose name starts with a dot. */
function subfolders(folder: string, skipHidden: boolean): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !(skipHidden && entry.name.startsWith(".")))
    .map((entry) => join(folder, entry.name))
    .sort();
}

/**
 * The folders of the skill folder `skill`, level by level, as the loader
 * walks them: hidden entries directly in it left out, symbolic links not
 * followed, a folder that cannot be read (removed since) left unwalked.
 */
function* skillSubfolders(skill: string): Generator<string> {
  const under = (folder: string, skipHidden: boolean) => {
    try {
      return subfolders(folder, skipHidden);
    } catch {
      // Removed or made unreadable since it was listed: the reload reports what the loader makes of it.
      return [];
    }
  };
  let level = under(skill, true);
  while (level.length > 0) {
    const next: string[] = [];
    for (const folder of level) {
      yield folder;
      next.push(...under(folder, false));
    }
    level = next;
  }
}

/**
 * The folders to watch, at most `max`, and how many more there are: the
 * skills folder's parent (to see it appear), the folder and each folder
 * under it, then the folders of those holding a SKILL.md, one of each skill
 * in turn, each skill's level by level, so that a skill with thousands of
 * folders leaves the others theirs.
 */
function foldersToWatch(dir: string, max: number): { folders: string[]; beyond: number } {
  if (!isFolder(dir)) return { folders: [dirname(dir)].filter(isFolder), beyond: 0 };
  const top = subfolders(dir, false);
  const folders = [dirname(dir), dir, ...top].slice(0, max);
  let beyond = top.length + 2 - folders.length;
  // A folder without a SKILL.md is watched to see one appear, not walked.
  let walks = top.filter(holdsSkillMd).map(skillSubfolders);
  while (walks.length > 0) {
    walks = walks.filter((walk) => {
      const next = walk.next();
      if (next.done === true) return false;
      if (folders.length < max) folders.push(next.value);
      else beyond++;
      return true;
    });
  }
  return { folders, beyond };
}

/** Why `fs.watch` could not watch a folder, or undefined when the folder is gone (its removal reloads anyway). */
function watchRefusal(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return undefined;
  if (code === "ENOSPC") {
    return "the system's inotify watches are used up (raise fs.inotify.max_user_watches, or follow fewer folders)";
  }
  return (error as Error).message;
}

/**
 * Follows the skills folder `dir` of a factory: any change under it (a skill
 * folder added or removed, a SKILL.md edited, a file of a skill added,
 * edited or deleted in any of its folders, however deep) reloads the factory's instruction skills from it after `debounceMs` of
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
  // The folders fs.watch refused, told once; whether some were past maxFolders at the last arming.
  const refused = new Set<string>();
  let overLimit = false;
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
    let wanted: { folders: string[]; beyond: number };
    try {
      wanted = foldersToWatch(dir, options.maxFolders ?? MAX_FOLLOWED_FOLDERS);
    } catch (error) {
      options.onError(error as Error);
      return;
    }
    const followed = new Set(wanted.folders);
    for (const [folder, watcher] of watchers) {
      if (followed.has(folder)) continue;
      watcher.close();
      watchers.delete(folder);
    }
    for (const folder of refused) if (!followed.has(folder)) refused.delete(folder);
    if (wanted.beyond > 0 && !overLimit) {
      const count = (n: number) => n.toLocaleString("en");
      options.onUnfollowed(
        `following ${dir} takes ${count(wanted.folders.length + wanted.beyond)} folder watches, over the ${count(wanted.folders.length)} a server makes: the ${count(wanted.beyond)} deepest folders of the largest skills are not watched, so a change in them is seen at the next change in a watched one`,
      );
    }
    overLimit = wanted.beyond > 0;
    const newlyRefused: { folder: string; why: string }[] = [];
    for (const folder of wanted.folders) {
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
        refused.delete(folder);
      } catch (error) {
        // Gone between listing and watching: the event that removed it schedules a reload.
        const why = watchRefusal(error);
        if (why === undefined || refused.has(folder)) continue;
        refused.add(folder);
        newlyRefused.push({ folder, why });
      }
    }
    // One line however many were refused: an exhausted inotify budget refuses every folder after the first.
    const [first] = newlyRefused;
    if (first !== undefined) {
      const others = newlyRefused.length - 1;
      options.onUnfollowed(
        `${first.folder}${others > 0 ? ` and ${others.toLocaleString("en")} other folder${others === 1 ? "" : "s"}` : ""} of ${dir} ${others > 0 ? "are" : "is"} not watched: ${first.why}; a change in them is seen at the next change in a watched folder`,
      );
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
    onUnfollowed: log,
  });
}
