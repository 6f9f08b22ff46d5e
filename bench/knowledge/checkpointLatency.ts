/**
 * Capture latency across checkpoints in one long-running process: a factory
 * of many short documents with its knowledge caches saved, then one process
 * that captures documents one after the other through `KnowledgeBase.capture`
 * while checkpoints (saves of every cache) start every `checkpointEvery`
 * events, as an MCP server or an SDK service does.
 *
 * Run alone: `node --conditions=@software-factory/source --import tsx
 * bench/knowledge/checkpointLatency.ts [documents...]`.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashJson, openEventLog } from "@software-factory/core";
import { DocumentCaptured, knowledgeEvents, openKnowledgeBase } from "@software-factory/knowledge";
import { ms, percentile, table } from "../lib/report.js";

/** Documents captured by the measured process. */
const CAPTURES = 2000;
/** Checkpoint interval of the measured process (the default of `openKnowledgeBase`). */
const CHECKPOINT_EVERY = 1000;

/** A deterministic generator of short markdown documents over a vocabulary of made-up words. */
function documents(seed: number) {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const vocabulary = Array.from({ length: 20_000 }, () =>
    Array.from({ length: 3 + Math.floor(random() * 7) }, () => letters[Math.floor(random() * 26)]).join(""),
  );
  // Zipf-like: common words come often, most rarely.
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)] as string;
  const sentence = () => {
    const words = Array.from({ length: 8 + Math.floor(random() * 10) }, word);
    return `${words.join(" ")}.`;
  };
  const paragraph = () => Array.from({ length: 3 + Math.floor(random() * 4) }, sentence).join(" ");
  return (index: number) => {
    const sections = [`# Note ${index}`, paragraph()];
    for (let section = 0; section < 1 + Math.floor(random() * 3); section += 1) {
      sections.push(`## ${word()} ${word()}`, paragraph());
    }
    return { title: `Note ${index}: ${word()} ${word()}`, body: sections.join("\n\n") };
  };
}

/** Bytes of the files in `dir`. */
function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** One factory measured: its size and the latencies of the captures. */
export interface CheckpointLatencyRow {
  readonly documents: number;
  readonly cacheMiB: number;
  readonly latencies: readonly number[];
  /** Captures that returned while the first checkpoint's save ran (before the snapshot on disk was replaced). */
  readonly duringSave: readonly number[];
  /** Milliseconds the process's close took (it waits for the checkpoint in flight). */
  readonly closeMs: number;
  /** Milliseconds from the return of the capture that started the first checkpoint to the snapshot on disk replaced (seen after a capture, or after close). */
  readonly savedAfterMs: number;
}

/**
 * Builds a factory of `count` documents (appended to a fresh log, then folded
 * and its caches saved by one open and close), then opens it in this process
 * and times {@link CAPTURES} captures one after the other.
 */
