/**
 * What saving the knowledge caches costs one short process, measured by hand
 * (not by this benchmark) on copies of the audit-scale factories; kept in the
 * report so a rerun of the benchmark does not drop it.
 */
export const CACHES_ACROSS_PROCESSES = [
  "Caches across processes, measured by hand (not by this benchmark) with `/usr/bin/time -v` on copies of the audit-scale factories (`/tmp/audit-scale` f1: 3,750 documents, 38 MB of caches; f4: 15,000 documents, 151 MB), the CLI built from the same tree with only the knowledge package changed (the SDK rows run the sources through tsx); 2 cores (AMD EPYC), Node v20.20.2, load 15 to 20, 2026-11-28. Before: every close that folded an event rewrote the whole cache, a checkpoint was awaited by the write that crossed it, and every open read the vector graphs. After: `close()` saves only when the events after the caches' position number one in 20 of the documents (at most `checkpointEvery`), checkpoints run after the write, and the graphs are read by the first vector or hybrid search (docs/knowledge.md, Caches and processes). Written is file system outputs times 512 bytes; CPU is user + system.",
  "",
  "| factory | measure | before | after |",
  "| --- | --- | --- | --- |",
  "| f1 | `factory knowledge capture` of one note: written / CPU / peak RSS | 38.7 MB / 0.93 s / 246 MB | 0.23 MB / 0.88 s / 194 MB |",
  "| f4 | the same | 154 MB / 2.39 s / 582 MB | 0.25 MB / 1.57 s / 442 MB |",
  "| f1 | `factory search --mode lexical`, after two captures by other processes, and again: CPU / RSS | 0.80, 0.85 s / 211 MB | 0.88, 0.88 s / 198, 195 MB |",
  "| f4 | the same | 1.77, 1.78 s / 513 MB | 1.65, 1.68 s / 441, 443 MB |",
  "| f4 | `factory search` (hybrid): CPU / RSS | 1.75 s / 514 MB | 1.83 s / 523 MB |",
  "| f1 | 1,000th `knowledge.capture` of one SDK process (`checkpointEvery` 1,000), and the 1,001st | 1,120 ms, 1.8 ms | 2.5 ms, 1,487 ms |",
  "| f4 | the same | 4,451 ms, 13.7 ms | 2.3 ms, 6,366 ms |",
  "",
  "At f1 a lexical search costs no less CPU: the graphs it no longer reads are 13 MB, and it re-cuts the two documents captured since the caches (loading the markdown parser), where before the capturing process had saved them. In these runs the capture after a checkpoint waited for the rest of the save before it re-indexed; it no longer does (capture latency across checkpoints, below).",
].join("\n");
