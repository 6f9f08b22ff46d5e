/**
 * A model provider for OpenAI-compatible chat-completion endpoints: OpenAI,
 * Ollama, vLLM, LM Studio, llama.cpp's server and the like.
 *
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  type ChatReply,
  type ChatRequest,
  inPlainWords,
  ModelAuthError,
  ModelNotFoundError,
  ModelOutputError,
  type ModelProvider,
  ModelRateLimitError,
  ModelRequestError,
  ModelServerError,
  ModelTimeoutError,
  ModelUnreachableError,
  type ModelUsage,
  parseChatRequest,
  parseStructuredReply,
  strictInput,
} from "@software-factory/core";
import { z } from "zod";
import { invalidInput } from "../internal/invalid.js";
import { parseInput } from "../internal/parse.js";

/** Options of {@link createOpenAiCompatibleProvider}. */
export interface OpenAiCompatibleOptions {
  /**
   * Base URL of the server: `https://api.openai.com/v1`,
   * `http://localhost:11434/v1` (Ollama), `http://localhost:8000/v1` (vLLM),
   * `http://localhost:1234/v1` (LM Studio). `/v1` is added when missing.
   */
  readonly baseUrl: string;
  /** API key, sent as a bearer token (local servers usually need none). */
  readonly apiKey?: string;
  /** Model name as the server knows it (`gpt-4o-mini`, `llama3.2`). */
  readonly model: string;
  /** Time a request may take, its reply's body read to the end, before it fails with `ModelTimeoutError` (default 60,000 ms; each retry has its own). */
  readonly timeoutMs?: number;
  /** Retries after HTTP 429 or 5xx, with exponential backoff (default 3). */
  readonly maxRetries?: number;
  /** First backoff delay; it doubles on each retry, up to 8 s (default 500 ms). A `Retry-After` header wins, up to 60 s. */
  readonly retryDelayMs?: number;
}

/** What {@link createOpenAiCompatibleProvider} takes, no other key (one is refused, naming it and these). */
const OptionsSchema = strictInput({
  baseUrl: z.url({ protocol: /^https?$/, error: "baseUrl must be an http or https URL" }),
  apiKey: z.string().min(1, "apiKey must not be empty (leave it out for servers without keys)").optional(),
  model: z.string().trim().min(1, "model must name a model the server serves"),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  retryDelayMs: z.number().int().min(0).optional(),
});

/** A token count: a whole number, 0 or more. */
const TokenCount = z.number().int().nonnegative();

/**
 * A reply's `usage`, or undefined when it is missing, `null` or malformed
 * (some servers, as older llama.cpp and vLLM builds, leave out or null a
 * field): it is bookkeeping, never a reason to drop a usable reply.
 * `total_tokens` left out is prompt plus completion tokens.
 */
const UsageSchema = z
  .object({
    prompt_tokens: TokenCount,
    completion_tokens: TokenCount,
    total_tokens: TokenCount.optional().catch(undefined),
  })
  .optional()
  .catch(undefined);

/** The part of a `chat.completion` reply the provider reads. */
const CompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          refusal: z.string().nullable().optional(),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: UsageSchema,
});

const MAX_BACKOFF_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

/** The chat-completions URL of a base URL. */
function endpointOf(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  if (base.endsWith("/chat/completions")) return base;
  return /\/v\d+$/.test(base) ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
}

