/**
 * Search quality and speed of every engine on every retrieval set, as one
 * table with FTS5 as the baseline.
 */
import type { IrSet } from "../lib/ir.js";
import { ms, table } from "../lib/report.js";
import type { NamedEmbedder } from "./embedders.js";
import { type Engine, fts5, miniSearch, orama, ours } from "./engines.js";
import { measure, type Row } from "./measure.js";

/** Measures each engine (with `others` measured as ours too) on each set and returns the markdown table. */
export async function qualityTable(
  sets: readonly IrSet[],
  others: readonly NamedEmbedder[],
): Promise<string> {
  const engines = (): Engine[] => [
    ours("lexical"),
    ours("vector"),
    ours("hybrid"),
    ours("rrf"),
    ...others.flatMap((other) => [ours("vector", other), ours("rrf", other)]),
    fts5(1),
    fts5(2),
    miniSearch(false),
    miniSearch(true),
    orama(false),
    orama(true),
  ];

  const rows: Row[] = [];
  for (const set of sets) {
    for (const engine of engines()) {
      const row = await measure(set, engine);
      rows.push(row);
      console.log(`${set.name} ${engine.name}: nDCG@10 ${row.ndcg10.toFixed(3)}, ${ms(row.p50)} ms p50`);
    }
  }

  const fixed = (value: number) => value.toFixed(3);
  return table(
    [
      "set",
      "engine",
      "nDCG@10",
      "recall@100",
      "vs FTS5 nDCG",
      "build ms",
      "query p50 ms",
      "query p99 ms",
      "index heap MiB",
    ],
    rows.map((row) => {
      const baseline = rows.find(
        (other) => other.set === row.set && other.engine === "SQLite FTS5 porter",
      ) as Row;
      return [
        row.set,
        row.engine,
        fixed(row.ndcg10),
        fixed(row.recall100),
        `${(row.ndcg10 / baseline.ndcg10).toFixed(2)}x`,
        ms(row.buildMs),
        ms(row.p50),
        ms(row.p99),
        row.heapMiB.toFixed(0),
      ];
    }),
  );
}
