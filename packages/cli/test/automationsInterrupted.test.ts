/**
 * `factory automations run` stopped by SIGTERM (or SIGINT, SIGHUP) stops
 * cleanly: the runner closes (the handling in flight recorded or left for the
 * next run), the factory closes, one `E_INTERRUPTED` line, exit 143 (130,
 * 129); the next run handles the rest, and every event is handled exactly
 * once. The built bin as a subprocess; the test holds the log's write lock
 * from before it starts until after the signal, so the run cannot have
 * finished (its cursors are written under that lock) when the signal comes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type RunResult, runFactoryProcess } from "./runFactory.js";

/** Artifacts recorded, each an event `notify-suspect-owners` handles: more than one cursor record's 500. */
const ARTIFACTS = 1_200;
const SLOW = { timeout: 240_000 };
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A folder with a factory holding {@link ARTIFACTS} artifact records. */
async function factoryWithArtifacts(): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), "factory-automations-interrupted-"));
  dirs.push(cwd);
  expect((await runFactoryProcess(["init"], { cwd })).code).toBe(0);
  const factory = await openFactory({ dir: join(cwd, ".factory") });
  try {
    for (let index = 0; index < ARTIFACTS; index++)
      await factory.work.recordArtifact({ id: `REQ-${index}`, kind: "requirement", title: `Need ${index}` });
  } finally {
    await factory.close();
  }
  return cwd;
}

/** Starts `factory automations run` in `cwd`. */
function startRun(cwd: string): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, "automations", "run"], {
    cwd,
    env: { ...process.env, NO_COLOR: "", FACTORY_DIR: "", FACTORY_DATABASE_URL: "", FACTORY_ACTOR: "tester" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<RunResult>((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
  return { child, done };
}

/** Waits until process `pid` has `file` open: its command is under way, listening to signals. */
async function untilOpened(pid: number, file: string): Promise<void> {
  for (let waited = 0; waited < 120_000; waited += 10) {
    const fds = readdirSync(`/proc/${pid}/fd`);
    if (fds.some((fd) => safeLink(`/proc/${pid}/fd/${fd}`) === file)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`waited two minutes in vain for ${pid} to open ${file}`);
}

/** Where a /proc fd link points, or undefined when it closed meanwhile. */
function safeLink(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

/** How many times `notify-suspect-owners` handled each artifact event, from its marks and cursor records. */
async function handlings(cwd: string): Promise<{ events: number; handled: number }> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    const all = await log.read({ limit: 100_000 });
    const mine = (event: (typeof all)[number]) =>
      (event.data as { automation?: string }).automation === "notify-suspect-owners";
    const advanced = all
      .filter((event) => event.type === "automation.advanced" && mine(event))
      .reduce((sum, event) => sum + (event.data as { handled: number }).handled, 0);
    const marked = all.filter((event) => event.type === "automation.handled" && mine(event)).length;
    return {
      events: all.filter((event) => event.type === "artifact.recorded").length,
      handled: advanced + marked,
    };
  } finally {
    await log.close();
  }
}

describe("factory automations run, interrupted", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)(
    "on %s closes the runner and the factory, says so, exits %i; the next run handles the rest, each event once",
    SLOW,
    async (signal, exitCode) => {
      const cwd = await factoryWithArtifacts();
      const db = join(cwd, ".factory", "factory.db");
      const lock = new Database(db, { timeout: 60_000 });
      let stopped: RunResult;
      try {
        lock.exec("BEGIN IMMEDIATE");
        const { child, done } = startRun(cwd);
        await untilOpened(child.pid as number, db);
        child.kill(signal);
        lock.exec("COMMIT");
        stopped = await done;
      } finally {
        lock.close();
      }
      expect(stopped.code, stopped.stderr).toBe(exitCode);
      expect(stopped.stderr).toBe(
        `error: E_INTERRUPTED: interrupted (${signal}): the automations stopped; what they handled is recorded, the next run handles the rest\n`,
      );
      expect(stopped.stdout).toBe("");

      const rerun = await runFactoryProcess(["automations", "run"], { cwd });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await handlings(cwd)).toEqual({ events: ARTIFACTS, handled: ARTIFACTS });
    },
  );
});
