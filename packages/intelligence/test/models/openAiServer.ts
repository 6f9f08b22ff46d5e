/**
 * A local HTTP server that speaks OpenAI's chat-completions protocol, for
 * tests: it records each request and answers with the next scripted reply.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the server received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Record<string, unknown>;
}

/**
 * What to answer: a status, a JSON body and headers; `hang` never answers;
 * `stall` answers 200 and the first bytes of a body, then never ends it.
 */
export type ScriptedReply =
  | { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> }
  | { readonly hang: true }
  | { readonly stall: true };

/** A realistic `chat.completion` body with `content` as the assistant's message. */
export function completion(content: string | null, model = "llama3.2"): Record<string, unknown> {
  return {
    id: "chatcmpl-9xKQ2",
    object: "chat.completion",
    created: 1_764_115_200,
    model,
    system_fingerprint: "fp_ollama",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
  };
}

/** An OpenAI-style error body. */
export function errorBody(message: string, type = "invalid_request_error"): Record<string, unknown> {
  return { error: { message, type, param: null, code: null } };
}

/** A running scripted server. */
export interface OpenAiServer {
  /** `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** Requests received, oldest first. */
  readonly requests: ReceivedRequest[];
  /** Queues replies; when the queue is empty the server answers with `fallback`. */
  reply(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

/** Starts a server on a free local port. */
export async function startOpenAiServer(
  fallback: ScriptedReply = { status: 200, body: completion("ok") },
): Promise<OpenAiServer> {
  const queue: ScriptedReply[] = [];
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
      });
      const next = queue.shift() ?? fallback;
      if ("hang" in next) {
        hanging.push(response);
        return;
      }
      if ("stall" in next) {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"choices":[');
        hanging.push(response);
        return;
      }
      if (request.url !== "/v1/chat/completions") {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify(errorBody(`Invalid URL (POST ${request.url})`)));
        return;
      }
      response.writeHead(next.status, { "content-type": "application/json", ...next.headers });
      response.end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
