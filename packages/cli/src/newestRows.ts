/**
 * `-n, --limit <n>` of the lists printed oldest first (`work list`,
 * `deployment list`, `incident list`): the newest rows are shown, as `inbox`
 * shows the newest notifications, and a dimmed line says how many older ones
 * were left out, so a factory with 10,000 work items does not print them all.
 *
 * @module
 */
import { Option } from "commander";
import { PositiveIntFlag, parseFlag } from "./flags.js";
import type { Output } from "./Output.js";
import { counted } from "./plural.js";

/** The option, with its default: `-n, --limit <n>  show the newest n (default 50)`. */
export function newestLimitOption(): Option {
  return new Option("-n, --limit <n>", "show the newest n").default("50");
}

/** The rows `--limit` keeps and how many older ones it leaves out. */
export interface NewestRows<T> {
  /** The newest `limit` rows, oldest first. */
  readonly rows: readonly T[];
  /** How many rows before them were left out. */
  readonly older: number;
}

/**
 * `--limit` as typed: a whole number of at least 1.
 *
 * @throws UsageError (through `parseFlag`) naming `--limit` when it is not one.
 */
export function parseLimit(given: string): number {
  return parseFlag(PositiveIntFlag, given, "--limit");
}

/** The newest `limit` of `rows` (given oldest first), and how many older ones are left out. */
export function newestRows<T>(rows: readonly T[], limit: number): NewestRows<T> {
  const older = Math.max(0, rows.length - limit);
  return { rows: rows.slice(older), older };
}

/** After the rows, when some were left out: `3 older work items not shown: raise --limit`. */
export function printOlder(output: Output, older: number, noun: string): void {
  if (older > 0)
    output.line(output.style("dim", `${counted(older, `older ${noun}`)} not shown: raise --limit`));
}