/**
 * Creates a {@link ModelProvider} over an OpenAI-compatible `/v1/chat/completions`
 * endpoint, with `fetch` and no SDK. Structured output is asked for with
 * `response_format: { type: "json_schema" }` and the reply is validated
 * against the schema. HTTP 429 and 5xx are retried with bounded exponential
 * backoff; every failure becomes a typed error whose message names the URL
 * (never the key) and what to change. A reply's `usage` is read when it has
 * whole prompt and completion token counts (its total, when left out, is
 * their sum); a missing, `null` or malformed one gives `usage: undefined`
 * and does not fail the reply.
 *
 * @throws ValidationError when the options are malformed.
 * @example
 * ```ts
 * const model = createOpenAiCompatibleProvider({ baseUrl: "http://localhost:11434/v1", model: "llama3.2" });
 * const reply = await model.chat({ messages: [{ role: "user", content: "Say hi" }] });
 * console.log(reply.text);
 * ```
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): ModelProvider {
  const config = parseInput(OptionsSchema, options, "model provider options");
  const endpoint = endpointOf(config.baseUrl);
  const timeoutMs = config.timeoutMs ?? 60_000;
  const maxRetries = config.maxRetries ?? 3;
  const retryDelayMs = config.retryDelayMs ?? 500;
  /** Takes the key out of text a server sent back (some echo part of a bad key). */
  const redact = (text: string) =>
    (config.apiKey === undefined ? text : text.replaceAll(config.apiKey, "***")).replace(
      /\bsk-[A-Za-z0-9*_-]{6,}/g,
      "***",
    );

  /** The error of a request its deadline or its caller stopped (the caller's reason, as `fetch` gives it); undefined when neither did. */
  function stopped(timeout: AbortSignal, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted === true) return signal.reason;
    if (!timeout.aborted) return undefined;
    return new ModelTimeoutError({
      message: `the model server at ${endpoint} did not answer within ${timeoutMs} ms; raise timeoutMs, use a smaller model, or ask for fewer tokens`,
      endpoint,
      timeoutMs,
    });
  }

  /** Sends the request; `timeout` bounds it, from the request to the last byte of the reply's body. */
  async function send(
    body: string,
    timeout: AbortSignal,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    try {
      return await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...(config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` }),
        },
        body,
        signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
      });
    } catch (error) {
      const stop = stopped(timeout, signal);
      if (stop !== undefined) throw stop;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ModelUnreachableError({
        message: `could not reach the model server at ${endpoint} (${cause?.code ?? cause?.message ?? (error as Error).message}); check baseUrl and that the server is running`,
        endpoint,
        cause: error,
      });
    }
  }

  /** Reads an error reply's message (`{ error: { message } }` or `{ error: "..." }`), redacted and shortened. */
  async function serverMessage(response: Response): Promise<string> {
    const text = await response.text().catch(() => "");
    let message = text;
    try {
      const parsed = JSON.parse(text) as { error?: string | { message?: string }; message?: string };
      message =
        typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message ?? text);
    } catch {
      // Not JSON: keep the text.
    }
    const flat = redact(message).replace(/\s+/g, " ").trim();
    return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
  }

  function backoff(attempt: number, response: Response): number {
    const retryAfter = Number(response.headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has("retry-after")) {
      return Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS);
    }
    return Math.min(retryDelayMs * 2 ** attempt, MAX_BACKOFF_MS);
  }

  async function post(body: string, signal: AbortSignal | undefined): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await send(body, timeout, signal);
      if (response.ok) {
        try {
          return await response.json();
        } catch (error) {
          // A body cut off by the deadline or the caller is no answer, not a malformed one.
          const stop = stopped(timeout, signal);
          if (stop !== undefined) throw stop;
          throw new ModelOutputError({
            message: `the model server at ${endpoint} answered HTTP ${response.status} with a body that is no JSON (${(error as Error).message}); check that baseUrl points at an OpenAI-compatible API`,
            endpoint,
            text: "",
            issues: [],
          });
        }
      }
      const { status } = response;
      const retriable = status === 429 || status >= 500;
      if (retriable && attempt < maxRetries) {
        await response.body?.cancel();
        try {
          await sleep(backoff(attempt, response), undefined, signal === undefined ? {} : { signal });
        } catch (error) {
          throw signal?.aborted === true ? signal.reason : error;
        }
        continue;
      }
      const attempts = attempt + 1;
      if (status === 401 || status === 403) {
        await response.body?.cancel();
        throw new ModelAuthError({
          message: `the model server at ${endpoint} refused the credentials (HTTP ${status}); ${config.apiKey === undefined ? "it needs an API key: set apiKey (or FACTORY_MODEL_KEY)" : "check apiKey (or FACTORY_MODEL_KEY) and that it may use this model"}`,
          endpoint,
          status,
        });
      }
      const detail = await serverMessage(response);
      if (signal?.aborted === true) throw signal.reason;
      const said = detail === "" ? "" : `: ${detail}`;
      if (status === 404) {
        throw new ModelNotFoundError({
          message: `the model server at ${endpoint} answered HTTP 404${said}; check that baseUrl ends in the API root (usually /v1) and that model "${config.model}" is served there (for Ollama: ollama pull ${config.model})`,
          endpoint,
          model: config.model,
        });
      }
      if (status === 429) {
        throw new ModelRateLimitError({
          message: `the model server at ${endpoint} is rate limiting requests (HTTP 429 after ${attempts} attempts)${said}; slow down, raise maxRetries, or raise the account's limits`,
          endpoint,
          attempts,
        });
      }
      if (status >= 500) {
        throw new ModelServerError({
          message: `the model server at ${endpoint} failed (HTTP ${status} after ${attempts} attempts)${said}; check the server's logs or try again later`,
          endpoint,
          status,
          attempts,
        });
      }
      throw new ModelRequestError({
        message: `the model server at ${endpoint} refused the request (HTTP ${status})${said}; check that model "${config.model}" supports the parameters sent (structured output needs response_format json_schema support)`,
        endpoint,
        status,
      });
    }
  }

  return {
    model: config.model,
    endpoint,
    chat: async <Output = undefined>(request: ChatRequest<Output>): Promise<ChatReply<Output>> => {
      parseChatRequest(request);
      const { output } = request;
      const body = JSON.stringify({
        model: config.model,
        messages: request.messages.map(({ role, content }) => ({ role, content })),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
        ...(output === undefined
          ? {}
          : {
              response_format: {
                type: "json_schema",
                json_schema: {
                  name: output.name,
                  ...(output.description === undefined ? {} : { description: output.description }),
                  schema: jsonSchemaOf(output.schema),
                  ...(output.strict === undefined ? {} : { strict: output.strict }),
                },
              },
            }),
        stream: false,
      });
      const completion = CompletionSchema.safeParse(await post(body, request.signal));
      if (!completion.success) {
        throw new ModelOutputError({
          message: `the model server at ${endpoint} sent a reply that is no chat.completion (${completion.error.issues
            .map((issue) => `${issue.path.join(".") || "(root)"}: ${inPlainWords(issue)}`)
            .join("; ")}); check that baseUrl points at an OpenAI-compatible API`,
          endpoint,
          text: "",
          issues: [],
        });
      }
      const [choice] = completion.data.choices;
      const text = choice?.message.content;
      if (typeof text !== "string") {
        const refusal = choice?.message.refusal;
        throw new ModelOutputError({
          message: `the model at ${endpoint} sent no content${typeof refusal === "string" ? `; it refused: ${refusal}` : ""}`,
          endpoint,
          text: "",
          issues: [],
        });
      }
      const usage = completion.data.usage;
      return {
        text,
        data: (output === undefined ? undefined : parseStructuredReply(text, output, endpoint)) as Output,
        model: completion.data.model ?? config.model,
        finishReason: choice?.finish_reason ?? undefined,
        usage:
          usage === undefined
            ? undefined
            : ({
                promptTokens: usage.prompt_tokens,
                completionTokens: usage.completion_tokens,
                totalTokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
              } satisfies ModelUsage),
      };
    },
  };
}

/**
 * The JSON schema sent for a zod schema, without the `$schema` key some servers' strict modes refuse.
 *
 * @throws ValidationError (path `output.schema`) when the schema holds what JSON schema cannot say (a date, a transform).
 */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let jsonSchema: Record<string, unknown>;
  try {
    jsonSchema = z.toJSONSchema(schema, { target: "draft-7", io: "output" });
  } catch (error) {
    throw invalidInput("chat request", [
      {
        path: "output.schema",
        message: `cannot be sent as JSON schema (${(error as Error).message}); the model writes JSON, so describe it with JSON types: a date as z.iso.datetime(), no transform`,
      },
    ]);
  }
  const { $schema: _dialect, ...rest } = jsonSchema;
  return rest;
}
