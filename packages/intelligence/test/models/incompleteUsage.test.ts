import { ModelOutputError } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiCompatibleProvider } from "../../src/index.js";
import { completion, type OpenAiServer, startOpenAiServer } from "./openAiServer.js";

let server: OpenAiServer;

beforeEach(async () => {
  server = await startOpenAiServer();
});

afterEach(async () => {
  await server.close();
});

/** Asks the server once, after queueing a reply whose `usage` is `usage` (left out when undefined). */
async function replyWithUsage(usage: unknown) {
  const { usage: _, ...body } = completion("Hello");
  server.reply({ status: 200, body: usage === undefined ? body : { ...body, usage } });
  const model = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: "llama3.2", maxRetries: 0 });
  return model.chat({ messages: [{ role: "user", content: "Greet me." }] });
}

describe("a chat.completion reply with incomplete usage", () => {
  it("computes total tokens from prompt and completion tokens when the server leaves it out or nulls it", async () => {
    for (const total of [undefined, null]) {
      const reply = await replyWithUsage({ prompt_tokens: 42, completion_tokens: 7, total_tokens: total });
      expect(reply).toMatchObject({
        text: "Hello",
        usage: { promptTokens: 42, completionTokens: 7, totalTokens: 49 },
      });
    }
  });

  it("answers with usage undefined when usage is null, missing or has no token counts", async () => {
    for (const usage of [
      null,
      undefined,
      {},
      { prompt_tokens: 42 },
      { prompt_tokens: "42", completion_tokens: 7 },
      7,
    ]) {
      const reply = await replyWithUsage(usage);
      expect(reply).toEqual({
        text: "Hello",
        data: undefined,
        model: "llama3.2",
        finishReason: "stop",
        usage: undefined,
      });
    }
  });

  it("keeps the server's total when it gives one, and still refuses a reply without choices", async () => {
    const reply = await replyWithUsage({ prompt_tokens: 42, completion_tokens: 7, total_tokens: 50 });
    expect(reply.usage).toEqual({ promptTokens: 42, completionTokens: 7, totalTokens: 50 });
    server.reply({ status: 200, body: { object: "chat.completion", choices: [], usage: null } });
    const model = createOpenAiCompatibleProvider({
      baseUrl: server.baseUrl,
      model: "llama3.2",
      maxRetries: 0,
    });
    const error = await model
      .chat({ messages: [{ role: "user", content: "Greet me." }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ModelOutputError);
    expect((error as ModelOutputError).message).toContain("is no chat.completion (choices:");
  });
});
