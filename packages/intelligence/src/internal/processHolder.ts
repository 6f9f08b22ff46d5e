/**
 * The process that holds a claim (a skill run's idempotency key, an
 * exclusive automation's event), as its claim names it, and whether it has
 * ended.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** The process that claims keys, as its claims name it. */
export interface Holder {
  /** Host name of its machine. */
  readonly host: string;
  /** Its process id on that host. */
  readonly pid: number;
  /** A random id it drew, telling it apart from a later process with the same id. */
  readonly instance?: string;
}

/**
 * What the process keeps on `globalThis` under `key`, made by `make` for the
 * first copy of this package that asks: one per process, however many copies
 * it loads. Keep a key, and the shape of what it holds, across versions.
 */
export function processWide<T>(key: string, make: () => T): T {
  const shared = globalThis as Record<symbol, unknown>;
  const symbol = Symbol.for(`@software-factory/intelligence:${key}`);
  if (!(symbol in shared)) shared[symbol] = make();
  return shared[symbol] as T;
}

/**
 * This process, as its claims name it: one per process, however many copies
 * of this package it loads (the built one and its sources, two versions),
 * since the first copy keeps it on `globalThis` for the others. Worker
 * threads have a `globalThis` each, so a thread that claims draws its own
 * instance; only a process's main thread should claim. (A copy of a version
 * before this key drew its own too.)
 */
export const THIS_PROCESS: Required<Holder> = processWide("processHolder", () => ({
  host: hostname(),
  pid: process.pid,
  instance: randomUUID(),
}));

/**
 * Whether the process holding a claim has ended. Only known on its host,
 * where its process id is looked up (`process.kill(pid, 0)`: ESRCH means no
 * such process, EPERM one run by another user); a host name is taken to name
 * one machine or container, with its own process ids. A holder with this
 * process's id but another instance has ended: a process id names one live
 * process on its host, this one, whose every copy of this package names
 * {@link THIS_PROCESS}, so it is a process that had the id before (a restart
 * in a container, where process ids repeat). A process id reused since by
 * another process makes the claim look held, until the lease runs out.
 */
export function processEnded(holder: Holder | undefined): boolean {
  if (holder === undefined || holder.host !== THIS_PROCESS.host) return false;
  if (holder.pid === THIS_PROCESS.pid)
    return holder.instance !== undefined && holder.instance !== THIS_PROCESS.instance;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
