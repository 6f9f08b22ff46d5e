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

/** This process, as its claims name it. */
export const THIS_PROCESS = { host: hostname(), pid: process.pid, instance: randomUUID() } as const;

/**
 * Whether the process holding a claim has ended. Only known on its host,
 * where its process id is looked up (`process.kill(pid, 0)`: ESRCH means no
 * such process, EPERM one run by another user); a host name is taken to name
 * one machine or container, with its own process ids. A process id reused
 * since makes the claim look held, until the lease runs out.
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
