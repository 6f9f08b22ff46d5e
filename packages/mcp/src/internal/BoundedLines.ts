/**
 * Splitting a stdio stream into lines of bounded size.
 *
 * @module
 */

import { Transform, type TransformCallback } from "node:stream";
import { type Envelope, EnvelopeScanner } from "./EnvelopeScanner.js";

const NEWLINE = 0x0a;

/** A line dropped for its size: how many bytes it had and the envelope read from them. */
export type OversizedLine = Envelope & { readonly bytes: number };

/**
 * Passes on each newline-terminated line of at most `maxLineBytes` bytes as
 * its own chunk (newline included), and drops longer ones: their bytes are
 * scanned for the message's envelope as they pass, not held, and
 * `onOversized` is told of each. A line the input ends before terminating is
 * passed on as if its newline came: a client that wrote its last request
 * without one and closed stdin is answered (the MCP SDK's own reader drops
 * it without a word).
 *
 * The MCP SDK's stdio transport closes the whole connection when a line
 * outgrows its buffer; behind this stream, no line reaches it that can.
 */
export class BoundedLines extends Transform {
  readonly #maxLineBytes: number;
  readonly #onOversized: (line: OversizedLine) => void;
  /** Pieces of the line being read, while it is within the bound. */
  #pieces: Buffer[] = [];
  #lineBytes = 0;
  /** The envelope reader of the line being read, once it is over the bound. */
  #scanner: EnvelopeScanner | undefined;

  constructor(maxLineBytes: number, onOversized: (line: OversizedLine) => void) {
    super({ readableObjectMode: true });
    this.#maxLineBytes = maxLineBytes;
    this.#onOversized = onOversized;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.#take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) break;
      this.#endLine();
      start = newline + 1;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.#lineBytes > 0) this.#endLine();
    done();
  }

  /** Adds bytes to the line being read, holding them only while the line is within the bound. */
  #take(piece: Buffer): void {
    this.#lineBytes += piece.length;
    if (this.#scanner === undefined && this.#lineBytes > this.#maxLineBytes) {
      this.#scanner = new EnvelopeScanner();
      for (const held of this.#pieces) this.#scanner.feed(held);
      this.#pieces = [];
    }
    if (this.#scanner === undefined) this.#pieces.push(piece);
    else this.#scanner.feed(piece);
  }

  #endLine(): void {
    if (this.#scanner === undefined) {
      this.#pieces.push(Buffer.from([NEWLINE]));
      this.push(Buffer.concat(this.#pieces));
    } else {
      this.#onOversized({ bytes: this.#lineBytes, ...this.#scanner.envelope() });
    }
    this.#pieces = [];
    this.#lineBytes = 0;
    this.#scanner = undefined;
  }
}
