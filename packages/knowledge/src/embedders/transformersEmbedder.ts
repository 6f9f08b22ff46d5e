/**
 * An embedder that runs an ONNX sentence-embedding model from a local folder
 * with transformers.js (`@huggingface/transformers`, an optional peer
 * dependency loaded only when this embedder is created).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import { strictInput } from "@software-factory/core";
import { z } from "zod";
import { EmbedderError } from "../errors.js";
import { parseInput } from "../internal/parse.js";
import type { Embedder } from "../search/types.js";

const PACKAGE = "@huggingface/transformers";
const INSTALL_HINT = `npm install ${PACKAGE} (an optional peer dependency of @software-factory/knowledge)`;

/** File name suffix of `onnx/model<suffix>.onnx` for each weight type, as transformers.js names them. */
const DTYPE_SUFFIX = {
  fp32: "",
  fp16: "_fp16",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  q4f16: "_q4f16",
  bnb4: "_bnb4",
} as const;

/** Outputs of a model exported for feature extraction (one vector per token). */
const TOKEN_OUTPUTS = ["last_hidden_state", "token_embeddings"];

/** Options of {@link createTransformersEmbedder}; another key is refused, naming it and these. */
export const TransformersEmbedderOptionsSchema = strictInput({
  /**
   * Folder of the model in the Hugging Face layout: `config.json`,
   * `tokenizer.json`, `tokenizer_config.json` and `onnx/model.onnx` (or the
   * file of the chosen `dtype`, such as `onnx/model_quantized.onnx`; the
   * model file may also sit in the folder itself, as `optimum-cli` writes it).
   */
  modelPath: z.string().min(1),
  /** How token vectors become one text vector (default `mean`, what most sentence-embedding models expect). */
  pooling: z.enum(["mean", "cls", "first_token", "last_token", "eos"]).default("mean"),
  /** L2-normalize the vectors (default true). */
  normalize: z.boolean().default(true),
  /** Texts per model run (default 32). */
  batchSize: z.number().int().min(1).max(1024).default(32),
  /** Weights to load: `fp32` (default) reads `onnx/model.onnx`, `q8` reads `onnx/model_quantized.onnx`, and so on. */
  dtype: z.enum(Object.keys(DTYPE_SUFFIX) as [keyof typeof DTYPE_SUFFIX]).default("fp32"),
  /** Threads of one model run (ONNX Runtime's `intraOpNumThreads`); its default when omitted. */
  threads: z.number().int().min(1).max(256).optional(),
});
/** Options of {@link createTransformersEmbedder}, as a caller writes them. */
export type TransformersEmbedderOptions = z.input<typeof TransformersEmbedderOptionsSchema>;

