/**
 * The search engines under test: ours (BM25, vector, hybrid, RRF) and what a
 * user would pick instead (SQLite FTS5, MiniSearch, Orama), each with its
 * defaults and with the best settings found for it.
 */
import { type AnyOrama, create, insertMultiple, search as oramaSearch } from "@orama/orama";
import {
  extendRanking,
  fuseRankings,
  LexicalIndex,
  tokenize,
  VectorIndex,
} from "@software-factory/knowledge";
import Database from "better-sqlite3";
import MiniSearch from "minisearch";
import type { IrSet } from "../lib/ir.js";
import { embedder, type NamedEmbedder } from "./embedders.js";

/** A search engine under test: built once, then asked each query. */
export interface Engine {
  readonly name: string;
  build(docs: IrSet["docs"]): Promise<void> | void;
  search(query: string, limit: number): Promise<string[]> | string[];
  /** Our vector index, for its recall against exact search. */
  readonly vectorIndex?: VectorIndex;
}

/** Documents per batch of the indexing pipeline: indexed lexically, embedded, handed to the vector index. */
const PIPELINE_BATCH = 1000;

/** Our indexes in one mode, with the default embedder or `other`. */
export function ours(mode: "lexical" | "vector" | "hybrid" | "rrf", other?: NamedEmbedder): Engine {
  const model = other?.embedder ?? embedder;
  const lexical = new LexicalIndex();
  const vector = new VectorIndex(model);
  /** Each batch indexed lexically and embedded on this thread; the vector index builds meanwhile (worker threads from 10,000 on). */
  async function* pipeline(docs: IrSet["docs"]): AsyncGenerator<[string, Float32Array]> {
    for (let start = 0; start < docs.length; start += PIPELINE_BATCH) {
      const batch = docs.slice(start, start + PIPELINE_BATCH);
      if (mode !== "vector") for (const doc of batch) lexical.add(doc.id, doc.text, doc.title);
      const vectors = await model.embed(batch.map((doc) => `${doc.title}\n${doc.text}`));
      for (const [index, doc] of batch.entries()) yield [doc.id, vectors[index] as Float32Array];
    }
  }
  return {
    name:
      other === undefined
        ? {
            lexical: "ours: BM25 (MaxScore)",
            vector: "ours: vector (hashing)",
            hybrid: "ours: hybrid (default)",
            rrf: "ours: hybrid RRF",
          }[mode]
        : `ours: ${mode === "vector" ? "vector" : "hybrid RRF (the default for a semantic embedder)"}, ${other.name}`,
    build: async (docs) => {
      if (mode === "lexical") for (const doc of docs) lexical.add(doc.id, doc.text, doc.title);
      else await vector.addAll(pipeline(docs));
    },
    search: async (query, limit) => {
      const lexicalHits = mode === "vector" ? [] : lexical.search(query, { limit });
      if (mode === "lexical") return lexicalHits.map((hit) => hit.id);
      const [queryVector] = await model.embed([query]);
      const vectorHits = vector.search(queryVector as Float32Array, { limit });
      if (mode === "vector") return vectorHits.map((hit) => hit.id);
      const fused =
        mode === "rrf" ? fuseRankings(lexicalHits, vectorHits) : extendRanking(lexicalHits, vectorHits);
      return fused.slice(0, limit).map((hit) => hit.id);
    },
    vectorIndex: vector,
  };
}

/** SQLite FTS5 with the porter tokenizer, the title weighted `titleWeight` times the body. */
export function fts5(titleWeight: number): Engine {
  const db = new Database(":memory:");
  db.exec("create virtual table docs using fts5(id unindexed, title, body, tokenize='porter')");
  const query = db.prepare(
    `select id from docs where docs match ? order by bm25(docs, 0, ${titleWeight}, 1) limit ?`,
  );
  return {
    name: titleWeight === 1 ? "SQLite FTS5 porter" : `SQLite FTS5 porter, title x${titleWeight}`,
    build: (docs) => {
      const insert = db.prepare("insert into docs(id, title, body) values (?, ?, ?)");
      db.transaction(() => {
        for (const doc of docs) insert.run(doc.id, doc.title, doc.text);
      })();
    },
    search: (text, limit) => {
      const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
      if (words.length === 0) return [];
      return (query.all(words.map((word) => `"${word}"`).join(" OR "), limit) as { id: string }[]).map(
        (row) => row.id,
      );
    },
  };
}

/** MiniSearch with its defaults, or with our tokenizer and the title boosted (`best`). */
export function miniSearch(best: boolean): Engine {
  const index = new MiniSearch<{ id: string; title: string; text: string }>({
    fields: ["title", "text"],
    ...(best
      ? {
          // Our tokenizer (identifier splitting, Porter stems) and a title boost: the best settings found.
          tokenize: (text: string) => tokenize(text),
          processTerm: (term: string) => term,
          searchOptions: { boost: { title: 2 } },
        }
      : {}),
  });
  return {
    name: best ? "MiniSearch, our tokenizer + title x2" : "MiniSearch defaults",
    build: (docs) => index.addAll(docs),
    search: (query, limit) =>
      index
        .search(query)
        .slice(0, limit)
        .map((hit) => String(hit.id)),
  };
}

/** Orama with its defaults, or with English stemming and the title boosted (`best`). */
export function orama(best: boolean): Engine {
  let db: AnyOrama | undefined;
  return {
    name: best ? "Orama, English stemming + title x2" : "Orama defaults",
    build: async (docs) => {
      db = create({
        schema: { id: "string", title: "string", text: "string" } as const,
        ...(best ? { components: { tokenizer: { stemming: true, language: "english" } } } : {}),
      });
      await insertMultiple(db, docs, 1000);
    },
    search: async (term, limit) => {
      const result = await oramaSearch(db as AnyOrama, {
        term,
        limit,
        properties: ["title", "text"],
        ...(best ? { boost: { title: 2 } } : {}),
      });
      return result.hits.map((hit) => String((hit.document as { id: string }).id));
    },
  };
}
