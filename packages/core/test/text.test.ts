import { describe, expect, it } from "vitest";
import { decodeText } from "../src/index.js";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));

describe("decodeText", () => {
  it("reads UTF-8 text, dropping a byte order mark", () => {
    expect(decodeText(bytes("héllo\n✓ 🚀"))).toEqual({ text: "héllo\n✓ 🚀" });
    expect(decodeText(bytes([0xef, 0xbb, 0xbf], "a"))).toEqual({ text: "a" });
  });

  it("places the first byte that is not UTF-8 by line and column", () => {
    // A lone Latin-1 é (0xe9) after "## Caf" on line 3.
    expect(decodeText(bytes("# T\n\n## Caf", [0xe9], "\n"))).toMatchObject({
      notText: { reason: "not-utf8", line: 3, column: 7 },
    });
    // After a multi-byte character, the column counts characters; an invalid lead byte alone.
    expect(decodeText(bytes("é✓", [0xff]))).toMatchObject({ notText: { line: 1, column: 3 } });
    // A sequence cut short at the end of the file.
    expect(decodeText(bytes("ab", [0xe2, 0x9c]))).toMatchObject({ notText: { line: 1, column: 3 } });
    // An overlong encoding and a UTF-16 surrogate encoded in UTF-8 are not UTF-8 either.
    expect(decodeText(bytes("x", [0xc0, 0xaf]))).toMatchObject({
      notText: { reason: "not-utf8", column: 2 },
    });
    expect(decodeText(bytes([0xed, 0xa0, 0x80]))).toMatchObject({
      notText: { reason: "not-utf8", column: 1 },
    });
  });

  it("calls bytes with a NUL binary, at the NUL", () => {
    expect(decodeText(bytes("a\nbc", [0], "d"))).toEqual({
      notText: {
        reason: "binary",
        line: 2,
        column: 3,
        message: "is a binary file (it holds a NUL byte), not text",
      },
    });
  });
});
