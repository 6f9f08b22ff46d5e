/**
 * The PostgreSQL event store beside SQLite, in the same run: append throughput
 * (one event per call and batches of 100) and full-log read throughput with 1,
 * 4 and 16 concurrent writer (and reader) processes, and subscription latency
 * (append in one connection to delivery in another, p50/p99); and the memory a
 * process needs for its projections (knowledge indexes and floor plan) after
 * catching up 10,000 documents from a PostgreSQL factory.
 *
 * Writers are OS processes (this file, forked with `worker` as its argument),
 * started and connected before the clock starts; each appends for a fixed time.
 * PostgreSQL is `FACTORY_BENCH_DATABASE_URL` or the local test server; when it
 * cannot be reached the benchmark says so and writes nothing.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineEvent, type EventLog, type EventStore, openEventLog } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { openFactory } from "@software-factory/intelligence";
import { z } from "zod";
import { BENCH_DATABASE_URL, benchSchemaUrl, dropSchemas, unreachable } from "./lib/benchDatabase.js";
import { ForkedCrew } from "./lib/forkedCrew.js";
import { appendNotes } from "./lib/largeFactory.js";
import { ms, percentile, table, writeReport } from "./lib/report.js";

const PHASE_MS = Number(process.env.FACTORY_BENCH_PHASE_MS ?? 2000);
const WRITERS = [1, 4, 16] as const;
const BATCH = 100;
const LATENCY_SAMPLES = 300;
const MEMORY_DOCUMENTS = 10_000;
const MEMORY_LINES = 200;

const NoteAdded = defineEvent("note.added", z.object({ text: z.string(), tags: z.array(z.string()) }));
const event = (writer: string, index: number) => ({
  type: "note.added",
  subject: `note_${index % 100}`,
  data: { text: `note ${index} by ${writer} about the checkout line`, tags: ["a", "b"] },
});

/** Where a store lives, as passed to a worker process. */
type Target =
  | { readonly kind: "sqlite"; readonly path: string; readonly durability: "full" | "normal" }
  | { readonly kind: "postgres"; readonly schema: string; readonly durability: "full" | "normal" };

type Command =
  | { readonly op: "append"; readonly batch: number; readonly durationMs: number }
  | { readonly op: "read" }
  | { readonly op: "exit" };

type Reply = { readonly op: "ready" } | { readonly op: "done"; readonly events: number; readonly ms: number };

async function openTarget(target: Target, tag: string): Promise<EventStore> {
  return target.kind === "sqlite"
    ? openSqliteEventStore({ path: target.path, durability: target.durability })
    : openPostgresEventStore({
        url: BENCH_DATABASE_URL,
        schema: target.schema,
        durability: target.durability,
        pool: { max: 2 },
        applicationName: `bench-${tag}`,
      });
}

async function openLog(target: Target, tag: string): Promise<EventLog> {
  return openEventLog({ store: await openTarget(target, tag), events: [NoteAdded], actor: tag });
}

/** A writer or reader process: opens the store, says ready, then runs what the parent sends. */
async function worker(target: Target, tag: string): Promise<void> {
  const log = await openLog(target, tag);
  const send = (reply: Reply) => process.send?.(reply);
  let index = 0;
  process.on("message", async (command: Command) => {
    if (command.op === "exit") {
      await log.close();
      process.exit(0);
    }
    const start = performance.now();
    let events = 0;
    if (command.op === "append") {
      const until = start + command.durationMs;
      while (performance.now() < until) {
        await log.append(Array.from({ length: command.batch }, () => event(tag, index++)));
        events += command.batch;
      }
    } else {
      for await (const _ of log.readAll({ pageSize: 5000 })) events++;
    }
    send({ op: "done", events, ms: performance.now() - start });
  });
  send({ op: "ready" });
}

/** N worker processes on one store, driven in lock step. */
class Crew extends ForkedCrew<Command, Reply> {
  constructor(target: Target, count: number) {
    super({
      script: fileURLToPath(import.meta.url),
      count,
      args: (index) => ["worker", JSON.stringify(target), `w${index}`],
      name: "a bench worker",
      exit: { op: "exit" },
    });
  }

