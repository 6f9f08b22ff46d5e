/**
 * A slow write under a stream of small ones: does a big `floorplan.applyPlan`
 * (it folds the log, decides a few hundred line changes, and appends them
 * with the head it read expected) land while other processes keep appending
 * small events, and after how many attempts and how long?
 *
 * Small writers are {@link WRITERS} OS processes (this file, forked with
 * `writer` as its argument), each with a factory of its own on the shared
 * store, capturing one short note at a time through `knowledge.capture`, paced
 * to a total rate (or as fast as they can). The slow writer is this process:
 * its factory applies a plan of {@link LINES} lines whose descriptions all
 * change each round, {@link ROUNDS} rounds per rate. Attempts are the slow
 * writer's appends during one `applyPlan` (each attempt that decides ends in
 * one append), counted by a store that passes every call through; with
 * write turns (see `retryOnConflict`) it lands on the 4th at the latest. On SQLite
 * (one file, default durability) and on PostgreSQL (`FACTORY_BENCH_DATABASE_URL`
 * or the local test server; skipped with a note when unreachable).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConcurrencyConflictError, type EventStore } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { openFactory } from "@software-factory/intelligence";
import { BENCH_DATABASE_URL, benchSchemaUrl, dropSchemas, unreachable } from "./lib/benchDatabase.js";
import { ForkedCrew } from "./lib/forkedCrew.js";
import { makeWords } from "./lib/largeFactory.js";
import { ms, percentile, table, writeReport } from "./lib/report.js";

/** Small writer processes. */
const WRITERS = 3;
/** Total small writes per second asked of the writers together; Infinity: as fast as they can. */
const RATES = [0, 20, 100, 300, Number.POSITIVE_INFINITY] as const;
/** Lines of the slow writer's plan. */
const LINES = 300;
/** Slow writes per rate. */
const ROUNDS = 3;

/** Where the store lives, as passed to a writer process. */
type Target =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

type Command =
  | { readonly op: "stream"; readonly perSecond: number }
  | { readonly op: "stop" }
  | { readonly op: "exit" };

type Reply =
  | { readonly op: "ready" }
  | {
      readonly op: "done";
      readonly writes: number;
      readonly ms: number;
      readonly p50: number;
      readonly p99: number;
      readonly failed: number;
    };

const progress = (step: string) =>
  process.stderr.write(`[contention bench ${new Date().toISOString().slice(11, 19)}] ${step}\n`);

function openStore(target: Target): Promise<EventStore> | EventStore {
  return target.kind === "sqlite"
    ? openSqliteEventStore({ path: target.path })
    : openPostgresEventStore({ url: target.url, applicationName: "bench-contention" });
}

/**
 * A small writer: opens a factory on the store, says ready, and on `stream`
 * captures notes at `perSecond` (on a fixed schedule, so a slow capture is
 * not followed by a pause) until `stop`, then reports how many and how fast.
 */
