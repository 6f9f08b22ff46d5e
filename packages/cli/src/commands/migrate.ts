/**
 * `factory migrate --to <url|path>`: copies a factory's whole log into an empty
 * store (SQLite to PostgreSQL and back), verified by counts and a hash of the log.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { type EventStore, migrateLog, NotFoundError, StoreError } from "@software-factory/core";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
import { parseStoreFlag, redactStore } from "../flags.js";
import { counted } from "../plural.js";
import { action, type CliContext } from "../program.js";
import { findFactory, openStore } from "../Session.js";

/** What `factory migrate --json` prints. */
interface MigrateResult {
  /** The source store, without its password. */
  readonly from: string;
  /** The target store, without its password. */
  readonly to: string;
  /** Events in the source log when the copy started; the target holds exactly these. */
  readonly events: number;
  /** SHA-256 of the log's content, the same on both sides (checked). */
  readonly hash: string;
}

/** Registers `factory migrate`. */
export function registerMigrate(program: Command, context: CliContext): void {
  program
    .command("migrate")
    .description(
      "copy the factory's whole log into an empty store (SQLite to PostgreSQL and back), verified by counts and a hash",
    )
    .requiredOption(
      "--to <url|path>",
      "the empty target: a postgres:// URL (?schema=<name>) or a SQLite file",
    )
    .option("--from <url|path>", "the source (default this factory's store: --store or <dir>/factory.db)")
    .action(
      action(context, async ({ options, output }, flags) => {
        const f = flags as { to: string; from?: string };
        const to = parseStoreFlag(f.to, "--to");
        const given = parseStoreFlag(f.from, "--from");
        const from = given ?? options.store ?? join(resolve(options.dir), "factory.db");
        const fromFlag = given === undefined ? (options.storeFlag ?? "--store") : "--from";
        if (from === to) throw new UsageError(`--to names the source itself (${redactStore(from)})`);
        const source = await findFactory({ ...options, store: from, storeFlag: fromFlag });
        if (!source.found) {
          throw new NotFoundError({
            message:
              given === undefined
                ? `no factory log at ${source.where}: give --from, --store or --dir`
                : `--from: no factory log at ${source.where}`,
            entity: "store",
            id: redactStore(from),
            field: fromFlag,
          });
        }
        const report = await withStores(
          { store: from, flag: fromFlag },
          { store: to, flag: "--to" },
          async (source, target) => {
            const held = await target.head();
            if (held > 0) {
              throw new StoreError({
                message: `${redactStore(to)} already holds ${counted(held, "event")}; factory migrate copies into an empty store only (use a new ?schema=<name> or a new file)`,
              });
            }
            return migrateLog(source, target, {
              onProgress: (done, total) => output.progress(done, total, "events copied"),
            });
          },
        );
        output.endProgress();
        const result: MigrateResult = {
          from: redactStore(from),
          to: redactStore(to),
          events: report.total,
          hash: report.targetHash ?? "",
        };
        if (options.json) return output.json(result);
        output.line(`copied ${counted(report.total, "event")} from ${result.from} to ${result.to}`);
        output.line(`  source  ${counted(report.total, "event")}  sha256 ${report.sourceHash}`);
        output.line(`  target  ${counted(report.total, "event")}  sha256 ${report.targetHash}`);
        output.line(output.style("green", "verified: same count and hash on both sides"));
      }),
    );
}

/** A store to open, and the flag it came from (for messages). */
interface FlaggedStore {
  readonly store: string;
  readonly flag: string;
}

/** Opens both stores, runs `work`, and closes them whatever happens. */
async function withStores<T>(
  from: FlaggedStore,
  to: FlaggedStore,
  work: (source: EventStore, target: EventStore) => Promise<T>,
): Promise<T> {
  const source = await openStore(from.store, from.flag);
  try {
    const target = await openStore(to.store, to.flag);
    try {
      return await work(source, target);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