/** An {@link Embedder} that holds a loaded model; close it to free the model's memory. */
export interface TransformersEmbedder extends Embedder {
  /** Absolute path of the model folder. */
  readonly modelPath: string;
  /** Releases the ONNX Runtime session. Embedding after closing fails. */
  close(): Promise<void>;
  /** Same as {@link TransformersEmbedder.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Loads a sentence-embedding model from a local folder and returns an
 * embedder for it (`semantic: true`, so the knowledge base fuses its hits with
 * lexical ones).
 *
 * Nothing is ever downloaded: the model is loaded by absolute path with
 * `local_files_only`, so a missing file is an error, not a fetch from the
 * Hugging Face Hub. The only change to transformers.js's global `env` is
 * `allowLocalModels = true` when something had switched it off (it is on by
 * default in Node). Models come from `optimum-cli export onnx --task
 * feature-extraction`, or from a clone of a `Xenova/*` or `onnx-community/*`
 * repository. transformers.js keeps what it read of a folder for the life of
 * the process: after replacing a model in place, restart the process.
 *
 * Its `embed` heeds the `signal` it is given between batches (`batchSize`
 * texts per model run): a run under way ends, then the call rejects with the
 * signal's reason; a caller such as the knowledge base stops waiting at once.
 *
 * The dimension is read from the model by embedding a probe text. The id,
 * `transformers:<folder name>:<dimension>:<fingerprint>`, changes when the
 * model files, the pooling, the normalization or the dtype change, so an index
 * built with another model or setting is rebuilt rather than mixed.
 *
 * @throws ValidationError when an option is invalid.
 * @throws EmbedderError when `@huggingface/transformers` is not installed, the
 * folder or one of its files is missing, or the model is not a feature-extraction
 * model; the message says what is missing, where, and how to fix it.
 * @example
 * ```ts
 * const embedder = await createTransformersEmbedder({ modelPath: "/models/all-MiniLM-L6-v2" });
 * const kb = await openKnowledgeBase({ log, dir: "knowledge", embedder });
 * ```
 */
export async function createTransformersEmbedder(
  options: TransformersEmbedderOptions,
): Promise<TransformersEmbedder> {
  const settings = parseInput(TransformersEmbedderOptionsSchema, options, "transformers.js embedder options");
  const folder = resolve(settings.modelPath);
  const modelFile = findModelFile(folder, `model${DTYPE_SUFFIX[settings.dtype]}.onnx`);
  const files = ["config.json", "tokenizer.json", "tokenizer_config.json", modelFile];
  const transformers = await importTransformers();
  if (!transformers.env.allowLocalModels) transformers.env.allowLocalModels = true;
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = await transformers.pipeline("feature-extraction", folder, {
      local_files_only: true,
      subfolder: modelFile.startsWith("onnx/") ? "onnx" : "",
      dtype: settings.dtype,
      device: "cpu",
      ...(settings.threads === undefined ? {} : { session_options: { intraOpNumThreads: settings.threads } }),
    });
  } catch (cause) {
    throw new EmbedderError({
      message: `cannot load the model in ${folder} with transformers.js: ${(cause as Error).message}; check that config.json names a model_type transformers.js supports, that tokenizer.json is a Hugging Face tokenizer and that ${modelFile} is an ONNX export of the model`,
      cause,
    });
  }
  const outputs = outputNames(extractor);
  if (outputs.length > 0 && !outputs.some((name) => TOKEN_OUTPUTS.includes(name))) {
    await extractor.dispose();
    throw new EmbedderError({
      message: `the model in ${folder} is not a feature-extraction model: its outputs are ${outputs.join(", ")}, not ${TOKEN_OUTPUTS.join(" or ")}; export the base model with optimum-cli export onnx --task feature-extraction`,
    });
  }
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const pooled = await extractor(texts, { pooling: settings.pooling, normalize: settings.normalize });
    const output = pooled.to("float32"); // fp16 models may answer in float16
    const [rows, width] = output.dims as [number, number];
    const data = output.data as Float32Array;
    return Array.from({ length: rows }, (_, row) => data.slice(row * width, (row + 1) * width));
  };
  let dimension: number;
  try {
    const [probe] = await run(["dimension probe"]);
    dimension = (probe as Float32Array).length;
  } catch (cause) {
    await extractor.dispose();
    throw new EmbedderError({
      message: `the model in ${folder} loaded but could not embed a text: ${(cause as Error).message}; is it a text feature-extraction model?`,
      cause,
    });
  }
  const fingerprint = await fingerprintOf(folder, files, settings);
  const close = (): Promise<void> => extractor.dispose();
  return {
    id: `transformers:${basename(folder)}:${dimension}:${fingerprint}`,
    dimension,
    semantic: true,
    modelPath: folder,
    // A model run cannot be cut short: an aborted signal stops the call before its next batch.
    embed: async (texts, embedOptions) => {
      const signal = embedOptions?.signal;
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += settings.batchSize) {
        signal?.throwIfAborted();
        vectors.push(...(await run(texts.slice(start, start + settings.batchSize))));
      }
      return vectors;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Checks the folder and returns the path of its model file in it: `onnx/<name>`
 * (the Hub layout) or `<name>` (where `optimum-cli export onnx` writes it).
 * Throws an {@link EmbedderError} naming the folder or the missing files.
 */
function findModelFile(folder: string, name: string): string {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new EmbedderError({
      message: `model folder ${folder} does not exist: export a sentence-embedding model there (optimum-cli export onnx --task feature-extraction --model <name> ${folder}) or clone a Xenova/* ONNX repository, then pass its path as modelPath`,
    });
  }
  const modelFile = [`onnx/${name}`, name].find((file) => existsSync(join(folder, file))) ?? `onnx/${name}`;
  const missing = ["config.json", "tokenizer.json", "tokenizer_config.json", modelFile].filter(
    (file) => !existsSync(join(folder, file)),
  );
  if (missing.length > 0) {
    throw new EmbedderError({
      message: `model folder ${folder} lacks ${missing.join(", ")}: it needs config.json, tokenizer.json, tokenizer_config.json and onnx/${name} or ${name} (the Hugging Face layout of an ONNX export; choose another dtype if only other .onnx files are there)`,
    });
  }
  return modelFile;
}

/** Loads transformers.js, or says how to install it. */
async function importTransformers(): Promise<typeof import("@huggingface/transformers")> {
  try {
    return await import("@huggingface/transformers");
  } catch (cause) {
    const notInstalled =
      (cause as { code?: string }).code === "ERR_MODULE_NOT_FOUND" &&
      String((cause as Error).message).includes(`'${PACKAGE}'`);
    throw new EmbedderError({
      message: notInstalled
        ? `the transformers.js embedder needs ${PACKAGE}, which is not installed: ${INSTALL_HINT}`
        : `cannot load ${PACKAGE} or its ONNX Runtime (onnxruntime-node): ${(cause as Error).message}; reinstall it with ONNXRUNTIME_NODE_INSTALL=skip ${INSTALL_HINT}`,
      cause,
    });
  }
}

/** Output names of the model's ONNX sessions (empty when transformers.js does not expose them). */
function outputNames(extractor: FeatureExtractionPipeline): string[] {
  const sessions = (extractor.model as unknown as { sessions?: Record<string, { outputNames?: string[] }> })
    .sessions;
  return Object.values(sessions ?? {}).flatMap((session) => session.outputNames ?? []);
}

/** A short hash of the model files and the settings that shape the vectors. */
async function fingerprintOf(
  folder: string,
  files: readonly string[],
  settings: { pooling: string; normalize: boolean; dtype: string },
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([settings.pooling, settings.normalize, settings.dtype]));
  for (const file of files) {
    hash.update(`\0${file}\0`);
    if (file.endsWith(".onnx")) {
      for await (const chunk of createReadStream(join(folder, file))) hash.update(chunk as Buffer);
    } else {
      hash.update(readFileSync(join(folder, file)));
    }
  }
  return hash.digest("hex").slice(0, 12);
}
