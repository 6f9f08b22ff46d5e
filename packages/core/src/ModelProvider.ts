/**
 * The model provider port: chat completion with optional structured (JSON
 * schema) output. Adapters (an OpenAI-compatible endpoint, say) live in other
 * packages and depend on this contract.
 *
 * @module
 */
import * as Data from "effect/Data";
import { z } from "zod";
import { validationErrorFromZod } from "./errors.js";
import { inPlainWords } from "./plainWords.js";

/** Who says a chat message: the instructions, the user, or the model. */
export const ChatRoleSchema = z.enum(["system", "user", "assistant"]);
/** Who says a chat message. */
export type ChatRole = z.infer<typeof ChatRoleSchema>;

/** One message of a chat. */
export interface ChatMessage {
  /** Who says it: `system`, `user` or `assistant`. */
  readonly role: ChatRole;
  /** What is said, as text. */
  readonly content: string;
}

/** Structured output: the reply must be JSON valid against `schema` (a zod schema, sent as JSON schema). */
export interface StructuredOutput<Output> {
  /** Name of the output format, `[a-zA-Z0-9_-]{1,64}` (`signal_classification`). */
  readonly name: string;
  /** What the output is, for the model. */
  readonly description?: string;
  /** The shape of the output; sent to the model as JSON schema and used to validate its reply. */
  readonly schema: z.ZodType<Output>;
  /** Ask the server to enforce the schema exactly (OpenAI's `strict`; every field must then be required). */
  readonly strict?: boolean;
}

/** A chat completion request. */
export interface ChatRequest<Output = undefined> {
  /** The conversation, oldest first; at least one message. */
  readonly messages: readonly ChatMessage[];
  /** Sampling temperature, 0 to 2 (default: the server's). */
  readonly temperature?: number;
  /** Most tokens the reply may take (default: the server's). */
  readonly maxTokens?: number;
  /** Ask for JSON valid against a schema instead of free text. */
  readonly output?: StructuredOutput<Output>;
  /** Cancels the request. */
  readonly signal?: AbortSignal;
}

/** Tokens a request used, as the server counted them. */
export interface ModelUsage {
  /** Tokens of the request's messages (the prompt). */
  readonly promptTokens: number;
  /** Tokens of the generated reply. */
  readonly completionTokens: number;
  /** Prompt and reply tokens together, as the server reported them. */
  readonly totalTokens: number;
}

/** A chat completion reply. */
export interface ChatReply<Output = undefined> {
  /** The reply's text (the JSON text when structured output was asked for). */
  readonly text: string;
  /** The parsed and validated output when structured output was asked for, else undefined. */
  readonly data: Output;
  /** The model that answered, as the server names it. */
  readonly model: string;
  /** Why the model stopped (`stop`, `length`), when the server says. */
  readonly finishReason: string | undefined;
  /** Token usage, when the server reports it. */
  readonly usage: ModelUsage | undefined;
}

/**
 * A language model behind a chat-completion API. Implementations validate the
 * request, send it, and turn every failure into one of the model errors below
 * ({@link ModelAuthError}, {@link ModelTimeoutError}...), whose messages name the
 * endpoint (never a key) and what to change.
 *
 * @example
 * ```ts
 * const reply = await provider.chat({
 *   messages: [{ role: "user", content: "Is this a bug? 'Refunds crash'" }],
 *   output: { name: "verdict", schema: z.object({ bug: z.boolean() }) },
 * });
 * reply.data.bug; // boolean
 * ```
 */
export interface ModelProvider {
  /** The model asked for (`gpt-4o-mini`, `llama3.2`). */
  readonly model: string;
  /** Where requests go (`http://localhost:11434/v1/chat/completions`). */
  readonly endpoint: string;
  /**
   * Sends a chat completion request.
   *
   * @throws ValidationError when the request is malformed.
   * @throws ModelOutputError when structured output was asked for and the reply does not parse or validate.
   */
  chat<Output = undefined>(request: ChatRequest<Output>): Promise<ChatReply<Output>>;
}

/** Validates the parts of a {@link ChatRequest} every provider relies on (not the output schema). */
export const ChatRequestSchema = z.object({
  /** The conversation, oldest first; at least one message. */
  messages: z
    .array(
      z.object({
        /** Who says it: `system`, `user` or `assistant`. */
        role: ChatRoleSchema,
        /** What is said, as text. */
        content: z.string(),
      }),
    )
    .min(1, "a chat request needs at least one message"),
  /** Sampling temperature, 0 to 2 (default: the server's). */
  temperature: z.number().min(0).max(2).optional(),
  /** Most tokens the reply may take, a positive integer (default: the server's). */
  maxTokens: z.number().int().positive().optional(),
  /** Structured output: the reply must be JSON valid against `schema`. */
  output: z
    .object({
      /** Name of the output format, `[a-zA-Z0-9_-]{1,64}`. */
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "output name must be 1-64 chars of [a-zA-Z0-9_-]"),
      /** What the output is, for the model. */
      description: z.string().optional(),
      /** The zod schema of the output; sent as JSON schema and used to validate the reply. */
      schema: z.custom<z.ZodType>(
        (value) => value instanceof z.ZodType,
        "output schema must be a zod schema",
      ),
      /** Ask the server to enforce the schema exactly (OpenAI's `strict`). */
      strict: z.boolean().optional(),
    })
    .optional(),
  /** Cancels the request. */
  signal: z
    .custom<AbortSignal>((value) => value instanceof AbortSignal, "signal must be an AbortSignal")
    .optional(),
});

/**
 * Validates a chat request.
 *
 * @throws ValidationError naming each bad field.
 */
