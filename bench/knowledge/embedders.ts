/**
 * Embedders beside the default hashing one, measured when this machine has
 * them: a local ONNX model for transformers.js, an OpenAI-compatible server.
 */
import { basename } from "node:path";
import {
  createHashingEmbedder,
  createOpenAiEmbedder,
  createTransformersEmbedder,
  type Embedder,
} from "@software-factory/knowledge";

/** The default embedder (local hashing), shared by every engine and step that does not name another. */
export const embedder = createHashingEmbedder();

/** An embedder measured beside the default one, with the name its rows carry. */
export interface NamedEmbedder {
  readonly name: string;
  readonly embedder: Embedder;
}

/**
 * The other embedders to measure, when this machine has them: a local ONNX
 * model folder for transformers.js (`KNOWLEDGE_BENCH_MODEL`, optionally
 * `KNOWLEDGE_BENCH_POOLING`) and an OpenAI-compatible server
 * (`KNOWLEDGE_BENCH_OPENAI_URL`, `_MODEL`, `_DIMENSION`, `_KEY`).
 */
export async function otherEmbedders(): Promise<{ measured: NamedEmbedder[]; notes: string[] }> {
  const measured: NamedEmbedder[] = [];
  const notes: string[] = [];
  const modelPath = process.env.KNOWLEDGE_BENCH_MODEL;
  if (modelPath === undefined) {
    notes.push(
      "transformers.js: not measured (no local ONNX model on this machine; set KNOWLEDGE_BENCH_MODEL to a model folder, e.g. a clone of Xenova/all-MiniLM-L6-v2)",
    );
  } else {
    const pooling = process.env.KNOWLEDGE_BENCH_POOLING === "cls" ? "cls" : "mean";
    const model = await createTransformersEmbedder({ modelPath, pooling, batchSize: 64 });
    measured.push({
      name: `transformers.js ${basename(modelPath)} (${model.dimension}d, ${pooling})`,
      embedder: model,
    });
  }
  const url = process.env.KNOWLEDGE_BENCH_OPENAI_URL;
  if (url === undefined) {
    notes.push(
      "OpenAI-compatible: not measured (no embedding server reachable from this machine; set KNOWLEDGE_BENCH_OPENAI_URL, _MODEL, _DIMENSION and _KEY)",
    );
  } else {
    const model = process.env.KNOWLEDGE_BENCH_OPENAI_MODEL ?? "text-embedding-3-small";
    const key = process.env.KNOWLEDGE_BENCH_OPENAI_KEY;
    measured.push({
      name: `OpenAI-compatible ${model}`,
      embedder: createOpenAiEmbedder({
        url,
        model,
        dimension: Number(process.env.KNOWLEDGE_BENCH_OPENAI_DIMENSION ?? 1536),
        ...(key === undefined ? {} : { apiKey: key }),
      }),
    });
  }
  return { measured, notes };
}