  /** Runs a command in every worker at once; returns events per second over the whole crew. */
  async run(command: Command): Promise<number> {
    const start = performance.now();
    this.send(command);
    const replies = await this.next();
    const elapsed = performance.now() - start;
    const events = replies.reduce((sum, reply) => sum + (reply.op === "done" ? reply.events : 0), 0);
    return (events / elapsed) * 1000;
  }
}

/** Append to delivery latency: one connection appends one event, a subscriber on another receives it. */
async function subscriptionLatency(target: Target): Promise<{ p50: number; p99: number; append50: number }> {
  const writer = await openLog(target, "latency-writer");
  const reader = await openLog(target, "latency-reader");
  const started = new Map<string, number>();
  const delays: number[] = [];
  const appendTimes: number[] = [];
  let waiting: (() => void) | undefined;
  const subscription = await reader.subscribe((stored) => {
    const at = started.get((stored.data as { text: string }).text);
    if (at !== undefined) delays.push(performance.now() - at);
    waiting?.();
  });
  for (let sample = 0; sample < LATENCY_SAMPLES; sample++) {
    const text = `latency ${sample}`;
    const delivered = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const start = performance.now();
    started.set(text, start);
    await writer.append({ type: "note.added", subject: "latency", data: { text, tags: [] } });
    appendTimes.push(performance.now() - start);
    await delivered;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await subscription.close();
  await reader.close();
  await writer.close();
  return { p50: percentile(delays, 50), p99: percentile(delays, 99), append50: percentile(appendTimes, 50) };
}

/**
 * Fills a schema with a floor plan of {@link MEMORY_LINES} lines and
 * {@link MEMORY_DOCUMENTS} documents of about 900 bytes each, appended in
 * batches of 500 capture events.
 */
async function populateFactory(schema: string, dir: string): Promise<void> {
  const words =
    "checkout payment refund cart order invoice tax shipping search ranking index catalog price discount coupon account login session token email notification webhook retry timeout latency cache queue worker deploy rollback incident alert metric dashboard report export import schema migration database replica backup".split(
      " ",
    );
  let seed = 7;
  const pick = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return words[seed % words.length] as string;
  };
  const sentence = (length: number) => Array.from({ length }, pick).join(" ");
  const factory = await openFactory({ dir, store: benchSchemaUrl(schema), durability: "normal" });
  try {
    await factory.floorplan.applyPlan({
      product: { id: "bench" },
      operators: Array.from({ length: 20 }, (_, index) => ({ id: `op-${index}` })),
      lines: Array.from({ length: MEMORY_LINES }, (_, index) => ({
        id: `line-${index}`,
        owner: `op-${index % 20}`,
        description: sentence(8),
        paths: [`/src/line-${index}/`],
        dependsOn: index === 0 ? [] : [`line-${Math.floor(index / 2)}`],
      })),
    });
    await appendNotes(factory, {
      documents: MEMORY_DOCUMENTS,
      lines: MEMORY_LINES,
      sentence,
      subjectPrefix: "doc_mem",
    });
  } finally {
    await factory.close();
  }
}

/** What a memory probe process measured (MiB, ms). */
interface MemoryProbe {
  readonly heapMiB: number;
  readonly rssMiB: number;
  readonly catchUpMs: number;
  readonly documents: number;
  readonly lines: number;
}

/**
 * The memory probe, in a process of its own: opens a factory on the schema with
 * an empty cache folder (so it folds the whole log), and reports the heap and
 * RSS it holds afterwards over what it held before opening, each after a full GC.
 */
