/**
 * An embedder for any OpenAI-compatible `/v1/embeddings` endpoint: OpenAI,
 * Ollama, vLLM, Hugging Face TEI, LM Studio.
 *
 * @module
 */
import { strictInput } from "@software-factory/core";
import { z } from "zod";
import { EmbedderError } from "../errors.js";
import { parseInput } from "../internal/parse.js";
import type { Embedder } from "../search/types.js";

/** Options of {@link createOpenAiEmbedder}; another key is refused, naming it and these. */
export const OpenAiEmbedderOptionsSchema = strictInput({
  /** Base URL of the server (`https://api.openai.com`, `http://localhost:11434`); `/v1/embeddings` is appended. */
  url: z.url(),
  /** Model name (`text-embedding-3-small`, `nomic-embed-text`). */
  model: z.string().min(1),
  /** Vector length the model returns; every answer is checked against it. */
  dimension: z.number().int().min(1).max(16_384),
  /** Bearer token, when the server wants one. */
  apiKey: z.string().min(1).optional(),
  /** Ask the server for shorter vectors (OpenAI text-embedding-3 models accept `dimensions`). */
  requestDimensions: z.boolean().default(false),
  /** Texts per request (default 64). */
  batchSize: z.number().int().min(1).max(2048).default(64),
  /** Retries of a request that failed with 408, 409, 429, 5xx or a network error (default 4). */
  maxRetries: z.number().int().min(0).max(10).default(4),
  /** First backoff in milliseconds, doubled each retry with jitter; `Retry-After` wins when sent (default 500). */
  backoffMs: z.number().int().min(0).max(60_000).default(500),
  /** Time limit of one request in milliseconds (default 30,000). */
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
});
/** Options of {@link createOpenAiEmbedder}, as a caller writes them. */
export type OpenAiEmbedderOptions = z.input<typeof OpenAiEmbedderOptionsSchema>;

const ResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * Creates an embedder that calls `POST {url}/v1/embeddings` in batches, with
 * retries and exponential backoff on rate limits and server errors, and errors
 * that say what to fix (wrong key, unknown model, wrong dimension).
 *
 * Its `embed` heeds the `signal` it is given: when it aborts, the request
 * under way is closed (`fetch` with the signal), no retry or further batch
 * starts, and the call rejects with the signal's reason.
 *
 * @throws ValidationError when an option is invalid.
 * @example
 * ```ts
 * const embedder = createOpenAiEmbedder({ url: "http://localhost:11434", model: "nomic-embed-text", dimension: 768 });
 * ```
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const settings = parseInput(OpenAiEmbedderOptionsSchema, options, "OpenAI-compatible embedder options");
  const endpoint = `${settings.url.replace(/\/+$/, "").replace(/\/v1$/, "")}/v1/embeddings`;
  const embedBatch = async (
    texts: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[]> => {
    const body = JSON.stringify({
      model: settings.model,
      input: texts,
      encoding_format: "float",
      ...(settings.requestDimensions ? { dimensions: settings.dimension } : {}),
    });
    for (let attempt = 0; ; attempt += 1) {
      signal?.throwIfAborted();
      // One request, cut off by its time limit or by the caller's signal (then it rejects with the caller's reason).
      const request = requestSignal(signal, settings.timeoutMs);
      try {
        let response: Response;
        try {
          response = await fetch(endpoint, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              ...(settings.apiKey === undefined ? {} : { authorization: `Bearer ${settings.apiKey}` }),
            },
            body,
            signal: request.signal,
          });
        } catch (cause) {
          signal?.throwIfAborted();
          if (attempt < settings.maxRetries) {
            await sleep(backoff(settings.backoffMs, attempt), signal);
            continue;
          }
          throw new EmbedderError({
            message: `cannot reach the embeddings endpoint ${endpoint} after ${attempt + 1} attempts: ${(cause as Error).message}`,
            cause,
          });
        }
        if (response.ok) {
          const json: unknown = await response.json().catch((cause: unknown) => {
            signal?.throwIfAborted();
            throw cause;
          });
          return parseVectors(json, texts.length, settings.dimension, endpoint);
        }
        const detail = await errorDetail(response);
        signal?.throwIfAborted();
        if (RETRYABLE.has(response.status) && attempt < settings.maxRetries) {
          await sleep(retryAfterMs(response) ?? backoff(settings.backoffMs, attempt), signal);
          continue;
        }
        throw new EmbedderError({
          message: `${endpoint} answered ${response.status}${detail === "" ? "" : ` (${detail})`}${hint(response.status, settings.model)}`,
          status: response.status,
        });
      } finally {
        request.release();
      }
    }
  };
  return {
    id: `openai-compatible:${new URL(endpoint).host}/${settings.model}/${settings.dimension}`,
    dimension: settings.dimension,
    semantic: true,
    embed: async (texts, options) => {
      const signal = options?.signal;
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += settings.batchSize) {
        vectors.push(...(await embedBatch(texts.slice(start, start + settings.batchSize), signal)));
      }
      return vectors;
    },
  };
}

/**
 * The signal of one request: it aborts after `timeoutMs`, or with the
 * caller's `signal`. `release` stops listening to the caller's signal, which
 * may outlive many requests.
 */
function requestSignal(
  signal: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; release: () => void } {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (signal === undefined) return { signal: timeout, release: () => undefined };
  const controller = new AbortController();
  const cancel = () => controller.abort(signal.reason);
  const expire = () => controller.abort(timeout.reason);
  signal.addEventListener("abort", cancel, { once: true });
  timeout.addEventListener("abort", expire, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      signal.removeEventListener("abort", cancel);
      timeout.removeEventListener("abort", expire);
    },
  };
}

function parseVectors(json: unknown, count: number, dimension: number, endpoint: string): Float32Array[] {
  const parsed = ResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new EmbedderError({ message: `${endpoint} answered with no usable "data" array of embeddings` });
  }
  const vectors = new Array<Float32Array>(count);
  for (const item of parsed.data.data) {
    if (item.embedding.length !== dimension) {
      throw new EmbedderError({
        message: `${endpoint} returned vectors of ${item.embedding.length} dimensions; the embedder was configured for ${dimension}: set dimension to ${item.embedding.length}`,
      });
    }
    if (item.index < count) vectors[item.index] = Float32Array.from(item.embedding);
  }
  if (vectors.some((vector) => vector === undefined) || parsed.data.data.length !== count) {
    throw new EmbedderError({
      message: `${endpoint} returned ${parsed.data.data.length} embeddings for ${count} texts`,
    });
  }
  return vectors;
}

async function errorDetail(response: Response): Promise<string> {
  try {
    const text = await response.text();
    const json = JSON.parse(text) as { error?: { message?: string } | string };
    const message = typeof json.error === "string" ? json.error : json.error?.message;
    return (message ?? text).slice(0, 300);
  } catch {
    return "";
  }
}

function hint(status: number, model: string): string {
  if (status === 401 || status === 403) return "; check the API key";
  if (status === 404) return `; check the URL and that the model "${model}" exists on the server`;
  if (status === 400) return "; a text may be too long for the model, or the options are wrong";
  return "";
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? Math.min(seconds * 1000, 60_000) : undefined;
}

function backoff(base: number, attempt: number): number {
  return base * 2 ** attempt * (0.5 + Math.random() / 2);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancel = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", cancel);
      resolve();
    }, ms);
    signal?.addEventListener("abort", cancel, { once: true });
  });
}
