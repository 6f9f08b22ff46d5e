/**
 * PostgreSQL's own full-text search beside our BM25 index (`LexicalIndex`, built
 * as the knowledge bench builds it) and SQLite FTS5 (porter, the baseline of
 * issue 3), in the same run, on the public retrieval sets in `../shared/data/ir`
 * and at 100,000 chunks: nDCG@10, recall@100, query latency, build time and
 * size.
 *
 * Each set is loaded into a table of its own schema: title and text, a stored
 * generated `tsvector` (`english` configuration, title weighted A, text B) and a
 * GIN index over it. Queries are asked as `websearch_to_tsquery` (an AND of the
 * words, what most people write first) and as an OR of the query's lexemes, each
 * ranked by `ts_rank_cd` and by `ts_rank`, top 100, one at a time through the
 * `pg` driver. The schemas are dropped afterwards. PostgreSQL is
 * `FACTORY_BENCH_DATABASE_URL` or the local test server; when it cannot be
 * reached the benchmark says so and writes nothing.
 */
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LexicalIndex } from "@software-factory/knowledge";
import Database from "better-sqlite3";
import pg from "pg";
import { BENCH_DATABASE_URL } from "./lib/benchDatabase.js";
import { evaluate, type IrSet, irDataDir, loadIrSets, perturbedCopies } from "./lib/ir.js";
import { ms, peakRssMiB, percentile, table, writeReport } from "./lib/report.js";

const LIMIT = 100;
const SCALE_TARGET = 100_000;
const INSERT_BATCH = 2000;

/** An AND of the query's words, as a search box would send it. */
const AND_QUERY = "websearch_to_tsquery('english', $1)";
/**
 * An OR of the lexemes PostgreSQL's parser and `english` dictionary make of the
 * query (those `plainto_tsquery` would AND together), joined with `|`, each
 * quoted as a tsquery literal (backslashes and quotes escaped): nothing the user
 * typed is read as tsquery syntax and no lexeme is stemmed twice.
 */
const OR_QUERY = `(select coalesce(string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | '), '')::tsquery
  from unnest(tsvector_to_array(to_tsvector('english', $1))) as lexeme)`;

/** One way of asking PostgreSQL: how the query becomes a tsquery and how matches are ranked. */
interface PgQuery {
  readonly name: string;
  readonly tsquery: string;
  readonly rank: string;
}

const PG_QUERIES: readonly PgQuery[] = [
  { name: "AND (websearch_to_tsquery), ts_rank_cd", tsquery: AND_QUERY, rank: "ts_rank_cd(tsv, q.query)" },
  { name: "AND (websearch_to_tsquery), ts_rank", tsquery: AND_QUERY, rank: "ts_rank(tsv, q.query)" },
  { name: "OR of lexemes, ts_rank_cd", tsquery: OR_QUERY, rank: "ts_rank_cd(tsv, q.query)" },
  { name: "OR of lexemes, ts_rank", tsquery: OR_QUERY, rank: "ts_rank(tsv, q.query)" },
  {
    name: "OR of lexemes, ts_rank_cd, length normalization 1",
    tsquery: OR_QUERY,
    rank: "ts_rank_cd(tsv, q.query, 1)",
  },
  {
    name: "OR of lexemes, ts_rank, length normalization 1",
    tsquery: OR_QUERY,
    rank: "ts_rank(tsv, q.query, 1)",
  },
];

/** How an engine answered a set's queries. */
interface Measured {
  readonly set: string;
  readonly engine: string;
  readonly ndcg10: number;
  readonly recall100: number;
  /** Share of the queries that found nothing. */
  readonly empty: number;
  readonly p50: number;
  readonly p99: number;
}

/** How long an index took to build and what it takes on disk. */
interface Built {
  readonly set: string;
  readonly engine: string;
  readonly buildMs: number;
  readonly how: string;
  readonly sizeMiB: number;
  readonly sizeWhat: string;
}

/** What one engine gives on one set. */
interface Outcome {
  readonly built: Built;
  readonly measured: Measured[];
}

const mib = (bytes: number) => bytes / 2 ** 20;

