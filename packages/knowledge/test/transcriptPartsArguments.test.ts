import { transcriptParts } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { caughtValidationError as refusal } from "./fixtures/caughtValidationError.js";

/** A transcript whose markdown is over a document's 2,000,000 characters, so it makes more than one part. */
const LONG = Array.from({ length: 40_000 }, (_, turn) => `Ana: ${"word ".repeat(12)}${turn}`).join("\n");

describe("transcriptParts called with details it cannot title or address", () => {
  it("refuses a missing or non-text title, and a non-text source.uri, by name, rather than with a TypeError", () => {
    const untitled = refusal(() => transcriptParts(LONG, { source: { system: "transcript" } } as never));
    expect(untitled.issues.map((issue) => issue.path)).toEqual(["details.title"]);
    expect(untitled.message).toContain("transcriptParts");

    const numbered = refusal(() =>
      transcriptParts(LONG, { title: 42, source: { system: "transcript", uri: 7 } } as never),
    );
    expect(numbered.issues.map((issue) => issue.path)).toEqual(["details.title", "details.source.uri"]);
  });

  it("still splits a long transcript with a title and an address", () => {
    const parts = transcriptParts(LONG, {
      title: "Workshop",
      source: { system: "transcript", uri: "day.txt" },
    });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((part) => part.document.source?.uri)).toEqual(
      parts.map((part) => (part.part === 1 ? "day.txt" : `day.txt#part-${part.part}`)),
    );
    expect(parts[1]?.document.title).toBe(`Workshop (part 2 of ${parts.length})`);
  });
});
