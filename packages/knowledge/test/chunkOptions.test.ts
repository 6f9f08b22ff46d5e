import { ValidationError } from "@software-factory/core";
import { chunkMarkdown } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";

const body = "# Checkout\n\nPayment retries three times.";

describe("chunkMarkdown options", () => {
  it.each([
    [{ maxTokens: 5 }, "maxTokens: must be at least 16 tokens, got 5"],
    [{ maxTokens: 16.5 }, "maxTokens: must be a whole number of tokens, got 16.5"],
    [{ maxTokens: Number.NaN }, "maxTokens: must be a whole number of tokens, got NaN"],
    [{ maxTokens: "64" }, 'maxTokens: must be a whole number of tokens, got "64"'],
    [{ overlapTokens: -1 }, "overlapTokens: must be 0 or more tokens, got -1"],
  ])("refuses %o with a ValidationError naming the option and the value", (options, message) => {
    const thrown = (() => {
      try {
        chunkMarkdown(body, options as never);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ code: "E_VALIDATION" });
    expect((thrown as ValidationError).message).toBe(`chunk options is invalid: ${message}`);
    expect((thrown as ValidationError).issues[0]?.path).toBe(message.split(":")[0]);
  });

  it("takes the smallest chunk and no overlap", () => {
    expect(chunkMarkdown(body, { maxTokens: 16, overlapTokens: 0 })).toMatchObject([
      { index: 0, headingPath: ["Checkout"] },
    ]);
  });
});