/** Asks every query one at a time, timing each, and scores the rankings. */
async function run(
  set: IrSet,
  engine: string,
  search: (query: string) => Promise<string[]> | string[],
): Promise<Measured> {
  const rankings = new Map<string, string[]>();
  const latencies: number[] = [];
  for (const query of set.queries) {
    const begin = performance.now();
    rankings.set(query.text, await search(query.text));
    latencies.push(performance.now() - begin);
  }
  const empty = set.queries.filter((query) => (rankings.get(query.text) ?? []).length === 0).length;
  const row = {
    set: set.name,
    engine,
    ...evaluate(set, (query) => rankings.get(query) ?? []),
    empty: empty / set.queries.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
  console.log(`${set.name} ${engine}: nDCG@10 ${row.ndcg10.toFixed(3)}, ${ms(row.p50)} ms p50`);
  return row;
}

/** Our BM25 index, built and asked as in the knowledge bench. */
async function ours(set: IrSet): Promise<Outcome> {
  const engine = "ours: BM25 (MaxScore)";
  const index = new LexicalIndex();
  const start = performance.now();
  for (const doc of set.docs) index.add(doc.id, doc.text, doc.title);
  const buildMs = performance.now() - start;
  const measured = await run(set, engine, (query) =>
    index.search(query, { limit: LIMIT }).map((hit) => hit.id),
  );
  return {
    built: {
      set: set.name,
      engine,
      buildMs,
      how: "in process",
      sizeMiB: mib(index.serialize().byteLength),
      sizeWhat: "its serialized cache file",
    },
    measured: [measured],
  };
}

/** SQLite FTS5 with the porter tokenizer, built and asked as the knowledge bench's "SQLite FTS5 porter". */
async function fts5(set: IrSet): Promise<Outcome> {
  const engine = "SQLite FTS5 porter";
  const db = new Database(":memory:");
  try {
    db.exec("create virtual table docs using fts5(id unindexed, title, body, tokenize='porter')");
    const start = performance.now();
    const insert = db.prepare("insert into docs(id, title, body) values (?, ?, ?)");
    db.transaction(() => {
      for (const doc of set.docs) insert.run(doc.id, doc.title, doc.text);
    })();
    const buildMs = performance.now() - start;
    const query = db.prepare("select id from docs where docs match ? order by bm25(docs, 0, 1, 1) limit ?");
    const measured = await run(set, engine, (text) => {
      const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
      if (words.length === 0) return [];
      return (query.all(words.map((word) => `"${word}"`).join(" OR "), LIMIT) as { id: string }[]).map(
        (row) => row.id,
      );
    });
    const pages =
      Number(db.pragma("page_count", { simple: true })) * Number(db.pragma("page_size", { simple: true }));
    return {
      built: {
        set: set.name,
        engine,
        buildMs,
        how: "in process",
        sizeMiB: mib(pages),
        sizeWhat: "database pages",
      },
      measured: [measured],
    };
  } finally {
    db.close();
  }
}

/** Prepared statements made so far on the connection (each needs a name of its own). */
let statements = 0;

/** Loads a set into a schema of its own, indexes it, asks every query each way, then drops the schema. */
async function postgres(client: pg.Client, set: IrSet): Promise<Outcome> {
  const schema = client.escapeIdentifier(
    `bench_search_${set.name.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}_${Date.now().toString(36)}`,
  );
  await client.query(`create schema ${schema}`);
  try {
    await client.query(`create table ${schema}.docs (
      id text primary key,
      title text not null,
      body text not null,
      tsv tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
      ) stored
    )`);
    const start = performance.now();
    for (let from = 0; from < set.docs.length; from += INSERT_BATCH) {
      const batch = set.docs.slice(from, from + INSERT_BATCH);
      await client.query(
        `insert into ${schema}.docs (id, title, body) select * from unnest($1::text[], $2::text[], $3::text[])`,
        [batch.map((doc) => doc.id), batch.map((doc) => doc.title), batch.map((doc) => doc.text)],
      );
    }
    const loadMs = performance.now() - start;
    await client.query(`create index docs_tsv on ${schema}.docs using gin (tsv)`);
    const buildMs = performance.now() - start;
    await client.query(`analyze ${schema}.docs`);
    const sizes = await client.query<{ total: string; gin: string }>(
      `select pg_total_relation_size('${schema}.docs') as total, pg_relation_size('${schema}.docs_tsv') as gin`,
    );
    const size = sizes.rows[0] as { total: string; gin: string };
    const measured: Measured[] = [];
    for (const way of PG_QUERIES) {
      statements += 1;
      const name = `search_${statements}`;
      const text = `select id from ${schema}.docs, ${way.tsquery} as q(query)
        where tsv @@ q.query order by ${way.rank} desc, id limit ${LIMIT}`;
      measured.push(
        await run(set, `PostgreSQL ${way.name}`, async (query) =>
          (await client.query<{ id: string }>({ name, text, values: [query] })).rows.map((hit) => hit.id),
        ),
      );
    }
    return {
      built: {
        set: set.name,
        engine: "PostgreSQL tsvector + GIN",
        buildMs,
        how: `load ${ms(loadMs)} ms (tsvector computed on insert), then GIN ${ms(buildMs - loadMs)} ms`,
        sizeMiB: mib(Number(size.total)),
        sizeWhat: `pg_total_relation_size (table, TOAST, primary key, GIN); the GIN index alone ${mib(Number(size.gin)).toFixed(1)} MiB`,
      },
      measured,
    };
  } finally {
    await client.query(`drop schema ${schema} cascade`);
  }
}

async function connect(): Promise<pg.Client | string> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  client.on("notice", () => undefined); // an OR query of stop words only: "doesn't contain lexemes"
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    return error instanceof Error ? error.message : String(error);
  }
}

