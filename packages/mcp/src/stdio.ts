/**
 * Serving a factory over stdio.
 *
 * @module
 */

import { ProtocolErrorCode } from "@modelcontextprotocol/server";
import { type StdioServerTransport, serveStdio as serveByEra } from "@modelcontextprotocol/server/stdio";
import type { Factory } from "@software-factory/intelligence";
import { buildFactoryMcpServer, type FactoryMcpServerOptions } from "./createFactoryMcpServer.js";
import { AnsweringStdioTransport } from "./internal/AnsweringStdioTransport.js";
import { BoundedLines, type OversizedLine } from "./internal/BoundedLines.js";
import { followServedSkills } from "./internal/SkillsFollower.js";
import { SIGNAL_DRAIN_GRACE_MS } from "./internal/stopOnSignals.js";

/** The most bytes one message may have on stdio (the MCP SDK's own bound for its read buffer). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

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
   * messages are read, the requests already read are answered (for up to
   * `SIGNAL_DRAIN_GRACE_MS`), the connection closes and `serveStdio`
   * resolves (a process stopping on SIGTERM aborts it, then closes the factory).
   */
  readonly signal?: AbortSignal;
}

/**
 * Serves a factory to one client over this process's stdin and stdout (what
 * Claude Code and Cursor start). Resolves when the client disconnects, or when `signal` aborts.
 *
 * Either way every request already read is answered before the connection
 * closes: a client may send a call and close stdin, and still read the
 * answer. A request still running `SIGNAL_DRAIN_GRACE_MS` (10 s) after that is
 * aborted unanswered, and stderr names it.
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
 * goes on serving the next. So does a line that is not a message: text
 * that is not JSON is answered with a Parse error (-32700), a request whose
 * params alone MCP refuses (a `_meta.progressToken` that is not a string or
 * an integer) with an Invalid params error (-32602) naming them, as over
 * HTTP, other JSON that is not a JSON-RPC message with an Invalid Request
 * error (-32600, with its id when it has one; none when it reads as a
 * response), and stderr says so; a blank line is skipped. What the connection refuses or drops (a revision the
 * server does not speak, a malformed envelope) is also said on stderr.
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
  const transport = new AnsweringStdioTransport(lines, process.stdout, {
    graceMs: SIGNAL_DRAIN_GRACE_MS,
    log: (line) => process.stderr.write(`@software-factory/mcp: ${line}\n`),
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
  // Stop reading; the end of the lines answers the requests already read, then closes (as stdin's end does).
  const stop = () => {
    process.stdin.unpipe(lines);
    lines.end();
  };
  options.signal?.addEventListener("abort", stop, { once: true });
  await transport.closed;
  options.signal?.removeEventListener("abort", stop);
  skills?.close();
  await connection.close();
  process.stdin.unpipe(lines);
  if (process.stdin.listenerCount("data") === 0) process.stdin.pause();
}
