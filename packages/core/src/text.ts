/**
 * Reading bytes as text: files users hand to the factory (factory.yaml,
 * CODEOWNERS, SKILL.md, markdown) must be UTF-8 and hold no NUL byte; bytes
 * that are not would otherwise become U+FFFD without a word.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";

/** Why bytes are not text, and where the first offending byte is (1-based line and column). */
export interface NotText {
  /** `binary`: a NUL byte; `not-utf8`: bytes that are not UTF-8. */
  readonly reason: "binary" | "not-utf8";
  /** Line of the first offending byte. */
  readonly line: number;
  /** Column of that byte, in characters of its line. */
  readonly column: number;
  /** What is wrong, to follow a file name: `is a binary file (it holds a NUL byte), not text`. */
  readonly message: string;
}

const NEWLINE = 0x0a;

/**
 * The text of UTF-8 bytes without NUL bytes, or where and why they are not
 * such text. A leading byte order mark is dropped.
 *
 * @example
 * ```ts
 * const read = decodeText(readFileSync("CODEOWNERS"));
 * if ("notText" in read) throw new Error(`CODEOWNERS:${read.notText.line}: ${read.notText.message}`);
 * ```
 */
export function decodeText(bytes: Uint8Array):
  | {
      /** The decoded text, when the bytes are UTF-8 and hold no NUL byte. */
      readonly text: string;
    }
  | {
      /** Why the bytes are not text, and where the first offending byte is. */
      readonly notText: NotText;
    } {
  const nul = bytes.indexOf(0);
  if (nul !== -1)
    return {
      notText: {
        reason: "binary",
        ...position(bytes, nul),
        message: "is a binary file (it holds a NUL byte), not text",
      },
    };
  if (!isUtf8(bytes))
    return {
      notText: {
        reason: "not-utf8",
        ...position(bytes, firstBadOffset(bytes)),
        message: "is not UTF-8 text (save it as UTF-8)",
      },
    };
  return { text: new TextDecoder("utf-8").decode(bytes) };
}

/** Offset of the first byte of the first sequence that is not UTF-8 (an incomplete one at the end included). */
function firstBadOffset(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let sequenceStart = 0;
  for (let offset = 0; offset < bytes.length; offset++) {
    try {
      if (decoder.decode(bytes.subarray(offset, offset + 1), { stream: true }) !== "")
        sequenceStart = offset + 1;
    } catch {
      return sequenceStart;
    }
  }
  return sequenceStart;
}

/** 1-based line and column (in characters) of a byte offset; UTF-8 never uses the newline byte inside a character. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (
    let index = bytes.indexOf(NEWLINE);
    index !== -1 && index < offset;
    index = bytes.indexOf(NEWLINE, index + 1)
  ) {
    line++;
    start = index + 1;
  }
  const before = new TextDecoder("utf-8").decode(bytes.subarray(start, offset));
  return { line, column: before.length + 1 };
}
