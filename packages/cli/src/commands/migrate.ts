/**
 * `factory migrate --to <url|path>`: copies a factory's whole log into an empty
 * store (SQLite to PostgreSQL and back), verified by counts and a hash of the
 * log; a new SQLite file appears whole or not at all, a PostgreSQL copy that
 * was interrupted is resumed.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { type MigrationReport, NotFoundError } from "@software-factory/core";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { parseStoreFlag, redactStore } from "../flags.js";
import { type InterruptSignal, onInterrupt } from "../interruption.js";
import type { Output } from "../Output.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { findFactory, type GlobalOptions, openStore } from "../Session.js";
import { migrateInto } from "./migrateInto.js";

/** What `factory migrate --json` prints. */
interface MigrateResult {
  /** The source store, without its password. */
  readonly from: string;
  /** The target store, without its password. */
  readonly to: string;
  /** Events in the source log when the copy started; the target holds exactly these. */
  readonly events: number;
  /** Events this run copied: fewer than `events` when it resumed a copy that was interrupted. */
  readonly copied: number;
  /** SHA-256 of the log's content, the same on both sides (checked). */
  readonly hash: string;
}

/** Registers `factory migrate`. */
export function registerMigrate(program: Command, context: CliContext): void {
  program
    .command("migrate")
    .description(
      "copy the factory's whole log into an empty store (SQLite to PostgreSQL and back), verified by counts and a hash; run it again to finish a copy into PostgreSQL that was interrupted",
    )
    .requiredOption(
      "--to <url|path>",
      "the empty target: a postgres:// URL (?schema=<name>) or a SQLite file",
    )
    .option("--from <url|path>", "the source (default this factory's store: --store or <dir>/factory.db)")
    .action(
      action(context, async ({ options, output }, flags) => {
        // Listening from the start: a Ctrl-C (SIGTERM, SIGHUP) while the stores open says that nothing was written.
        let interrupted: InterruptSignal | undefined;
        const forget = onInterrupt((signal) => {
          interrupted = signal;
        });
        try {
          return await migrate(options, output, flags as { to: string; from?: string }, () => interrupted);
        } finally {
          forget();
        }
      }),
    );
}

/** Copies the log of `--from` (default this factory's store) into `--to`, and says what it did. */
async function migrate(
  options: GlobalOptions,
  output: Output,
  f: { to: string; from?: string },
  interrupted: () => InterruptSignal | undefined,
): Promise<void> {
  const to = parseStoreFlag(f.to, "--to");
  const given = parseStoreFlag(f.from, "--from");
  const from = given ?? options.store ?? join(resolve(options.dir), "factory.db");
  const fromFlag = given === undefined ? (options.storeFlag ?? "--store") : "--from";
  if (from === to) throw new UsageError(`--to names the source itself (${redactStore(from)})`);
  const found = await findFactory({ ...options, store: from, storeFlag: fromFlag });
  if (!found.found) {
    throw new NotFoundError({
      message:
        given === undefined
          ? `no factory log at ${found.where}: give --from, --store or --dir`
          : `--from: no factory log at ${found.where}`,
      entity: "store",
      id: redactStore(from),
      field: fromFlag,
    });
  }
  const source = await openStore(from, fromFlag);
  let report: MigrationReport;
  try {
    report = await migrateInto(
      source,
      from,
      to,
      (done, total) => output.progress(done, total, "events copied"),
      interrupted,
    );
  } finally {
    await source.close();
  }
  output.endProgress();
  const result: MigrateResult = {
    from: redactStore(from),
    to: redactStore(to),
    events: report.total,
    copied: report.copied,
    hash: report.targetHash ?? "",
  };
  if (options.json) return output.json(result);
  output.line(copiedLine(report, result));
  output.line(`  source  ${counted(report.total, "event")}  sha256 ${report.sourceHash}`);
  output.line(`  target  ${counted(report.total, "event")}  sha256 ${report.targetHash}`);
  output.line(output.style("green", "verified: same count and hash on both sides"));
}

/** What was copied: all of it, or the rest of an interrupted copy the target held the start of (checked). */
function copiedLine({ total, copied }: MigrationReport, { from, to }: MigrateResult): string {
  const held = total - copied;
  if (held === 0) return `copied ${counted(total, "event")} from ${from} to ${to}`;
  if (copied === 0)
    return `${to} already held all ${counted(total, "event")} of ${from} (same ids and hashes): nothing to copy`;
  return `resumed: ${to} held the first ${held} of ${counted(total, "event")} (same ids and hashes); copied the other ${copied} from ${from}`;
}
