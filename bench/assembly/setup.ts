/**
 * The sizes and fixtures every part of the assembly bench shares: how many
 * items, moves, links and history items (scaled by `ASSEMBLY_BENCH_SCALE`),
 * the lines and their directory, and the evidence recorded on each item.
 */

/** Scale of every size below (`ASSEMBLY_BENCH_SCALE`, 1 by default). */
export const SCALE = Number(process.env.ASSEMBLY_BENCH_SCALE ?? "1");
/** Work items moved through the pipeline at durability normal. */
export const ITEMS = Math.round(10_000 * SCALE);
/** Durability full syncs every commit: a fifth of the items tells its rate. */
export const ITEMS_FULL = Math.round(2_000 * SCALE);
/** Advances timed behind the 10 gates. */
export const GATED_MOVES = Math.round(2_000 * SCALE);
/** Links downstream of the changed requirement. */
export const LINKS = Math.round(100_000 * SCALE);
/** Work items in the synthetic history the measures run over. */
export const HISTORY_ITEMS = Math.round(100_000 * SCALE);
/** Lines the items are spread over, in turn. */
export const LINES = 20;
/** A count rounded, with thousands separators. */
export const fmt = (value: number): string => Math.round(value).toLocaleString("en-US");
/** The ids of the lines: `line-0` to `line-19`. */
export const lineIds: readonly string[] = Array.from({ length: LINES }, (_, index) => `line-${index}`);
/** The line directory the assembly line is opened with: each line owned by `owner-<line>`, no WIP limit. */
export const directory = { ownerOf: (line: string) => `owner-${line}`, wipLimitOf: () => undefined };
/** The fields of every change set recorded. */
export const changeSet = { commit: "4f2a9c1", paths: ["src/a.ts"] };
/** The fields of every test evidence recorded. */
export const testRun = { runId: "ci-1", passed: 10, failed: 0 };
