/**
 * Reading a JSON-RPC message's envelope from bytes streaming past.
 *
 * @module
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
/** Top-level keys are kept to this many bytes: enough to tell `id` and `method` from others. */
const MAX_KEY_BYTES = 16;
/** A request id longer than this (as JSON text) is not read. */
const MAX_ID_BYTES = 256;

/**
 * What the top level of a JSON-RPC message said about itself: a request
 * (`method` and a string or integer `id`), a notification (`method`, no
 * `id`), a response (`id`, no `method`), or none of them (not a JSON object,
 * or an `id` that is not a string or an integer).
 */
export type Envelope =
  | { readonly kind: "request"; readonly id: string | number }
  | { readonly kind: "notification" | "response" | "unreadable" };

/**
 * Reads the top-level `id` and `method` keys of one JSON object fed to it in
 * chunks, keeping only those few bytes, so the envelope of a message too
 * large to hold can still be read (the MCP SDK's client writes `id` last).
 *
 * It tracks strings and nesting depth, not JSON's whole grammar: text that is
 * not a JSON object reads as `unreadable`. Structural characters are ASCII
 * and never occur inside a multi-byte UTF-8 sequence, so it scans bytes.
 */
export class EnvelopeScanner {
  #depth = 0;
  #started = false;
  #isObject = false;
  #inString = false;
  #escaped = false;
  #expectKey = false;
  /** Bytes of the top-level key being read, while one is. */
  #key: number[] | undefined;
  /** The last top-level key read. */
  #lastKey = "";
  /** Bytes of the top-level `id` value being read, while one is. */
  #idBytes: number[] | undefined;
  #idText: string | undefined;
  #hasMethod = false;
  #hasId = false;

  /** Scans the next bytes of the message. */
  feed(bytes: Uint8Array): void {
    let index = 0;
    while (index < bytes.length) {
      if (this.#inPlainString()) index = skipPlainStringBytes(bytes, index);
      if (index < bytes.length) this.#step(bytes[index] as number);
      index += 1;
    }
  }

  /** The envelope read from everything fed so far. */
  envelope(): Envelope {
    this.#endId();
    if (!this.#isObject) return { kind: "unreadable" };
    if (!this.#hasId) return { kind: this.#hasMethod ? "notification" : "unreadable" };
    if (!this.#hasMethod) return { kind: "response" };
    const id = this.#idText === undefined ? undefined : parseId(this.#idText);
    return id === undefined ? { kind: "unreadable" } : { kind: "request", id };
  }

  /** Whether the next bytes are inside a string whose bytes are not kept, so only its end matters. */
  #inPlainString(): boolean {
    return this.#inString && !this.#escaped && this.#key === undefined && this.#idBytes === undefined;
  }

  #step(byte: number): void {
    if (!this.#started) {
      if (byte <= 0x20) return;
      this.#started = true;
      this.#isObject = byte === OPEN_BRACE;
    }
    if (!this.#isObject) return;
    if (this.#idBytes !== undefined && this.#idBytes.length <= MAX_ID_BYTES) this.#idBytes.push(byte);
    if (this.#inString) {
      this.#stepInString(byte);
      return;
    }
    if (byte === QUOTE) {
      this.#inString = true;
      if (this.#depth === 1 && this.#expectKey) this.#key = [];
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      this.#depth += 1;
      if (this.#depth === 1) this.#expectKey = true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (this.#depth === 1) this.#endId(byte);
      this.#depth -= 1;
    } else if (this.#depth === 1 && byte === COLON) {
      this.#expectKey = false;
      if (this.#lastKey === "id") this.#idBytes = [];
    } else if (this.#depth === 1 && byte === COMMA) {
      this.#endId(byte);
      this.#expectKey = true;
    }
  }

  #stepInString(byte: number): void {
    if (this.#escaped) {
      this.#escaped = false;
    } else if (byte === BACKSLASH) {
      this.#escaped = true;
    } else if (byte === QUOTE) {
      this.#inString = false;
      if (this.#key !== undefined) this.#endKey();
      return;
    }
    if (this.#key !== undefined && this.#key.length <= MAX_KEY_BYTES) this.#key.push(byte);
  }

  #endKey(): void {
    this.#lastKey = this.#key === undefined ? "" : String.fromCharCode(...this.#key);
    this.#key = undefined;
    if (this.#lastKey === "method") this.#hasMethod = true;
    if (this.#lastKey === "id") this.#hasId = true;
  }

  /** Ends the `id` value being read at the byte that closed it (not part of the value). */
  #endId(closing?: number): void {
    if (this.#idBytes === undefined) return;
    if (closing !== undefined) this.#idBytes.pop();
    this.#idText =
      this.#idBytes.length <= MAX_ID_BYTES ? Buffer.from(this.#idBytes).toString("utf8") : undefined;
    this.#idBytes = undefined;
  }
}

/** The index of the next quote or backslash in `bytes` from `index`, or its length. */
function skipPlainStringBytes(bytes: Uint8Array, index: number): number {
  let next = index;
  while (next < bytes.length && bytes[next] !== QUOTE && bytes[next] !== BACKSLASH) next += 1;
  return next;
}

/** A JSON-RPC request id from its JSON text: a string or an integer, else undefined. */
function parseId(text: string): string | number | undefined {
  try {
    const id: unknown = JSON.parse(text);
    return typeof id === "string" || Number.isInteger(id) ? (id as string | number) : undefined;
  } catch {
    return undefined;
  }
}
