import { readFileSync } from "node:fs";
import { formatIssues, ValidationError } from "@software-factory/core";

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a text file that must be UTF-8 (a SKILL.md, a `.mdc` rule). Bytes
 * that are not UTF-8 would otherwise become U+FFFD without a word.
 *
 * @throws ValidationError naming the file, line and column of the first byte that is not UTF-8.
 */
export function readUtf8File(file: string, subject: string): string {
  const bytes = readFileSync(file);
  try {
    return strict.decode(bytes);
  } catch {
    const { line, column } = firstBadByte(bytes);
    const issues = [{ path: "", message: "is not UTF-8 text (save it as UTF-8)", file, line, column }];
    throw new ValidationError({ message: formatIssues(subject, issues), issues });
  }
}

/** Line and column (1-based, in characters) of the first byte of `bytes` that is not UTF-8. */
function firstBadByte(bytes: Buffer): { line: number; column: number } {
  const lines = strict.decode(bytes.subarray(0, firstBadOffset(bytes))).split("\n");
  return { line: lines.length, column: (lines.at(-1) ?? "").length + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
function firstBadOffset(bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] as number;
    const length =
      lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const [low, high] =
      lead === 0xe0
        ? [0xa0, 0xbf]
        : lead === 0xed
          ? [0x80, 0x9f]
          : lead === 0xf0
            ? [0x90, 0xbf]
            : lead === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    if (length === 0 || at + length > bytes.length) return at;
    for (let next = 1; next < length; next++) {
      const byte = bytes[at + next] as number;
      if (next === 1 ? byte < low || byte > high : (byte & 0xc0) !== 0x80) return at;
    }
    at += length;
  }
  return at;
}