async function memoryProbe(schema: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("the memory probe needs --expose-gc");
  const settle = async () => {
    for (let round = 0; round < 3; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return process.memoryUsage();
  };
  const dir = mkdtempSync(join(tmpdir(), "factory-bench-mem-"));
  const before = await settle();
  const start = performance.now();
  const factory = await openFactory({ dir, store: benchSchemaUrl(schema) });
  await Promise.all([factory.knowledge.sync(), factory.floorplan.refresh()]);
  const catchUpMs = performance.now() - start;
  const after = await settle();
  const documents = (await factory.knowledge.fromSystem("bench")).length;
  const lines = factory.floorplan.lines().length;
  const mib = (bytes: number) => bytes / 2 ** 20;
  const probe: MemoryProbe = {
    heapMiB: mib(after.heapUsed - before.heapUsed),
    rssMiB: mib(after.rss - before.rss),
    catchUpMs,
    documents,
    lines,
  };
  process.send?.(probe);
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Runs the memory probe in a fresh process and returns what it measured. */
function probeMemory(schema: string): Promise<MemoryProbe> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["memory", schema], {
      execArgv: ["--conditions=@software-factory/source", "--import", "tsx", "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let probe: MemoryProbe | undefined;
    child.on("message", (message: MemoryProbe) => {
      probe = message;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      probe === undefined ? reject(new Error(`memory probe exited with ${code}`)) : resolve(probe),
    );
  });
}

interface Row {
  readonly store: string;
  readonly writers: number;
  readonly single: number;
  readonly batched: number;
  readonly read: number;
}

async function measureStore(name: string, makeTarget: (writers: number) => Target): Promise<Row[]> {
  const rows: Row[] = [];
  for (const writers of WRITERS) {
    const crew = new Crew(makeTarget(writers), writers);
    await crew.next(); // every worker connected and ready
    const single = await crew.run({ op: "append", batch: 1, durationMs: PHASE_MS });
    const batched = await crew.run({ op: "append", batch: BATCH, durationMs: PHASE_MS });
    const read = await crew.run({ op: "read" });
    await crew.close();
    rows.push({ store: name, writers, single, batched, read });
    console.log(
      `${name}, ${writers} writer(s): single ${Math.round(single)}/s, batched ${Math.round(batched)}/s, read ${Math.round(read)}/s`,
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const problem = await unreachable();
  if (problem !== undefined) {
    console.log(
      `bench postgres skipped: PostgreSQL is unreachable at ${BENCH_DATABASE_URL} (${problem}); results not written.`,
    );
    return;
  }
  const root = mkdtempSync(join(tmpdir(), "factory-bench-pg-"));
  const schemas: string[] = [];
  const schema = (label: string) => {
    const name = `bench_${label}_${Date.now().toString(36)}`;
    schemas.push(name);
    return name;
  };
  const load = loadavg()[0]?.toFixed(1);
  try {
    const variants: { name: string; target: (writers: number) => Target }[] = [
      {
        name: "SQLite, durability full",
        target: (n) => ({ kind: "sqlite", path: join(root, `full-${n}.db`), durability: "full" }),
      },
      {
        name: "PostgreSQL, durability full",
        target: (n) => ({ kind: "postgres", schema: schema(`full${n}`), durability: "full" }),
      },
      {
        name: "SQLite, durability normal",
        target: (n) => ({ kind: "sqlite", path: join(root, `normal-${n}.db`), durability: "normal" }),
      },
      {
        name: "PostgreSQL, durability normal",
        target: (n) => ({ kind: "postgres", schema: schema(`normal${n}`), durability: "normal" }),
      },
    ];
    const rows: Row[] = [];
    for (const variant of variants) rows.push(...(await measureStore(variant.name, variant.target)));

    const latency = [
      {
        name: "SQLite (watch polls every 50 ms)",
        ...(await subscriptionLatency({
          kind: "sqlite",
          path: join(root, "latency.db"),
          durability: "full",
        })),
      },
      {
        name: "PostgreSQL (LISTEN/NOTIFY)",
        ...(await subscriptionLatency({ kind: "postgres", schema: schema("latency"), durability: "full" })),
      },
    ];

    const emptySchema = schema("mem_empty");
    const fullSchema = schema("mem_full");
    await populateFactory(fullSchema, join(root, "populate"));
    const empty = await probeMemory(emptySchema);
    const full = await probeMemory(fullSchema);
    const memory = [
      { name: "empty factory (fixed cost of opening)", ...empty },
      { name: `${MEMORY_LINES} lines and ${MEMORY_DOCUMENTS.toLocaleString("en-US")} documents`, ...full },
    ];
    console.log(
      `memory per ${MEMORY_DOCUMENTS} documents: heap +${(full.heapMiB - empty.heapMiB).toFixed(1)} MiB, RSS +${(full.rssMiB - empty.rssMiB).toFixed(1)} MiB`,
    );

    const fmt = (value: number) => Math.round(value).toLocaleString("en-US");
    const base = (row: Row) =>
      rows.find(
        (other) => other.writers === row.writers && other.store === row.store.replace("PostgreSQL", "SQLite"),
      );
    const ratio = (value: number, of: number | undefined) =>
      of === undefined ? "" : `${(value / of).toFixed(2)}x`;
    writeReport("postgres", "PostgreSQL event store beside SQLite", [
      table(
        [
          "store",
          "writer processes",
          "append 1 event/call (events/s)",
          "vs SQLite",
          `append batches of ${BATCH} (events/s)`,
          "vs SQLite",
          "full-log read, each process (events/s, all processes)",
          "vs SQLite",
        ],
        rows.map((row) => [
          row.store,
          row.writers,
          fmt(row.single),
          ratio(row.single, base(row)?.single),
          fmt(row.batched),
          ratio(row.batched, base(row)?.batched),
          fmt(row.read),
          ratio(row.read, base(row)?.read),
        ]),
      ),
      table(
        ["store", "append to delivery p50 (ms)", "p99 (ms)", "append alone p50 (ms)"],
        latency.map((row) => [row.name, ms(row.p50), ms(row.p99), ms(row.append50)]),
      ),
      [
        `Each writer process opens its own store handle and appends for ${PHASE_MS / 1000} s per phase, first one event per call, then batches of ${BATCH};`,
        "then every process reads the whole log once (the read column sums events over all readers). Rates count from the start signal to the last process done.",
        `Subscription latency: ${LATENCY_SAMPLES} single appends on one connection, each timed until a subscriber on another connection (PostgreSQL: its LISTEN connection; SQLite: a second handle polling every 50 ms) receives it.`,
        "PostgreSQL appends are serialized by a transaction-scoped advisory lock so positions commit in order (readers never skip one); durability full waits for the WAL flush on each commit, normal sets synchronous_commit = off for appends.",
        `PostgreSQL ${BENCH_DATABASE_URL.replace(/\/\/[^@]*@/, "//")} on the same machine as the writers (loopback). Load average when the run started: ${load}; the machine has 2 cores, shared with the database and all writers.`,
      ].join(" "),
      "## Memory of a process's projections",
      table(
        [
          "factory on PostgreSQL",
          "documents",
          "lines",
          "JS heap after catch-up (MiB)",
          "RSS after catch-up (MiB)",
          "catch-up from the log (ms)",
        ],
        memory.map((row) => [
          row.name,
          row.documents.toLocaleString("en-US"),
          row.lines,
          `+${row.heapMiB.toFixed(1)}`,
          `+${row.rssMiB.toFixed(1)}`,
          fmt(row.catchUpMs),
        ]),
      ),
      [
        `Per ${MEMORY_DOCUMENTS.toLocaleString("en-US")} documents (the second row less the first): JS heap +${(full.heapMiB - empty.heapMiB).toFixed(1)} MiB, RSS +${(full.rssMiB - empty.rssMiB).toFixed(1)} MiB.`,
        "Each row is a fresh process that opens the factory with an empty cache folder, so it folds the whole log into its projections (knowledge base: documents, lexical index, vector index of the default 256-dimension hashing embedder; floor plan graph), then reports heap and RSS over what it held before opening, each measured after three full GCs.",
        "Documents are notes of about 900 bytes (a 5-word title, two 60-word paragraphs), each linked to one line; lines have an owner, paths and one dependency.",
      ].join(" "),
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
    await dropSchemas(schemas);
  }
}

if (process.argv[2] === "worker") {
  await worker(JSON.parse(process.argv[3] ?? "{}") as Target, process.argv[4] ?? "w");
} else if (process.argv[2] === "memory") {
  await memoryProbe(process.argv[3] ?? "");
} else {
  await main();
}
