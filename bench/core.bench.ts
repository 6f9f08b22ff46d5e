/**
 * Event log throughput: append (single events and batches of 100) and full-log
 * read, for the SQLite store (both durability levels) and the memory store,
 * beside what a small MCP memory server does instead: JSON lines appended to a
 * file with fs.appendFileSync and read back with readFileSync + JSON.parse.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  createMemoryEventStore,
  defineEvent,
  type EventLog,
  newId,
  openEventLog,
} from "@software-factory/core";
import { z } from "zod";
import { table, time, writeReport } from "./lib/report.js";

const NoteAdded = defineEvent("note.added", z.object({ text: z.string(), tags: z.array(z.string()) }));
const payload = (index: number) => ({
  text: `note number ${index} about the checkout line`,
  tags: ["a", "b"],
});
const event = (index: number) => ({
  type: "note.added",
  subject: `note_${index % 100}`,
  data: payload(index),
});

interface Subject {
  readonly name: string;
  readonly singles: number;
  appendOne(index: number): Promise<void> | void;
  appendBatch(start: number, size: number): Promise<void> | void;
  readAll(): Promise<number> | number;
  close(): Promise<void> | void;
}

const root = mkdtempSync(join(tmpdir(), "factory-bench-core-"));

async function logSubject(name: string, log: EventLog, singles: number): Promise<Subject> {
  return {
    name,
    singles,
    appendOne: async (index) => void (await log.append(event(index))),
    appendBatch: async (start, size) =>
      void (await log.append(Array.from({ length: size }, (_, offset) => event(start + offset)))),
    readAll: async () => {
      let count = 0;
      for await (const _ of log.readAll({ pageSize: 5000 })) count++;
      return count;
    },
    close: () => log.close(),
  };
}

function jsonlSubject(path: string): Subject {
  let seq = 0;
  const line = (index: number) =>
    `${JSON.stringify({ seq: ++seq, id: newId("evt"), at: new Date().toISOString(), ...event(index) })}\n`;
  return {
    name: "baseline: JSONL + fs.appendFileSync",
    singles: 20_000,
    appendOne: (index) => appendFileSync(path, line(index)),
    appendBatch: (start, size) => {
      let chunk = "";
      for (let offset = 0; offset < size; offset++) chunk += line(start + offset);
      appendFileSync(path, chunk);
    },
    readAll: () =>
      readFileSync(path, "utf8")
        .split("\n")
        .filter((text) => text !== "")
        .map((text) => JSON.parse(text) as unknown).length,
    close: () => undefined,
  };
}

const BATCHES = 1000;
const BATCH_SIZE = 100;

async function measure(make: () => Promise<Subject> | Subject) {
  const subject = await make();
  const singleMs = await time(async () => {
    for (let index = 0; index < subject.singles; index++) await subject.appendOne(index);
  });
  const batchMs = await time(async () => {
    for (let batch = 0; batch < BATCHES; batch++) await subject.appendBatch(batch * BATCH_SIZE, BATCH_SIZE);
  });
  let total = 0;
  const readMs = await time(async () => {
    total = await subject.readAll();
  });
  await subject.close();
  return {
    name: subject.name,
    single: (subject.singles / singleMs) * 1000,
    singles: subject.singles,
    batch: ((BATCHES * BATCH_SIZE) / batchMs) * 1000,
    read: (total / readMs) * 1000,
    total,
  };
}

const results = [
  await measure(() => jsonlSubject(join(root, "baseline.jsonl"))),
  await measure(async () =>
    logSubject(
      "SQLite, durability full (default)",
      await openEventLog({ path: join(root, "full.db"), events: [NoteAdded] }),
      2_000,
    ),
  ),
  await measure(async () =>
    logSubject(
      "SQLite, durability normal",
      await openEventLog({ path: join(root, "normal.db"), events: [NoteAdded], durability: "normal" }),
      20_000,
    ),
  ),
  await measure(async () =>
    logSubject(
      "memory",
      await openEventLog({ store: createMemoryEventStore(), events: [NoteAdded] }),
      20_000,
    ),
  ),
];

/**
 * The append path on a wider payload: a work item's 10 fields (strings, numbers, a
 * boolean, a list, a list of objects), one per call and in batches of 100, then
 * batches of 8 events of 1.3 MiB each (a 1 MiB string and 20,000 small objects).
 * Every append is validated by zod, scanned for what no store keeps, measured
 * against maxEventBytes, serialized once and written.
 */
