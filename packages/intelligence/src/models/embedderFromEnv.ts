import { anObject, checkArguments, inPlainWords, ValidationError } from "@software-factory/core";
import {
  createHashingEmbedder,
  createOpenAiEmbedder,
  createTransformersEmbedder,
  type Embedder,
} from "@software-factory/knowledge";
import { z } from "zod";

/** An embedder opened from the environment, with what releases it (a loaded model). */
export interface OpenedEmbedder {
  /** The embedder `FACTORY_EMBEDDER` names, configured from the other `FACTORY_EMBEDDER_*` variables. */
  readonly embedder: Embedder;
  /** Releases the loaded transformers.js model; does nothing for the hashing and OpenAI-compatible embedders. */
  close(): Promise<void>;
}

const KINDS = ["hashing", "openai", "transformers"] as const;

const OpenAiEnvSchema = z.object({
  FACTORY_EMBEDDER_URL: z.url({ message: "must be the server's base URL, as http://localhost:11434" }),
  FACTORY_EMBEDDER_MODEL: z.string().trim().min(1, "must name the model, as nomic-embed-text"),
  FACTORY_EMBEDDER_DIMENSION: z.coerce
    .number({ message: "must be the model's vector length, as 768" })
    .int("must be a whole number, as 768")
    .min(1, "must be at least 1"),
  FACTORY_EMBEDDER_KEY: z.string().trim().min(1).optional(),
});

const TransformersEnvSchema = z.object({
  FACTORY_EMBEDDER_MODEL_PATH: z
    .string()
    .trim()
    .min(1, "must be the folder of an ONNX sentence-embedding model"),
  FACTORY_EMBEDDER_POOLING: z.enum(["mean", "cls", "first_token", "last_token", "eos"]).optional(),
  FACTORY_EMBEDDER_DTYPE: z.enum(["fp32", "fp16", "q8", "int8", "uint8", "q4", "q4f16", "bnb4"]).optional(),
});

/**
 * The knowledge base's embedder configured by the environment, so the CLI and
 * the MCP server (whose settings often live in an agent's MCP config) use the
 * same one as a program calling {@link openFactory}. `FACTORY_EMBEDDER` names
 * the kind; unset means the default (undefined is returned):
 *
 * - `hashing`: the local hashing embedder (the default; not semantic).
 * - `openai`: an OpenAI-compatible `/v1/embeddings` server (OpenAI, Ollama,
 *   vLLM, TEI): `FACTORY_EMBEDDER_URL`, `FACTORY_EMBEDDER_MODEL`,
 *   `FACTORY_EMBEDDER_DIMENSION`, and `FACTORY_EMBEDDER_KEY` when it wants one.
 * - `transformers`: an ONNX model on disk run by transformers.js (the optional
 *   peer `@huggingface/transformers`): `FACTORY_EMBEDDER_MODEL_PATH`, and
 *   optionally `FACTORY_EMBEDDER_POOLING` and `FACTORY_EMBEDDER_DTYPE`.
 *
 * The vector index records which embedder built it; opening a factory with
 * another one rebuilds the index rather than mixing vectors.
 *
 * @throws ValidationError naming the variable that is missing or malformed.
 * @throws EmbedderError when the transformers.js model cannot be loaded.
 * @example
 * ```ts
 * // FACTORY_EMBEDDER=transformers FACTORY_EMBEDDER_MODEL_PATH=/models/all-MiniLM-L6-v2
 * const opened = await embedderFromEnv();
 * ```
 */
export async function embedderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<OpenedEmbedder | undefined> {
  checkArguments("embedderFromEnv", { env: [anObject("an environment, as process.env"), env] });
  const kind = env.FACTORY_EMBEDDER?.trim() || undefined;
  if (kind === undefined) return undefined;
  const unused = { close: async () => undefined };
  switch (kind) {
    case "hashing":
      return { embedder: createHashingEmbedder(), ...unused };
    case "openai": {
      const settings = parseEnv(OpenAiEnvSchema, env, "openai");
      const embedder = createOpenAiEmbedder({
        url: settings.FACTORY_EMBEDDER_URL,
        model: settings.FACTORY_EMBEDDER_MODEL,
        dimension: settings.FACTORY_EMBEDDER_DIMENSION,
        ...(settings.FACTORY_EMBEDDER_KEY === undefined ? {} : { apiKey: settings.FACTORY_EMBEDDER_KEY }),
      });
      return { embedder, ...unused };
    }
    case "transformers": {
      const settings = parseEnv(TransformersEnvSchema, env, "transformers");
      const embedder = await createTransformersEmbedder({
        modelPath: settings.FACTORY_EMBEDDER_MODEL_PATH,
        ...(settings.FACTORY_EMBEDDER_POOLING === undefined
          ? {}
          : { pooling: settings.FACTORY_EMBEDDER_POOLING }),
        ...(settings.FACTORY_EMBEDDER_DTYPE === undefined ? {} : { dtype: settings.FACTORY_EMBEDDER_DTYPE }),
      });
      return { embedder, close: () => embedder.close() };
    }
    default: {
      const message = `embedder environment is invalid: FACTORY_EMBEDDER is "${kind}"; it must be one of ${KINDS.join(", ")}, or unset for the default`;
      throw new ValidationError({
        message,
        issues: [{ path: "FACTORY_EMBEDDER", message: "unknown embedder" }],
      });
    }
  }
}

/** The variables of one embedder kind, or a ValidationError naming each bad one. */
function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, kind: string): z.output<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return { path: name, message: env[name] === undefined ? "is not set" : inPlainWords(issue) };
  });
  const listed = issues.map((issue) => `${issue.path} ${issue.message}`).join("; ");
  throw new ValidationError({
    message: `embedder environment is invalid for FACTORY_EMBEDDER=${kind}: ${listed}`,
    issues,
  });
}