async function main(): Promise<void> {
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
  const sets = loadIrSets(irDataDir(repoRoot));
  if (sets.length === 0) {
    console.log(`bench postgres-search skipped: no retrieval sets in ${irDataDir(repoRoot)}.`);
    return;
  }
  const client = await connect();
  if (typeof client === "string") {
    console.log(
      `bench postgres-search skipped: PostgreSQL is unreachable at ${BENCH_DATABASE_URL} (${client}); results not written.`,
    );
    return;
  }
  const loadAtStart = loadavg()[0]?.toFixed(1);
  const base = sets.find((set) => set.name.startsWith("msmarco")) ?? (sets[0] as IrSet);
  const scaleSet = perturbedCopies(base, SCALE_TARGET);
  const outcomes: Outcome[] = [];
  let scaleSeconds = 0;
  try {
    for (const set of sets) {
      outcomes.push(await ours(set), await fts5(set), await postgres(client, set));
    }
    const scaleStart = performance.now();
    outcomes.push(await ours(scaleSet), await fts5(scaleSet), await postgres(client, scaleSet));
    scaleSeconds = (performance.now() - scaleStart) / 1000;
  } finally {
    await client.end();
  }
  const loadAtEnd = loadavg()[0]?.toFixed(1);

  const measured = outcomes.flatMap((outcome) => outcome.measured);
  const quality = measured.filter((row) => row.set !== scaleSet.name);
  const scale = measured.filter((row) => row.set === scaleSet.name);
  const of = (set: string, engine: string) =>
    measured.find((row) => row.set === set && row.engine === engine)?.ndcg10 ?? Number.NaN;
  const fixed = (value: number) => value.toFixed(3);
  const ratio = (value: number, to: number) => `${(value / to).toFixed(2)}x`;
  writeReport("postgres-search", "Knowledge search on PostgreSQL full-text search, beside our BM25", [
    [
      "Produced by `npm run bench -- postgres-search`. Sets read in place from `../shared/data/ir` (BEIR layout), scored as in `bench/knowledge.bench.ts` (nDCG@10 with graded relevance, recall@100; shared code in `bench/lib/ir.ts`).",
      "Ours: `LexicalIndex` from `@software-factory/knowledge`, title and text added as the knowledge bench adds them. SQLite FTS5 porter: as in the knowledge bench (the baseline of issue 3).",
      "PostgreSQL: one table per set in a schema of its own (dropped afterwards): `id`, `title`, `body`, a stored generated `tsvector` = `setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')`, and a GIN index on it, built after loading.",
      "AND queries are `websearch_to_tsquery('english', q)`; OR queries join the lexemes of `to_tsvector('english', q)` (those `plainto_tsquery` would AND) with `|`, each quoted as a tsquery literal. Both select `tsv @@ query`, order by the rank function (default weights {0.1, 0.2, 0.4, 1.0}; normalization 0 unless the row says 1, which divides by 1 + log of the document length), then by id, limit 100.",
      `Latency is one query at a time, top ${LIMIT}: ours and FTS5 in the benchmark process; PostgreSQL through the \`pg\` driver (one connection, prepared statements) to PostgreSQL 15 on the same machine (loopback), round trip included. "no hit" is the share of queries that returned nothing.`,
      `pgvector is not installed on this server (only pg_trgm is available), so vector search in PostgreSQL is not measured. Load average (1 min) at the start: ${loadAtStart}, at the end: ${loadAtEnd}; the machine has 2 cores, shared with the database server and other work.`,
    ].join(" "),
    table(
      [
        "set",
        "engine",
        "nDCG@10",
        "recall@100",
        "vs ours",
        "vs FTS5",
        "no hit",
        "query p50 ms",
        "query p99 ms",
      ],
      quality.map((row) => [
        row.set,
        row.engine,
        fixed(row.ndcg10),
        fixed(row.recall100),
        ratio(row.ndcg10, of(row.set, "ours: BM25 (MaxScore)")),
        ratio(row.ndcg10, of(row.set, "SQLite FTS5 porter")),
        `${(row.empty * 100).toFixed(0)}%`,
        ms(row.p50),
        ms(row.p99),
      ]),
    ),
    `## At ${SCALE_TARGET.toLocaleString("en-US")} chunks`,
    `The knowledge bench's scale test: ${scaleSet.docs.length.toLocaleString("en-US")} chunks made by repeating the ${base.name} passages, each copy with every word dropped with probability 0.15 and a copy-specific token added (\`perturbedCopies\` in \`bench/lib/ir.ts\`), asked the set's ${base.queries.length} full-sentence questions. Only latency: the copies are not judged. Loading, indexing and asking it on all three took ${scaleSeconds.toFixed(0)} s.`,
    table(
      ["engine", "no hit", "query p50 ms", "query p99 ms"],
      scale.map((row) => [row.engine, `${(row.empty * 100).toFixed(0)}%`, ms(row.p50), ms(row.p99)]),
    ),
    "## Build time and size",
    table(
      ["set", "index", "build ms", "how", "size MiB", "what the size counts"],
      outcomes.map(({ built }) => [
        built.set,
        built.engine,
        ms(built.buildMs),
        built.how,
        built.sizeMiB.toFixed(1),
        built.sizeWhat,
      ]),
    ),
    `Our index lives in each process's memory (its heap is in \`bench/results/knowledge.md\`) and is cached on disk per process; FTS5 here is in memory. Peak RSS of the benchmark process: ${peakRssMiB()} MiB.`,
  ]);
}

await main();