const WorkItemNoted = defineEvent(
  "work.noted",
  z.object({
    title: z.string(),
    body: z.string(),
    owner: z.string(),
    line: z.string(),
    stage: z.string(),
    priority: z.number().int(),
    estimate: z.number(),
    done: z.boolean(),
    tags: z.array(z.string()),
    links: z.array(z.object({ id: z.string(), kind: z.string() })),
  }),
);
const workItem = (index: number) => ({
  type: "work.noted",
  subject: `item_${index % 100}`,
  data: {
    title: `Work item ${index}`,
    body: `A longer description of work item ${index}, with some detail about checkout and payments.`,
    owner: "op_alice",
    line: "line_checkout",
    stage: "implementation",
    priority: index % 5,
    estimate: 2.5,
    done: index % 2 === 0,
    tags: ["payments", "checkout", "q4"],
    links: [
      { id: `art_${index}`, kind: "requirement" },
      { id: `art_${index + 1}`, kind: "design" },
    ],
  },
});
const LargeNoted = defineEvent(
  "large.noted",
  z.object({ text: z.string(), parts: z.array(z.object({ name: z.string(), value: z.number() })) }),
);
const largeText = "x".repeat(1024 * 1024);
const largeParts = Array.from({ length: 20_000 }, (_, index) => ({ name: `p${index}`, value: index }));
const large = (index: number) => ({
  type: "large.noted",
  subject: `large_${index}`,
  data: { text: `${largeText}${index}`, parts: largeParts },
});
const WIDE = 20_000;
const LARGE_BATCHES = 5;
const LARGE_BATCH_SIZE = 8;

/** Wall and CPU milliseconds of `work`: CPU time (all threads) says more than wall time on a shared machine. */
async function timed(work: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const before = process.cpuUsage();
  const wall = await time(work);
  const used = process.cpuUsage(before);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

async function measurePath(name: string, log: EventLog) {
  const single = await timed(async () => {
    for (let index = 0; index < WIDE; index++) await log.append(workItem(index));
  });
  const batch = await timed(async () => {
    for (let start = 0; start < WIDE; start += BATCH_SIZE)
      await log.append(Array.from({ length: BATCH_SIZE }, (_, offset) => workItem(start + offset)));
  });
  const largeBatches = await timed(async () => {
    for (let start = 0; start < LARGE_BATCHES * LARGE_BATCH_SIZE; start += LARGE_BATCH_SIZE)
      await log.append(Array.from({ length: LARGE_BATCH_SIZE }, (_, offset) => large(start + offset)));
  });
  await log.close();
  return { name, single, batch, large: largeBatches };
}

const paths = [
  await measurePath(
    "SQLite, durability normal",
    await openEventLog({
      path: join(root, "path.db"),
      events: [WorkItemNoted, LargeNoted],
      durability: "normal",
    }),
  ),
  await measurePath(
    "memory",
    await openEventLog({ store: createMemoryEventStore(), events: [WorkItemNoted, LargeNoted] }),
  ),
];
rmSync(root, { recursive: true, force: true });

const baseline = results[0];
if (baseline === undefined) throw new Error("no baseline result");
const fmt = (value: number) => Math.round(value).toLocaleString("en-US");
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
writeReport("core", "Event log throughput", [
  table(
    [
      "store",
      "append 1 event/call (events/s)",
      "vs baseline",
      "append batches of 100 (events/s)",
      "vs baseline",
      "full-log read (events/s)",
      "vs baseline",
    ],
    results.map((result) => [
      result.name,
      fmt(result.single),
      ratio(result.single, baseline.single),
      fmt(result.batch),
      ratio(result.batch, baseline.batch),
      fmt(result.read),
      ratio(result.read, baseline.read),
    ]),
  ),
  [
    `Single appends: ${results.map((result) => `${result.name} ${result.singles.toLocaleString("en-US")}`).join(", ")} events;`,
    `then ${BATCHES.toLocaleString("en-US")} batches of ${BATCH_SIZE}; then one read of the whole log (${baseline.total.toLocaleString("en-US")} events for the baseline).`,
    "Every log append validates the payload with zod, assigns an id and a time, and (SQLite) commits a transaction;",
    "the baseline validates nothing, is not atomic across processes (two writers can interleave partial lines), has no positions,",
    "idempotency or concurrency control, and does not fsync. Durability full syncs the WAL on every commit (power-loss safe);",
    "normal survives a process crash but not a power loss.",
  ].join(" "),
  "## Append path: a 10-field payload and large events",
  table(
    [
      "store",
      `append 1 event/call, ${WIDE.toLocaleString("en-US")} events (events/s, per CPU-s)`,
      `append batches of ${BATCH_SIZE} (events/s, per CPU-s)`,
      `batch of ${LARGE_BATCH_SIZE} events of 1.3 MiB (ms, CPU ms)`,
    ],
    paths.map((path) => [
      path.name,
      `${fmt((WIDE / path.single.wall) * 1000)}, ${fmt((WIDE / path.single.cpu) * 1000)}`,
      `${fmt((WIDE / path.batch.wall) * 1000)}, ${fmt((WIDE / path.batch.cpu) * 1000)}`,
      `${fmt(path.large.wall / LARGE_BATCHES)}, ${fmt(path.large.cpu / LARGE_BATCHES)}`,
    ]),
  ),
  [
    "A work item's 10 fields (strings, numbers, a boolean, a list, a list of objects) one per call, then in batches;",
    `then ${LARGE_BATCHES} batches of ${LARGE_BATCH_SIZE} events, each a 1 MiB string and 20,000 small objects.`,
    "Each payload is parsed by zod, walked once for what no store keeps, serialized once to be measured",
    "against maxEventBytes, and that string is what the store writes.",
    "CPU time counts every thread of the process (garbage collection included), and moves less than wall time",
    `when other processes share the machine (load average ${loadavg()[0]?.toFixed(1)} at the end of this run, on ${cpus().length} cores).`,
  ].join(" "),
]);
