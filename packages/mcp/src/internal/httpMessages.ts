/**
 * A Node HTTP request and its answer as the MCP server serves them: the body
 * read within a size bound, the web `Request` the MCP handler takes, the
 * signal of a client that left, and the wait for a client reading the answer.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { logRequest } from "./httpGuards.js";

/** Answers whose connection the server closed because the client stopped reading them. */
const stalledAnswers = new WeakSet<ServerResponse>();

/**
 * Resolves once a response can take more bytes, or once its connection has
 * closed: a client that left, or stopped reading and left, never drains it.
 * A client that reads none of it for `stallMs` while the connection's buffers
 * are full has its connection closed, so it cannot hold the answer's memory
 * for as long as it stays.
 */
export function drainedOrClosed(outgoing: ServerResponse, stallMs: number): Promise<void> {
  if (outgoing.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const stalled = setTimeout(() => {
      stalledAnswers.add(outgoing);
      outgoing.destroy();
    }, stallMs);
    const settle = () => {
      clearTimeout(stalled);
      outgoing.off("drain", settle).off("close", settle);
      resolve();
    };
    outgoing.on("drain", settle).on("close", settle);
  });
}

/** The path and query of a request target, or undefined when it does not parse. */
export function pathOf(target: string | undefined): URL | undefined {
  try {
    // A fixed base: the Host header never goes into a URL here.
    return new URL(target ?? "/", "http://localhost");
  } catch {
    return undefined;
  }
}

/**
 * Reads a request's body, or resolves undefined as soon as it grows over
 * `maxBytes` (then stops reading: the refusal closes the connection).
 */
export function readBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  if (incoming.method === "GET" || incoming.method === "HEAD") return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      incoming.pause();
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error("the client closed the connection before the body ended"));
    incoming.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * A signal that aborts when the client closes the connection before the
 * answer has been sent: the MCP handler then closes the exchange, which
 * cancels the call in flight (a 2026-07-28 client cancels a call so). Logged
 * as a 499 when `log`, as nginx logs it.
 */
export function abandoned(incoming: IncomingMessage, outgoing: ServerResponse, log: boolean): AbortSignal {
  const controller = new AbortController();
  outgoing.once("close", () => {
    if (outgoing.writableFinished) return;
    if (stalledAnswers.has(outgoing))
      logRequest(incoming, 408, "not answered: the client stopped reading the answer (connection closed)");
    else if (log)
      logRequest(incoming, 499, "not answered: the client closed the connection (its call is cancelled)");
    controller.abort(new Error("the client closed the connection"));
  });
  return controller.signal;
}

/** A web `Request` for the MCP handler, its URL built on a fixed base; `signal` aborts it. */
export function toWebRequest(
  incoming: IncomingMessage,
  path: URL,
  body: Buffer,
  signal: AbortSignal,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return new Request(`http://localhost${path.pathname}${path.search}`, {
    method: incoming.method ?? "GET",
    headers,
    signal,
    ...(body.length === 0 ? {} : { body }),
  });
}