export async function measureCheckpointLatency(count: number): Promise<CheckpointLatencyRow> {
  console.error(`checkpoint latency: seeding ${count} documents`);
  const folder = mkdtempSync(join(tmpdir(), "sf-knowledge-checkpoints-"));
  const dir = join(folder, "knowledge");
  try {
    const next = documents(count);
    const seedLog = await openEventLog({ path: join(folder, "factory.db") });
    seedLog.registry.register(...knowledgeEvents);
    const capturedAt = new Date().toISOString();
    for (let start = 0; start < count; start += 1000) {
      await seedLog.append(
        Array.from({ length: Math.min(1000, count - start) }, (_, offset) => {
          const { title, body } = next(start + offset);
          return {
            type: DocumentCaptured.type,
            subject: `doc_${start + offset}`,
            data: {
              kind: "note",
              source: { system: "bench", uri: `notes/${start + offset}.md` },
              links: [],
              supersedes: [],
              title,
              body,
              contentHash: hashJson({ title, body, decision: null }),
              tags: [],
              lines: [],
              validFrom: capturedAt,
            },
          };
        }),
      );
    }
    const seeding = await openKnowledgeBase({ log: seedLog, dir });
    await seeding.close();
    await seedLog.close();
    const cacheMiB = folderBytes(dir) / 2 ** 20;

    const log = await openEventLog({ path: join(folder, "factory.db") });
    const kb = await openKnowledgeBase({ log, dir, checkpointEvery: CHECKPOINT_EVERY });
    const latencies: number[] = [];
    const duringSave: number[] = [];
    const snapshot = join(dir, "knowledge.snapshot");
    const seeded = statSync(snapshot).mtimeMs;
    let started = 0;
    let savedAfterMs: number | undefined;
    for (let index = 0; index < CAPTURES; index += 1) {
      const { title, body } = next(count + index);
      const start = performance.now();
      await kb.capture({ kind: "note", title, body, source: { system: "bench", uri: `new/${index}.md` } });
      const latency = performance.now() - start;
      latencies.push(latency);
      if (index === CHECKPOINT_EVERY - 1) started = performance.now();
      if (index >= CHECKPOINT_EVERY && savedAfterMs === undefined && statSync(snapshot).mtimeMs !== seeded) {
        savedAfterMs = performance.now() - started;
      }
      // After the first checkpoint started, until the caches on disk are replaced.
      if (index >= CHECKPOINT_EVERY && duringSave.length === index - CHECKPOINT_EVERY) {
        if (statSync(snapshot).mtimeMs === seeded) duringSave.push(latency);
      }
    }
    const closing = performance.now();
    await kb.close();
    const closeMs = performance.now() - closing;
    savedAfterMs ??= performance.now() - started;
    await log.close();
    return { documents: count, cacheMiB, latencies, duringSave, closeMs, savedAfterMs };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The report's paragraph and table for factories of these sizes. */
export async function checkpointLatency(sizes: readonly number[] = [3750, 15_000]): Promise<string> {
  const rows: CheckpointLatencyRow[] = [];
  for (const size of sizes) {
    const row = await measureCheckpointLatency(size);
    console.log(
      `checkpoint latency at ${size} documents: p50 ${ms(percentile(row.latencies, 50))} ms, p99 ${ms(percentile(row.latencies, 99))} ms, max ${ms(Math.max(...row.latencies))} ms`,
    );
    rows.push(row);
  }
  return [
    `Capture latency across checkpoints: a factory of short generated documents (1 to 3 sections of made-up words) appended to a fresh log and its caches saved, then one process that opens it and makes ${CAPTURES.toLocaleString("en-US")} \`capture\` calls one after the other with \`checkpointEvery\` ${CHECKPOINT_EVERY.toLocaleString("en-US")} (a checkpoint, a save of every cache, starts after the ${CHECKPOINT_EVERY.toLocaleString("en-US")}th and the ${CAPTURES.toLocaleString("en-US")}th; \`close\` waits for the last). Capture ${(CHECKPOINT_EVERY + 1).toLocaleString("en-US")} is the one made right after the first checkpoint started; captures during the save are those that returned after it started and before the snapshot on disk was replaced (0: the first capture after it waited for the whole save), and the checkpoint is written after the time from the return of capture ${CHECKPOINT_EVERY.toLocaleString("en-US")} to the first capture that saw the snapshot replaced (or to the end of \`close\`); slow is a capture over 50 ms. The process runs the sources through tsx, on a machine shared with other work (load at the end of the report).`,
    "",
    table(
      [
        "documents",
        "caches MiB",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        `capture ${(CHECKPOINT_EVERY + 1).toLocaleString("en-US")} ms`,
        "captures during the save",
        "their max ms",
        "checkpoint written after ms",
        "slow captures",
        "close ms",
      ],
      rows.map((row) => [
        row.documents.toLocaleString("en-US"),
        row.cacheMiB.toFixed(0),
        ms(percentile(row.latencies, 50)),
        ms(percentile(row.latencies, 90)),
        ms(percentile(row.latencies, 99)),
        ms(Math.max(...row.latencies)),
        ms(row.latencies[CHECKPOINT_EVERY] as number),
        row.duringSave.length,
        row.duringSave.length === 0 ? "-" : ms(Math.max(...row.duringSave)),
        ms(row.savedAfterMs),
        row.latencies.filter((latency) => latency > 50).length,
        ms(row.closeMs),
      ]),
    ),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = process.argv.slice(2).map(Number);
  console.log(await checkpointLatency(sizes.length > 0 ? sizes : undefined));
}
