/**
 * The stdio transport `serveStdio` uses: one write at a time, every line
 * that is not a message answered, and every request read answered before the
 * connection closes.
 *
 * @module
 */

import type { Readable, Writable } from "node:stream";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { readStdioLine } from "./readStdioLine.js";

/**
 * Requests that stay open for the whole connection and are answered only
 * when it closes (a 2026-07-28 `subscriptions/listen`): never waited for.
 */
const LONG_LIVED = new Set(["subscriptions/listen"]);

/**
 * A stdio transport that writes one message at a time and, when its input
 * ends, answers what it has read before it closes.
 *
 * One at a time: the SDK's `send` adds an `error` and a `drain` listener to
 * stdout while a write waits for the pipe to drain, so many answers queued
 * behind a full pipe (fifty parallel calls with large results) each added a
 * pair, past Node's leak warning; in a queue, at most one pair is attached at
 * a time and the order is kept.
 *
 * Answered before closing: the SDK's transport closes as soon as its input
 * ends, which aborts the requests still running, so a client that sent a
 * call and then closed stdin (or a server stopped by SIGTERM) lost the
 * answer. Here the end of the input waits until every request read has been
 * answered (or cancelled by the client), at most `graceMs`, then closes.
 *
 * Every line answered: the SDK's reader drops a line that is not JSON
 * without a word, so a client that wrote one waited for an answer that never
 * came. Here each line is read by `readStdioLine`: a message goes on to the
 * server; text that is not JSON is answered with a Parse error, JSON that is
 * not a message with an Invalid Request error, and both are logged.
 */
export class AnsweringStdioTransport extends StdioServerTransport {
  #last: Promise<unknown> = Promise.resolve();
  readonly #graceMs: number;
  readonly #log: (line: string) => void;
  /** Requests read and not yet answered. */
  readonly #running = new Set<RequestId>();
  #allAnswered: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #markClosed: () => void = () => undefined;
  /** Settles once the transport has closed: its input ended and was answered, or the server closed the connection. */
  readonly closed = new Promise<void>((resolve) => {
    this.#markClosed = resolve;
  });

  /**
   * @param input - the lines to read, one line per chunk, as `BoundedLines` gives them (its end is
   *   the client's end of the connection).
   * @param output - where the messages are written (stdout).
   * @param options - `graceMs`, how long requests still running when the input ends get to be
   *   answered; `log`, writes one line where the process logs (stderr), without its newline.
   */
  constructor(
    input: Readable,
    output: Writable,
    options: {
      readonly graceMs: number;
      readonly log: (line: string) => void;
    },
  ) {
    // The SDK's read buffer is never used: lines come whole, and `#readLine` reads them.
    super(input, output);
    this.#graceMs = options.graceMs;
    this.#log = options.log;
    // The SDK closes at once when its input ends (or closes); this answers what was read first.
    this._onstdinclose = () => void this.#closeWhenAnswered();
    // The SDK's reader drops a line that is not JSON silently; each chunk here is one line.
    this._ondata = (line) => this.#readLine(line);
  }

  /** Delivers a line that is a message; answers and logs one that is not (a blank line is skipped). */
  #readLine(line: Buffer): void {
    // A byte order mark before a line (PowerShell pipes write one first) is no part of its JSON.
    const read = readStdioLine(
      line
        .toString("utf8")
        .replace(/\r?\n$/, "")
        .replace(/^\uFEFF/, ""),
    );
    if (read.kind === "message") {
      // As the SDK's reader does: a server that throws on a message reports it, and reading goes on.
      try {
        this.onmessage?.(read.message);
      } catch (error) {
        this.onerror?.(error as Error);
      }
    } else if (read.kind === "refused") {
      this.#log(read.log);
      if (read.reply !== undefined) this.send(read.reply).catch(() => undefined);
    }
  }

  override async start(): Promise<void> {
    const deliver = this.onmessage;
    this.onmessage = (message) => {
      this.#read(message);
      deliver?.(message);
    };
    await super.start();
  }

  override send(message: JSONRPCMessage): Promise<void> {
    const sent = this.#last.then(() => super.send(message));
    this.#last = sent.catch(() => undefined);
    // Told by shape, not by the SDK's schema guards, which would parse every (possibly large) answer.
    if (!("method" in message) && "id" in message && message.id !== undefined) {
      const { id } = message;
      void this.#last.then(() => this.#answered(id));
    }
    return sent;
  }

  /**
   * Closes once every request read has been answered, or after the grace
   * period, whichever comes first (the requests still running then are
   * aborted, and named on the log). Called again, it returns the same close.
   */
  #closeWhenAnswered(): Promise<void> {
    this.#closing ??= this.#answerThenClose();
    return this.#closing;
  }

  override async close(): Promise<void> {
    await super.close();
    this.#markClosed();
  }

  async #answerThenClose(): Promise<void> {
    if (this.#running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const answered = new Promise<boolean>((resolve) => {
        this.#allAnswered = () => resolve(true);
        timer = setTimeout(() => resolve(false), this.#graceMs);
      });
      const inTime = await answered;
      clearTimeout(timer);
      if (!inTime) {
        const ids = [...this.#running].map((id) => JSON.stringify(id)).join(", ");
        this.#log(`closing without answering request(s) ${ids}: still running after ${this.#graceMs} ms`);
      }
    }
    await this.close();
  }

  /** Notes a request as running, and a client's cancellation as an answer it no longer waits for. */
  #read(message: JSONRPCMessage): void {
    if (!("method" in message)) return;
    if ("id" in message) {
      if (!LONG_LIVED.has(message.method)) this.#running.add(message.id);
    } else if (message.method === "notifications/cancelled") {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) this.#answered(id);
    }
  }

  #answered(id: RequestId): void {
    this.#running.delete(id);
    if (this.#running.size === 0) this.#allAnswered?.();
  }
}
