/**
 * firstSafeLine takes the first of several title sources with anything left
 * once made one line; cutText cuts a text to a limit in UTF-16 units without
 * ever leaving half of a surrogate pair. Both through the package's public entry.
 */
import { cutText, firstSafeLine, ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";

/** Half of a surrogate pair with no other half next to it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("firstSafeLine", () => {
  it("gives the first candidate with anything left after toSafeLine, made one line", () => {
    expect(firstSafeLine("Fix\tcheckout", "Other")).toBe("Fix checkout");
    expect(firstSafeLine(undefined, "", " \u202e\t\n", "Pay\nby link", "Other")).toBe("Pay by link");
  });

  it("gives an empty line when no candidate has anything left, or none is given", () => {
    expect(firstSafeLine(undefined, "\u2066\u2069", "\r\n")).toBe("");
    expect(firstSafeLine()).toBe("");
  });
});

describe("cutText", () => {
  it("keeps a text within the limit as it is", () => {
    expect(cutText("Pay by link", 11)).toBe("Pay by link");
    expect(cutText("Pay by link", 11, "...")).toBe("Pay by link");
    expect(cutText(`${"a".repeat(498)}🚀`, 500)).toBe(`${"a".repeat(498)}🚀`);
  });

  it("drops an emoji whose pair the limit would split, leaving no lone surrogate", () => {
    const cut = cutText(`${"a".repeat(499)}🚀 and more`, 500);
    expect(cut).toBe("a".repeat(499));
    expect(LONE_SURROGATE.test(cut)).toBe(false);
    expect(cutText(`${"a".repeat(498)}🚀 and more`, 500)).toBe(`${"a".repeat(498)}🚀`);
  });

  it("ends a cut text with the ellipsis, counted in the limit, after the kept text's trailing spaces", () => {
    expect(cutText("Pay by link today", 10, "...")).toBe("Pay by...");
    expect(cutText("Pay by link today", 12, "…")).toBe("Pay by link…");
    const cut = cutText(`${"a".repeat(496)}🚀 and more`, 500, "...");
    expect(cut).toBe(`${"a".repeat(496)}...`);
    expect(LONE_SURROGATE.test(cut)).toBe(false);
  });

  it("refuses a limit shorter than the ellipsis, naming the limit", () => {
    expect(() => cutText("Pay by link", 2, "...")).toThrow(ValidationError);
    expect(() => cutText("Pay by link", 2, "...")).toThrow(/limit/);
  });
});
