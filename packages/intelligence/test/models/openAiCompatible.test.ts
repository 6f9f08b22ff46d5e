import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ModelAuthError,
  ModelNotFoundError,
  ModelOutputError,
  ModelRateLimitError,
  ModelRequestError,
  ModelServerError,
  ModelTimeoutError,
  ModelUnreachableError,
  ValidationError,
} from "@software-factory/core";
import { createOpenAiCompatibleProvider, modelFromEnv } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { completion, errorBody, type OpenAiServer, startOpenAiServer } from "./openAiServer.js";

const KEY = "sk-test-0123456789abcdef";
let server: OpenAiServer;

beforeEach(async () => {
  server = await startOpenAiServer();
});

afterEach(async () => {
  await server.close();
});

function provider(options: { apiKey?: string; timeoutMs?: number; maxRetries?: number } = {}) {
  return createOpenAiCompatibleProvider({
    baseUrl: server.baseUrl,
    model: "llama3.2",
    retryDelayMs: 1,
    ...options,
  });
}

const hello = [
  { role: "system" as const, content: "You answer in one word." },
  { role: "user" as const, content: "Greet me." },
];

async function failure(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("createOpenAiCompatibleProvider", () => {
  it("posts the model, messages, temperature, max tokens and key to /v1/chat/completions and reads the reply", async () => {
    server.reply({ status: 200, body: completion("Hello") });
    const model = provider({ apiKey: KEY });
    expect(model.endpoint).toBe(`${server.baseUrl}/chat/completions`);
    const reply = await model.chat({ messages: hello, temperature: 0.2, maxTokens: 16 });
    expect(reply).toEqual({
      text: "Hello",
      data: undefined,
      model: "llama3.2",
      finishReason: "stop",
      usage: { promptTokens: 42, completionTokens: 7, totalTokens: 49 },
    });
    const [request] = server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toEqual({
      model: "llama3.2",
      messages: hello,
      temperature: 0.2,
      max_tokens: 16,
      stream: false,
    });
  });

  it("adds /v1 to a server root (as Ollama's http://localhost:11434) and sends no key when none is set", async () => {
    const model = createOpenAiCompatibleProvider({
      baseUrl: server.baseUrl.replace(/\/v1$/, "/"),
      model: "llama3.2",
    });
    expect((await model.chat({ messages: hello })).text).toBe("ok");
    expect(server.requests[0]?.path).toBe("/v1/chat/completions");
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("asks for structured output with response_format json_schema and returns the validated data", async () => {
    server.reply({ status: 200, body: completion('{"bug": true, "area": "refunds"}') });
    const reply = await provider().chat({
      messages: hello,
      output: {
        name: "triage",
        description: "Whether the text reports a bug",
        strict: true,
        schema: z.object({ bug: z.boolean(), area: z.string() }),
      },
    });
    expect(reply.data).toEqual({ bug: true, area: "refunds" });
    const format = server.requests[0]?.body.response_format as {
      type: string;
      json_schema: { name: string; description: string; strict: boolean; schema: Record<string, unknown> };
    };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema).toMatchObject({
      name: "triage",
      description: "Whether the text reports a bug",
      strict: true,
    });
    expect(format.json_schema.schema).toMatchObject({
      type: "object",
      properties: { bug: { type: "boolean" }, area: { type: "string" } },
      required: ["bug", "area"],
      additionalProperties: false,
    });
    expect(format.json_schema.schema).not.toHaveProperty("$schema");
  });

  it("accepts structured output in a ```json fence, as small local models write it", async () => {
    server.reply({ status: 200, body: completion('```json\n{"bug": false}\n```') });
    const reply = await provider().chat({
      messages: hello,
      output: { name: "triage", schema: z.object({ bug: z.boolean() }) },
    });
    expect(reply.data).toEqual({ bug: false });
  });

  it("fails with ModelOutputError when the structured reply is no JSON or does not match the schema", async () => {
    const output = { name: "triage", schema: z.object({ bug: z.boolean() }) };
    server.reply({ status: 200, body: completion("Yes, it is a bug.") });
    const notJson = await failure(provider().chat({ messages: hello, output }));
    expect(notJson).toBeInstanceOf(ModelOutputError);
    expect(notJson.message).toContain('answered "triage" with text that is no JSON');
    expect((notJson as ModelOutputError).text).toBe("Yes, it is a bug.");

    server.reply({ status: 200, body: completion('{"bug": "yes"}') });
    const mismatch = (await failure(provider().chat({ messages: hello, output }))) as ModelOutputError;
    expect(mismatch).toBeInstanceOf(ModelOutputError);
    expect(mismatch.issues.map((issue) => issue.path)).toEqual(["bug"]);
    expect(mismatch.message).toContain("does not match its schema: bug:");
  });

  it("fails with ModelOutputError when the reply carries no content", async () => {
    server.reply(
      { status: 200, body: completion(null) },
      { status: 200, body: { object: "list", data: [] } },
    );
    expect(await failure(provider().chat({ messages: hello }))).toBeInstanceOf(ModelOutputError);
    const shape = await failure(provider().chat({ messages: hello }));
    expect(shape.message).toContain("is no chat.completion");
  });

  it("turns 401 into ModelAuthError naming the URL and never the key", async () => {
    server.reply({ status: 401, body: errorBody(`Incorrect API key provided: ${KEY}.`, "invalid_api_key") });
    const error = await failure(provider({ apiKey: KEY }).chat({ messages: hello }));
    expect(error).toBeInstanceOf(ModelAuthError);
    expect(error.message).toContain(`${server.baseUrl}/chat/completions`);
    expect(error.message).toContain("check apiKey (or FACTORY_MODEL_KEY)");
    expect(error.message).not.toContain(KEY);
    expect(server.requests).toHaveLength(1);
  });

  it("turns 404 into ModelNotFoundError naming the model, with the server's message, the key redacted", async () => {
    server.reply({
      status: 404,
      body: errorBody(`model "llama3.2" not found, try pulling it first (key ${KEY})`),
    });
    const error = await failure(provider({ apiKey: KEY }).chat({ messages: hello }));
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(error.message).toContain('model "llama3.2" not found, try pulling it first');
    expect(error.message).toContain("ollama pull llama3.2");
    expect(error.message).not.toContain(KEY);
  });

  it("turns another 4xx into ModelRequestError at once, without retrying", async () => {
    server.reply({
      status: 400,
      body: errorBody("response_format json_schema is not supported by this model"),
    });
    const error = await failure(provider().chat({ messages: hello }));
    expect(error).toBeInstanceOf(ModelRequestError);
    expect(error.message).toContain("HTTP 400): response_format json_schema is not supported");
    expect(server.requests).toHaveLength(1);
  });

  it("retries 429 and 5xx with backoff, honouring Retry-After, and succeeds when the server recovers", async () => {
    server.reply(
      {
        status: 429,
        body: errorBody("Rate limit reached", "rate_limit_exceeded"),
        headers: { "retry-after": "0" },
      },
      { status: 503, body: errorBody("overloaded", "server_error") },
      { status: 200, body: completion("Hello") },
    );
    expect((await provider().chat({ messages: hello })).text).toBe("Hello");
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((request) => JSON.stringify(request.body))).size).toBe(1);
  });

  it("gives up after maxRetries with ModelRateLimitError or ModelServerError counting the attempts", async () => {
    const limited = await startOpenAiServer({
      status: 429,
      body: errorBody("Rate limit reached", "rate_limit_exceeded"),
    });
    const error = (await failure(
      createOpenAiCompatibleProvider({
        baseUrl: limited.baseUrl,
        model: "m",
        maxRetries: 2,
        retryDelayMs: 1,
      }).chat({
        messages: hello,
      }),
    )) as ModelRateLimitError;
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect(error.attempts).toBe(3);
    expect(limited.requests).toHaveLength(3);
    await limited.close();

    const failing = await startOpenAiServer({
      status: 500,
      body: errorBody("CUDA out of memory", "server_error"),
    });
    const serverError = (await failure(
      createOpenAiCompatibleProvider({
        baseUrl: failing.baseUrl,
        model: "m",
        maxRetries: 1,
        retryDelayMs: 1,
      }).chat({
        messages: hello,
      }),
    )) as ModelServerError;
    expect(serverError).toBeInstanceOf(ModelServerError);
    expect(serverError.message).toContain("HTTP 500 after 2 attempts): CUDA out of memory");
    expect(failing.requests).toHaveLength(2);
    await failing.close();
  });

  it("fails with ModelTimeoutError when no reply comes within timeoutMs", async () => {
    server.reply({ hang: true });
    const started = performance.now();
    const error = (await failure(
      provider({ timeoutMs: 200 }).chat({ messages: hello }),
    )) as ModelTimeoutError;
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(error.timeoutMs).toBe(200);
    expect(error.message).toContain(
      `${server.baseUrl}/chat/completions did not answer within 200 ms; raise timeoutMs`,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("fails with ModelTimeoutError when the reply's body stops coming within timeoutMs", async () => {
    server.reply({ stall: true });
    const error = (await failure(
      provider({ timeoutMs: 200 }).chat({ messages: hello }),
    )) as ModelTimeoutError;
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(error.message).toContain("did not answer within 200 ms");
  });

  it("rejects with the caller's reason when its signal aborts while the body comes, as before the headers", async () => {
    const reason = new Error("the operator cancelled");
    for (const reply of [{ stall: true }, { hang: true }] as const) {
      server.reply(reply);
      const controller = new AbortController();
      const call = provider().chat({ messages: hello, signal: controller.signal });
      while (server.requests.length === 0) await sleep(5);
      await sleep(50); // the stalled reply's headers arrive: the abort comes while its body is read
      controller.abort(reason);
      expect(await failure(call)).toBe(reason);
      server.requests.length = 0;
    }
  });

  it("fails with ModelUnreachableError when nothing listens at the URL", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await failure(
      createOpenAiCompatibleProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, model: "m" }).chat({
        messages: hello,
      }),
    );
    expect(error).toBeInstanceOf(ModelUnreachableError);
    expect(error.message).toContain(`http://127.0.0.1:${port}/v1/chat/completions (ECONNREFUSED)`);
  });

  it("refuses malformed options and requests with ValidationError naming the field", async () => {
    expect(() => createOpenAiCompatibleProvider({ baseUrl: "localhost:11434", model: "m" })).toThrow(
      ValidationError,
    );
    expect(() => createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: " " })).toThrow(
      /model: model must name/,
    );
    const error = await failure(provider().chat({ messages: [] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain("messages: a chat request needs at least one message");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an output schema JSON schema cannot say with ValidationError at output.schema, sending nothing", async () => {
    const schemas: z.ZodType[] = [z.object({ at: z.date() }), z.object({ n: z.string().transform(Number) })];
    for (const schema of schemas) {
      const error = await failure(provider().chat({ messages: hello, output: { name: "when", schema } }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe("output.schema");
      expect(error.message).toMatch(
        /output\.schema: cannot be sent as JSON schema \((Date|Transforms) cannot/,
      );
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe("modelFromEnv", () => {
  it("builds a provider from FACTORY_MODEL_URL, FACTORY_MODEL and FACTORY_MODEL_KEY, or none when unset", async () => {
    expect(modelFromEnv({})).toBeUndefined();
    const model = modelFromEnv({
      FACTORY_MODEL_URL: server.baseUrl,
      FACTORY_MODEL: "qwen2.5",
      FACTORY_MODEL_KEY: KEY,
    });
    expect(model?.model).toBe("qwen2.5");
    await model?.chat({ messages: hello });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(() => modelFromEnv({ FACTORY_MODEL_URL: server.baseUrl })).toThrow(/FACTORY_MODEL is not set/);
  });
});