async function writer(target: Target, tag: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `factory-bench-contention-${tag}-`));
  const factory = await openFactory({ dir, store: await openStore(target), actor: tag });
  const { sentence } = makeWords(tag.length * 7919);
  const send = (reply: Reply) => process.send?.(reply);
  let streaming: Promise<void> | undefined;
  let stop = false;
  let index = 0;
  const stream = async (perSecond: number) => {
    const latencies: number[] = [];
    let failed = 0;
    const start = performance.now();
    const gap = Number.isFinite(perSecond) ? 1000 / perSecond : 0;
    for (let next = start; !stop; next += gap) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stop) break;
      const began = performance.now();
      try {
        await factory.knowledge.capture({
          kind: "note",
          title: `signal ${index++} from ${tag}`,
          body: sentence(20),
          source: { system: "agent" },
        });
        latencies.push(performance.now() - began);
      } catch (error) {
        failed++;
        process.stderr.write(`${tag}: capture failed: ${error instanceof Error ? error.message : error}\n`);
      }
      // A SQLite capture may finish without I/O to wait for: let `stop` in.
      await new Promise((resolve) => setImmediate(resolve));
    }
    send({
      op: "done",
      writes: latencies.length,
      ms: performance.now() - start,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failed,
    });
  };
  process.on("message", async (command: Command) => {
    if (command.op === "stream") {
      stop = false;
      streaming = stream(command.perSecond);
    } else if (command.op === "stop") {
      stop = true;
      await streaming;
    } else {
      await factory.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  send({ op: "ready" });
}

/** A store that passes every call to `inner`, counting appends. */
function countingStore(inner: EventStore): { store: EventStore; appends: () => number } {
  let appends = 0;
  const store: EventStore = {
    kind: inner.kind,
    append: (events, options) => {
      appends++;
      return inner.append(events, options);
    },
    read: (query) => inner.read(query),
    head: () => inner.head(),
    watch: (listener) => inner.watch(listener),
    close: () => inner.close(),
  };
  return { store, appends: () => appends };
}

/** The slow writer's plan: {@link LINES} lines whose descriptions say `round`, so each round changes every line. */
function plan(round: string) {
  return {
    product: { id: "bench" },
    operators: Array.from({ length: 20 }, (_, index) => ({ id: `op-${index}` })),
    lines: Array.from({ length: LINES }, (_, index) => ({
      id: `line-${index}`,
      owner: `op-${index % 20}`,
      description: `line ${index}, as of ${round}`,
      paths: [`/src/line-${index}/`],
      dependsOn: index === 0 ? [] : [`line-${Math.floor(index / 2)}`],
    })),
  };
}

interface SlowWrite {
  readonly landed: boolean;
  readonly attempts: number;
  readonly ms: number;
}

interface Row {
  readonly store: string;
  readonly asked: string;
  readonly streamed: number;
  readonly slow: readonly SlowWrite[];
  readonly smallP50: number;
  readonly smallP99: number;
  readonly smallFailed: number;
}

async function measureStore(name: string, target: Target, dir: string): Promise<Row[]> {
  const counted = countingStore(await openStore(target));
  const factory = await openFactory({ dir: join(dir, "slow"), store: counted.store, actor: "ci" });
  const rows: Row[] = [];
  try {
    await factory.floorplan.applyPlan(plan("seed"));
    progress(`${name}: starting ${WRITERS} small writers`);
    const writers = new ForkedCrew<Command, Reply>({
      script: fileURLToPath(import.meta.url),
      count: WRITERS,
      args: (index) => ["writer", JSON.stringify(target), `agent-${index}`],
      name: "a small writer",
      exit: { op: "exit" },
    });
    await writers.next();
    try {
      for (const rate of RATES) {
        const asked = rate === 0 ? "none" : Number.isFinite(rate) ? `${rate}/s` : "as fast as they can";
        if (rate > 0) writers.send({ op: "stream", perSecond: rate / WRITERS });
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const slow: SlowWrite[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const before = counted.appends();
          const start = performance.now();
          let landed = true;
          try {
            await factory.floorplan.applyPlan(plan(`${asked} round ${round}`));
          } catch (error) {
            if (!(error instanceof ConcurrencyConflictError)) throw error;
            landed = false;
          }
          slow.push({ landed, attempts: counted.appends() - before, ms: performance.now() - start });
          progress(`${name}, stream ${asked}: slow write ${round + 1} ${JSON.stringify(slow.at(-1))}`);
        }
        let streamed = 0;
        let smallP50 = Number.NaN;
        let smallP99 = Number.NaN;
        let smallFailed = 0;
        if (rate > 0) {
          writers.send({ op: "stop" });
          const replies = (await writers.next()).filter((reply) => reply.op === "done");
          const writes = replies.reduce((sum, reply) => sum + reply.writes, 0);
          const elapsed = Math.max(...replies.map((reply) => reply.ms));
          streamed = (writes / elapsed) * 1000;
          // The writers' medians and 99th percentiles, the worst of them.
          smallP50 = Math.max(...replies.map((reply) => reply.p50));
          smallP99 = Math.max(...replies.map((reply) => reply.p99));
          smallFailed = replies.reduce((sum, reply) => sum + reply.failed, 0);
        }
        rows.push({ store: name, asked, streamed, slow, smallP50, smallP99, smallFailed });
      }
    } finally {
      await writers.close();
    }
  } finally {
    await factory.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "factory-bench-contention-"));
  const load = loadavg()[0]?.toFixed(1);
  const schema = `bench_contention_${Date.now().toString(36)}`;
  const problem = await unreachable();
  try {
    const rows = await measureStore(
      "SQLite",
      { kind: "sqlite", path: join(root, "factory.db") },
      join(root, "sqlite"),
    );
    if (problem === undefined) {
      rows.push(
        ...(await measureStore(
          "PostgreSQL",
          { kind: "postgres", url: benchSchemaUrl(schema) },
          join(root, "pg"),
        )),
      );
    }
    const fmt = (value: number) => (Number.isNaN(value) ? "" : ms(value));
    const landed = (slow: readonly SlowWrite[]) =>
      `${slow.filter((write) => write.landed).length}/${slow.length}`;
    const list = (
      slow: readonly SlowWrite[],
      pick: (write: SlowWrite) => number,
      format: (value: number) => string,
    ) => slow.map((write) => format(pick(write))).join(", ");
    writeReport("contention", "Contention: a slow write under a stream of small ones", [
      `One process applies a plan of ${LINES} lines (every description changes, so each apply appends ${LINES + 1} events) ${ROUNDS} times per stream rate, while ${WRITERS} other processes capture one short note at a time through their own factory on the same store, paced to the total rate asked. A write that conflicts decides again after a random pause (retryOnConflict: up to 50 attempts, pauses up to 250 ms for applyPlan, 500 ms for a capture); after 3 conflicts it takes a write turn on the store (the other appends wait while it reads, decides and appends), so the slow write lands on its 4th attempt at the latest. Before write turns (the run committed in bbe73cb) it needed up to 50 attempts and 20 s, and gave up in some rounds from 100 small writes/s on. Attempts are the slow writer's appends during one apply. Load average before the run: ${load}.`,
      table(
        [
          "store",
          "small writes asked",
          "small writes done /s",
          "slow writes landed",
          "attempts each",
          "time each (ms)",
          "small write p50 / p99 (ms)",
          "small writes failed",
        ],
        rows.map((row) => [
          row.store,
          row.asked,
          row.asked === "none" ? "" : Math.round(row.streamed),
          landed(row.slow),
          list(row.slow, (write) => write.attempts, String),
          list(row.slow, (write) => write.ms, ms),
          row.asked === "none" ? "" : `${fmt(row.smallP50)} / ${fmt(row.smallP99)}`,
          row.asked === "none" ? "" : row.smallFailed,
        ]),
      ),
      problem === undefined
        ? `PostgreSQL: ${BENCH_DATABASE_URL}, schema ${schema} (dropped afterwards).`
        : `PostgreSQL skipped: unreachable at ${BENCH_DATABASE_URL} (${problem}).`,
      "Run: `npm run bench -- contention`.",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
    if (problem === undefined) await dropSchemas([schema]);
  }
}

const [role, targetJson, tag] = process.argv.slice(2);
if (role === "writer" && targetJson !== undefined && tag !== undefined) {
  await writer(JSON.parse(targetJson) as Target, tag);
} else {
  await main();
}
