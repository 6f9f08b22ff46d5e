/**
 * toSafeLine makes outside text (a commit subject, an issue's title) one line
 * a title accepts: runs of control characters and line separators become one
 * space, bidi overrides and isolates go, and what is left passes
 * findUnsafeLineCharacter. Both through the package's public entry.
 */
import { CreateWorkItemInputSchema, findUnsafeLineCharacter, toSafeLine } from "@software-factory/core";
import { describe, expect, it } from "vitest";

/** Every character findUnsafeLineCharacter refuses: C0, DEL, C1, the separators, the bidi controls. */
const UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, code) => code),
  ...Array.from({ length: 0x21 }, (_, offset) => 0x7f + offset),
  0x2028,
  0x2029,
  ...Array.from({ length: 5 }, (_, offset) => 0x202a + offset),
  ...Array.from({ length: 4 }, (_, offset) => 0x2066 + offset),
].map((code) => String.fromCodePoint(code));

describe("toSafeLine", () => {
  it("makes each run of control characters and line separators, with the spaces around it, one space", () => {
    expect(toSafeLine("Fix\tcheckout")).toBe("Fix checkout");
    expect(toSafeLine("Fix \r\n\t checkout")).toBe("Fix checkout");
    expect(toSafeLine("a\x1b[31mred\x1b[0m")).toBe("a [31mred [0m");
    expect(toSafeLine("one\u2028two\u2029three\u0085four\x7ffive")).toBe("one two three four five");
    expect(toSafeLine("nul\0byte")).toBe("nul byte");
  });

  it("drops bidi embeddings, overrides and isolates without leaving a space", () => {
    expect(toSafeLine("Refund \u202eknil yb yaP\u202c")).toBe("Refund knil yb yaP");
    expect(toSafeLine("a\u2066b\u2067c\u2068d\u2069e\u202af\u202bg\u202dh")).toBe("abcdefgh");
    expect(toSafeLine("a\t\u202e\tb")).toBe("a b");
  });

  it("trims, may give an empty line, and keeps every other character as it was", () => {
    expect(toSafeLine("\n  Pay by link \t")).toBe("Pay by link");
    expect(toSafeLine("\u202e\u2066\t\n")).toBe("");
    const letters = "Ça marche — 支払い · مرحبا · 🚀 a\u00a0b \u200dx";
    expect(toSafeLine(letters)).toBe(letters);
  });

  it("leaves nothing findUnsafeLineCharacter finds, for every character it refuses", () => {
    for (const character of UNSAFE) {
      const text = `a${character}b ${character}${character} c${character}`;
      expect(findUnsafeLineCharacter(text), `U+${character.codePointAt(0)?.toString(16)}`).toBeDefined();
      expect(findUnsafeLineCharacter(toSafeLine(text))).toBeUndefined();
    }
  });

  it("turns a title a work item refuses into one it takes", () => {
    const title = "a\u202eevil \x1b[31mred";
    expect(CreateWorkItemInputSchema.safeParse({ line: "checkout", title }).success).toBe(false);
    expect(CreateWorkItemInputSchema.parse({ line: "checkout", title: toSafeLine(title) }).title).toBe(
      "aevil [31mred",
    );
  });
});