export function parseChatRequest<Output>(request: ChatRequest<Output>): ChatRequest<Output> {
  const result = ChatRequestSchema.safeParse(request);
  if (!result.success) throw validationErrorFromZod(result.error.issues, { subject: "chat request" });
  return request;
}

/**
 * Parses a structured reply: JSON (a fenced ```json block is accepted, as
 * small local models often add one) that the output schema accepts.
 *
 * @throws ModelOutputError when the text is no JSON or does not match the schema.
 */
export function parseStructuredReply<Output>(
  text: string,
  output: StructuredOutput<Output>,
  endpoint: string,
): Output {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  let json: unknown;
  try {
    json = JSON.parse(fenced?.[1] ?? text);
  } catch (error) {
    throw new ModelOutputError({
      message: `the model at ${endpoint} answered "${output.name}" with text that is no JSON (${(error as Error).message}): ${preview(text)}; use a model that supports structured output, or lower the temperature`,
      endpoint,
      text,
      issues: [],
    });
  }
  const result = output.schema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: inPlainWords(issue),
  }));
  throw new ModelOutputError({
    message: `the model at ${endpoint} answered "${output.name}" with JSON that does not match its schema: ${issues
      .map((issue) => `${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`)
      .join("; ")}; use a model that supports structured output (response_format json_schema)`,
    endpoint,
    text,
    issues,
  });
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 119)}…` : flat);
}

/** A skill or call needs a model and the factory has none configured. */
export class ModelNotConfiguredError extends Data.TaggedError("ModelNotConfiguredError")<{
  /** Names what needed a model and how to configure one (`openFactory({ model })` or `FACTORY_MODEL_URL`). */
  readonly message: string;
  /** What needed the model (`skill classify-signal`). */
  readonly needed: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_NOT_CONFIGURED";
}

/** The model server refused the credentials (HTTP 401 or 403). */
export class ModelAuthError extends Data.TaggedError("ModelAuthError")<{
  /** Names the endpoint and the HTTP status, and whether an API key is missing or refused; never the key. */
  readonly message: string;
  /** The chat-completions URL the request went to. */
  readonly endpoint: string;
  /** The HTTP status the server answered: 401 or 403. */
  readonly status: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_AUTH";
}

/** The endpoint or the model does not exist on the server (HTTP 404). */
export class ModelNotFoundError extends Data.TaggedError("ModelNotFoundError")<{
  /** Names the endpoint and the model, and says how to check `baseUrl` or pull the model. */
  readonly message: string;
  /** The chat-completions URL the request went to. */
  readonly endpoint: string;
  /** The model asked for. */
  readonly model: string;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_NOT_FOUND";
}

/** The server kept answering HTTP 429 (rate limited) after every retry. */
export class ModelRateLimitError extends Data.TaggedError("ModelRateLimitError")<{
  /** Names the endpoint and the attempts made, and how to slow down or raise the limits. */
  readonly message: string;
  /** The chat-completions URL the request went to. */
  readonly endpoint: string;
  /** Requests made, retries included. */
  readonly attempts: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_RATE_LIMITED";
}

/** The server kept failing (HTTP 5xx) after every retry. */
export class ModelServerError extends Data.TaggedError("ModelServerError")<{
  /** Names the endpoint, the status and the attempts made, with the server's own message when it sent one. */
  readonly message: string;
  /** The chat-completions URL the request went to. */
  readonly endpoint: string;
  /** The last HTTP status the server answered (500 or above). */
  readonly status: number;
  /** Requests made, retries included. */
  readonly attempts: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_SERVER";
}

/** The server refused the request itself (another HTTP 4xx: an unsupported parameter, say). */
export class ModelRequestError extends Data.TaggedError("ModelRequestError")<{
  /** Names the endpoint and the status, with the server's own message, and which parameters to check. */
  readonly message: string;
  /** The chat-completions URL the request went to. */
  readonly endpoint: string;
  /** The HTTP status the server answered (a 4xx other than 401, 403, 404 and 429). */
  readonly status: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_REQUEST";
}

/** No reply came within the timeout. */
export class ModelTimeoutError extends Data.TaggedError("ModelTimeoutError")<{
  /**
   * Names the endpoint and the timeout, and what to change (a larger timeout, a smaller model, fewer tokens).
   */
  readonly message: string;
  /** The chat-completions URL the request went to. */
  readonly endpoint: string;
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_TIMEOUT";
}

/** The server could not be reached (connection refused, unknown host). */
export class ModelUnreachableError extends Data.TaggedError("ModelUnreachableError")<{
  /**
   * Names the endpoint and the network error (`ECONNREFUSED`); check the base URL and that the server runs.
   */
  readonly message: string;
  /** The chat-completions URL the request was for. */
  readonly endpoint: string;
  /** The error `fetch` threw. */
  readonly cause?: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_UNREACHABLE";
}

/** The reply could not be used: no message in it, or structured output that does not parse or match its schema. */
export class ModelOutputError extends Data.TaggedError("ModelOutputError")<{
  /** Names the endpoint and what was wrong with the reply (no content, no JSON, each schema mismatch). */
  readonly message: string;
  /** The chat-completions URL that answered. */
  readonly endpoint: string;
  /** The reply's text as received. */
  readonly text: string;
  /** Where the JSON did not match the schema (empty when it was no JSON at all). */
  readonly issues: readonly {
    /** Dot-joined path of the mismatching field in the output (`labels.0`); empty for the root. */
    readonly path: string;
    /** What the schema expected there. */
    readonly message: string;
  }[];
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_MODEL_OUTPUT";
}

/** Every error a model provider raises. */
export type ModelError =
  | ModelNotConfiguredError
  | ModelAuthError
  | ModelNotFoundError
  | ModelRateLimitError
  | ModelServerError
  | ModelRequestError
  | ModelTimeoutError
  | ModelUnreachableError
  | ModelOutputError;
