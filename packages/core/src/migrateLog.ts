import { createHash } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { z } from "zod";
import { canonicalJson } from "./canonicalJson.js";
import { anObject, checkArguments, withMethods } from "./checkArguments.js";
import type { EventStore, StoredEvent } from "./EventStore.js";
import { StoreError, validationErrorFromZod } from "./errors.js";
import { strictInput } from "./strictInput.js";

/** Options of {@link migrateLog}. */
export interface MigrateLogOptions {
  /** Compare count and hash of both logs after copying (default true). */
  readonly verify?: boolean;
  /** Events read and appended per round trip (default 1,000). */
  readonly pageSize?: number;
  /**
   * Called after each page with the events the target holds and the total to
   * copy; the event loop turns after it (signal handlers run), and what it
   * throws stops the copy there, the pages appended kept.
   */
  readonly onProgress?: (copied: number, total: number) => void;
  /** How messages name the source, after its kind (a file path, or a URL without its password and with its schema); by default its kind alone. */
  readonly sourceName?: string;
  /** How messages name the target, after its kind (a file path, or a URL without its password and with its schema); by default its kind alone. */
  readonly targetName?: string;
}

/** What {@link migrateLog} did. */
export interface MigrationReport {
  /** Events in the source log when the copy started; the target holds exactly these. */
  readonly total: number;
  /** Events appended by this call (fewer than `total` when an earlier copy was resumed). */
  readonly copied: number;
  /** Whether count and hash were compared (and matched: a mismatch throws). */
  readonly verified: boolean;
  /**
   * SHA-256 over the canonical JSON of every source event's content in log
   * order (id, type, version, time, actor, subject, payload and cause; not its
   * position, which the counts and heads check), when verified.
   */
  readonly sourceHash?: string;
  /** The same hash computed over the target, when verified. */
  readonly targetHash?: string;
}

/** A store argument of {@link migrateLog}: what it reads from and appends to. */
const AStore = withMethods("an event store (as openSqliteEventStore returns)", "head", "read", "append");

const OptionsSchema = strictInput({
  verify: z.boolean().optional(),
  pageSize: z.number().int().min(1).max(100_000).optional(),
  onProgress: z.function().optional(),
  sourceName: z.string().min(1).optional(),
  targetName: z.string().min(1).optional(),
});

/**
 * Copies the log of one store into another (SQLite to PostgreSQL and back, or
 * any two adapters), keeping every event's position, id, time, actor, subject
 * and payload, then verifies both by count and by a hash of the whole log.
 *
 * Events appended to the source after the copy starts are not copied: stop the
 * writers first (or run it again: a target that holds an exact prefix of the
 * source, the same events by count and hash, is resumed where it stopped). Idempotency keys are not copied; a writer retrying
 * an append across the move should not rely on them.
 *
 * @throws ValidationError when `from` or `to` is no event store, or the options are invalid.
 * @throws StoreError when the target holds events that are not a prefix of the
 *   source, or when verification finds a different count or hash.
 * @example
 * ```ts
 * const from = openSqliteEventStore({ path: ".factory/factory.db" });
 * const to = await openPostgresEventStore({ url: "postgres://factory@db/factory" });
 * const report = await migrateLog(from, to);
 * console.log(`${report.total} events, hash ${report.targetHash}`);
 * ```
 */
export async function migrateLog(
  from: EventStore,
  to: EventStore,
  options: MigrateLogOptions = {},
): Promise<MigrationReport> {
  checkArguments("migrateLog", {
    from: [AStore, from],
    to: [AStore, to],
    options: [anObject("an object of options").optional(), options],
  });
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "migrateLog options" });
  const pageSize = options.pageSize ?? 1000;
  const total = await from.head();
  let position = await resumePosition(from, to, total, options);
  const start = position;
  while (position < total) {
    const page = await from.read({ after: position, until: total, limit: pageSize });
    if (page.length === 0) break;
    const first = page[0]?.seq;
    if (first !== position + 1) {
      throw new StoreError({
        message: `the ${from.kind} source log has a gap: expected position ${position + 1}, read ${String(first)}`,
      });
    }
    const stored = await to.append(page.map(withoutSeq), { expectedHead: position });
    position = stored[stored.length - 1]?.seq ?? position;
    options.onProgress?.(position, total);
    // A synchronous store (SQLite) would otherwise hold the event loop for the whole copy: signal handlers and timers run here.
    await nextTurn();
  }
  const copied = position - start;
  if (options.verify === false) return { total, copied, verified: false };

  const [source, target] = await Promise.all([summarize(from, total), summarize(to, total)]);
  const targetHead = await to.head();
  if (source.count !== target.count || source.hash !== target.hash || targetHead !== total) {
    throw new StoreError({
      message: `verification failed after copying the ${from.kind} log to ${to.kind}: source has ${source.count} events (hash ${source.hash}), target has ${target.count} up to ${total} and head ${targetHead} (hash ${target.hash})`,
    });
  }
  return { total, copied, verified: true, sourceHash: source.hash, targetHash: target.hash };
}

/**
 * Where copying starts: 0 for an empty target, its head when it holds an
 * exact prefix of the source (the same events at positions 1 to its head:
 * same count and the same hash of their content, ids included).
 */
async function resumePosition(
  from: EventStore,
  to: EventStore,
  total: number,
  names: Pick<MigrateLogOptions, "sourceName" | "targetName">,
): Promise<number> {
  const head = await to.head();
  if (head === 0) return 0;
  if (head <= total) {
    const [source, target] = await Promise.all([summarize(from, head), summarize(to, head)]);
    if (source.count === head && target.count === head && source.hash === target.hash) return head;
  }
  const named = (name: string | undefined) => (name === undefined ? "" : ` ${name}`);
  throw new StoreError({
    message: `the ${to.kind} target${named(names.targetName)} already holds ${amount(head)} events that are not a copy of the ${from.kind} source${named(names.sourceName)} (${amount(total)} events); migrate into an empty store`,
  });
}

/** A count with thousands separators: `150,004`. */
function amount(count: number): string {
  return count.toLocaleString("en-US");
}

/** Count and SHA-256 of the canonical JSON of every event's content up to a position, in order. */
async function summarize(store: EventStore, until: number): Promise<{ count: number; hash: string }> {
  const hash = createHash("sha256");
  let count = 0;
  let after = 0;
  for (;;) {
    const page: StoredEvent[] = await store.read({ after, until, limit: 5000 });
    for (const event of page) hash.update(`${canonicalJson(withoutSeq(event))}\n`);
    count += page.length;
    const last = page[page.length - 1];
    if (last === undefined || page.length < 5000) break;
    after = last.seq;
  }
  return { count, hash: hash.digest("hex") };
}

function withoutSeq({ seq: _seq, ...event }: StoredEvent): Omit<StoredEvent, "seq"> {
  return event;
}
