/**
 * Serving a factory over stdio.
 *
 * @module
 */

import { ProtocolErrorCode } from "@modelcontextprotocol/server";
import { StdioServerTransport, serveStdio as serveByEra } from "@modelcontextprotocol/server/stdio";
import type { Factory } from "@software-factory/intelligence";
import { buildFactoryMcpServer, type FactoryMcpServerOptions } from "./createFactoryMcpServer.js";
import { BoundedLines, type OversizedLine } from "./internal/BoundedLines.js";
import { followServedSkills } from "./internal/SkillsFollower.js";

/** The most bytes one message may have on stdio (the MCP SDK's own bound for its read buffer). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * A stdio transport that writes one message at a time. The SDK's `send` adds
 * an `error` and a `drain` listener to stdout while a write waits for the pipe
 * to drain, so many answers queued behind a full pipe (fifty parallel calls
 * with large results) each added a pair, past Node's leak warning; in a queue,
 * at most one pair is attached at a time and the order is kept.
 */
class OneAtATimeStdioTransport extends StdioServerTransport {
  #last: Promise<unknown> = Promise.resolve();
  #markClosed: () => void = () => undefined;
  /** Settles once the transport has closed: the client ended stdin, or the server closed the connection. */
  readonly closed = new Promise<void>((resolve) => {
    this.#markClosed = resolve;
  });

  override send(message: Parameters<StdioServerTransport["send"]>[0]): Promise<void> {
    const sent = this.#last.then(() => super.send(message));
    this.#last = sent.catch(() => undefined);
    return sent;
  }

  override async close(): Promise<void> {
    await super.close();
    this.#markClosed();
  }
}

/**
 * Answers, where JSON-RPC allows, a message dropped for its size, and says so
 * on stderr: a request gets an Invalid Request error with its id, a message
 * whose id cannot be read a Parse Error without one; a notification or a
 * response gets no answer.
 */
function refuseOversized(transport: StdioServerTransport, line: OversizedLine): void {
  const what =
    line.kind === "request"
      ? `request ${JSON.stringify(line.id)}`
      : {
          notification: "a notification",
          response: "a response",
          unreadable: "a message without a readable id",
        }[line.kind];
  const reason = `${line.bytes} bytes, over the ${MAX_MESSAGE_BYTES} bytes (10 MiB) one stdio message may have; it was dropped unread`;
  process.stderr.write(`@software-factory/mcp: ${what}: ${reason}\n`);
  if (line.kind === "notification" || line.kind === "response") return;
  const error =
    line.kind === "request"
      ? { code: ProtocolErrorCode.InvalidRequest, message: `Request of ${reason}` }
      : { code: ProtocolErrorCode.ParseError, message: `Message of ${reason}` };
  const id = line.kind === "request" ? { id: line.id } : {};
  transport.send({ jsonrpc: "2.0", ...id, error }).catch(() => undefined);
}

/** Options of {@link serveStdio}: the server's, and a signal that ends the service. */
export interface StdioServeOptions extends FactoryMcpServerOptions {
  /**
   * Aborting it ends the service as the client ending stdin does: no more
   * messages are read, the connection closes and `serveStdio` resolves (a
   * process stopping on SIGTERM aborts it, then closes the factory).
   */
  readonly signal?: AbortSignal;
}

/**
 * Serves a factory to one client over this process's stdin and stdout (what
 * Claude Code and Cursor start). Resolves when the client disconnects, or when `signal` aborts.
 *
 * It speaks protocol revisions 2025-11-25 and 2026-07-28: the client's first
 * message chooses for the whole connection (an `initialize` handshake the
 * 2025 one; a `server/discover` probe or a request carrying the 2026
 * envelope the 2026 one), as the MCP SDK's `serveStdio` decides it; each era
 * gets its own server over the same factory and the same tools.
 *
 * While it serves, it follows the factory's skills folder (see
 * `skillsDir` in the options): skill folders added, changed or removed
 * update the prompts, and the client is sent
 * `notifications/prompts/list_changed`.
 *
 * A message over 10 MiB does not end the connection (the MCP SDK's stdio
 * transport closes when one outgrows its buffer): it is dropped unread, a
 * request among them answered with an Invalid Request error, and the server
 * goes on serving the next. What the connection refuses or drops (a
 * revision the server does not speak, a malformed envelope) is also said on
 * stderr.
 *
 * Given a function that opens the factory instead of an open one, it opens
 * the factory first and speaks only once it is open, so a factory that cannot
 * open fails here, before a client is told of any tool (opening takes tens of
 * milliseconds, even for a thousand lines). The caller closes the factory.
 *
 * @throws whatever the function throws when the factory cannot open; nothing
 * was written to stdout then.
 */
export async function serveStdio(
  factory: Factory | (() => Promise<Factory>),
  options: StdioServeOptions = {},
): Promise<void> {
  const opened = typeof factory === "function" ? await factory() : factory;
  if (options.signal?.aborted) return;
  const lines = new BoundedLines(MAX_MESSAGE_BYTES, (line) => refuseOversized(transport, line));
  // A line of MAX_MESSAGE_BYTES and its newline fit the SDK's buffer; a longer one never reaches it.
  const transport = new OneAtATimeStdioTransport(lines, process.stdout, {
    maxBufferSize: MAX_MESSAGE_BYTES + 1,
  });
  process.stdin.pipe(lines);
  const skills = followServedSkills(opened, options);
  // The same server for both eras, as serveHttp's handler builds it; it follows the skills folder.
  const connection = serveByEra(
    () => {
      const { server, syncSkills } = buildFactoryMcpServer(opened, options);
      if (syncSkills !== undefined) {
        skills?.subscribe(() => {
          syncSkills();
          server.sendResourceListChanged();
        });
      }
      return server;
    },
    {
      transport,
      onerror: (error) => process.stderr.write(`@software-factory/mcp: ${error.message}\n`),
    },
  );
  const stop = () => void transport.close();
  options.signal?.addEventListener("abort", stop, { once: true });
  await transport.closed;
  options.signal?.removeEventListener("abort", stop);
  skills?.close();
  await connection.close();
  process.stdin.unpipe(lines);
  if (process.stdin.listenerCount("data") === 0) process.stdin.pause();
}
